import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CommandBus } from '@nestjs/cqrs';
import { DELIVERY_CSV_COLUMNS } from '@qms/delivery-domain';
import * as iconv from 'iconv-lite';
import { RecordDeliveryBatchCommand } from '../apps/api/src/deliveries/delivery.commands';
import { EVENT_STORE, type EventStore, SqliteEventStore } from '@qms/event-store';
import { runCli } from '../apps/cli/src/cli';
import type { CliIo } from '../apps/cli/src/cli-io';
import { startTestApp, type TestApp } from './support/test-app';

const HEADER = DELIVERY_CSV_COLUMNS.join(',');
const CHINESE_HEADER = '客户,订单号,行号,料号,数量,承诺交期,实际交货时间,加急运费';
/** As Chinese Excel saves it: GBK, CRLF, local times without an offset, 1,500 quoted, 2026/2/9 dates. */
const chineseExcelCsv = (order: string) =>
  iconv.encode(`${CHINESE_HEADER}\r\n上海汽车,${order},10,P-1,"1,500",2026/2/9,2026-02-10 14:00,否\r\n`, 'gbk');

const delivery = {
  customerId: 'ACME',
  orderNo: 'SO-1001',
  lineNo: '10',
  partNo: 'P-100',
  quantity: 500,
  promisedDate: '2026-03-05',
  deliveredAt: '2026-03-05T14:30:00+08:00',
};

/** `count` good rows of orders `<prefix>-<n>`, one line each. */
function goodRows(prefix: string, count: number): string[] {
  return Array.from(
    { length: count },
    (_, index) =>
      `CUST-A,${prefix}-${index + 1},10,P-${index % 7},${index + 1},2026-02-10,2026-02-10T06:00:00Z,no`,
  );
}

describe('delivery commands over HTTP (embedded default)', () => {
  let api: TestApp;
  let store: EventStore;
  beforeAll(async () => {
    api = await startTestApp();
    store = api.app.get<EventStore>(EVENT_STORE);
  });
  afterAll(async () => {
    await api.close();
  });

  const record = (body: unknown, key = 'dev-sales', headers: Record<string, string> = {}) =>
    api.request('POST', '/deliveries', { key, body, headers });
  const importCsv = async (
    csv: string | Buffer,
    options: { key?: string; query?: string; contentType?: string } = {},
  ) => {
    const response = await api.app.inject({
      method: 'POST',
      url: `/deliveries/import${options.query ?? ''}`,
      headers: {
        authorization: `Bearer ${options.key ?? 'dev-sales'}`,
        'content-type': options.contentType ?? 'text/csv',
      },
      payload: csv,
    });
    return { status: response.statusCode, body: response.json() };
  };
  const fields = (response: { body: { fields?: { field: string }[] } }) =>
    (response.body.fields ?? []).map((error) => error.field);

  describe('one order line at a time', () => {
    it('records a delivery; the same content again appends nothing; other content is a 409 pointing to a correction', async () => {
      const first = await record(delivery);
      expect(first.status).toBe(201);
      expect(first.body).toMatchObject({
        streamId: 'delivery-SO-1001:10',
        revision: 0,
        alreadyRecorded: false,
      });
      const head = await store.headPosition();

      const again = await record(delivery);
      expect(again.status).toBe(200);
      expect(again.body).toMatchObject({ revision: 0, position: first.body.position, alreadyRecorded: true });
      expect(await store.headPosition()).toBe(head);

      const different = await record({ ...delivery, quantity: 499 });
      expect(different.status).toBe(409);
      expect(different.body.code).toBe('ILLEGAL_STATE');
      expect(different.body.message).toContain('quantity: recorded 500, now 499');
      expect(different.body.message).toContain('POST /deliveries/corrections');
      expect(await store.headPosition()).toBe(head);
    });

    it('corrects a recorded line with a reason, keeping both facts in the event', async () => {
      await record({ ...delivery, orderNo: 'SO-2001' });
      const corrected = await api.request('POST', '/deliveries/corrections', {
        key: 'dev-planning',
        body: {
          orderNo: 'SO-2001',
          lineNo: '10',
          changes: { quantity: 480 },
          reason: 'ERP posted the gross quantity',
        },
      });
      expect(corrected.status).toBe(200);
      expect(corrected.body.revision).toBe(1);
      const [, event] = await store.readStream('delivery-SO-2001:10');
      expect(event!.data).toMatchObject({
        previous: { quantity: 500 },
        corrected: { quantity: 480 },
        reason: 'ERP posted the gross quantity',
      });
      const nothing = await api.request('POST', '/deliveries/corrections', {
        key: 'dev-sales',
        body: { orderNo: 'SO-2001', lineNo: '10', changes: {}, reason: 'x' },
      });
      expect(nothing.status).toBe(400);
      expect(fields(nothing)).toEqual(['changes']);
      const missing = await api.request('POST', '/deliveries/corrections', {
        key: 'dev-sales',
        body: { orderNo: 'SO-none', lineNo: '10', changes: { quantity: 1 }, reason: 'x' },
      });
      expect(missing.status).toBe(404);
    });

    it('answers 400 naming each bad field, including a delivery in the future and unknown fields', async () => {
      const head = await store.headPosition();
      const bad = await record({
        ...delivery,
        orderNo: 'SO-3001',
        quantity: 0,
        promisedDate: '05.03.2026',
        premiumFreight: 'yes',
        colour: 'red',
      });
      expect(bad.status).toBe(400);
      expect(fields(bad)).toEqual(
        expect.arrayContaining(['quantity', 'promisedDate', 'premiumFreight', 'colour']),
      );
      const future = await record({ ...delivery, orderNo: 'SO-3002', deliveredAt: '2999-01-01T00:00:00Z' });
      expect(future.status).toBe(400);
      expect(fields(future)).toEqual(['deliveredAt']);
      expect(await store.headPosition()).toBe(head);
    });

    it('answers 403 to roles that may not record deliveries', async () => {
      expect((await record({}, 'dev-warehouse')).status).toBe(403);
      expect(
        (await api.request('POST', '/deliveries/corrections', { key: 'dev-quality', body: {} })).status,
      ).toBe(403);
    });

    it('returns the first result for a retried Idempotency-Key', async () => {
      const body = { ...delivery, orderNo: 'SO-4001' };
      const first = await record(body, 'dev-sales', { 'idempotency-key': 'delivery-retry-1' });
      const retry = await record(body, 'dev-sales', { 'idempotency-key': 'delivery-retry-1' });
      expect(first.status).toBe(201);
      expect(retry.status).toBe(201);
      expect(retry.body).toMatchObject({
        revision: 0,
        position: first.body.position,
        replayed: true,
        alreadyRecorded: false,
      });
    });
  });

  describe('CSV import (POST /deliveries/import, text/csv)', () => {
    it('imports a clean file, and a second import of it appends nothing (the head position does not move)', async () => {
      const csv = [HEADER, ...goodRows('IMP', 40)].join('\n');
      const first = await importCsv(csv);
      expect(first.status).toBe(200);
      expect(first.body).toEqual({
        mode: 'all-or-nothing',
        rows: 40,
        imported: 40,
        alreadyPresent: 0,
        rejected: [],
        committed: true,
      });
      const head = await store.headPosition();
      const second = await importCsv(csv);
      expect(second.body).toEqual({
        mode: 'all-or-nothing',
        rows: 40,
        imported: 0,
        alreadyPresent: 40,
        rejected: [],
        committed: true,
      });
      expect(await store.headPosition()).toBe(head);
      const [event] = await store.readStream('delivery-IMP-7:10');
      expect(event!.metadata).toMatchObject({
        actor: { userId: 'dev.sales', role: 'sales' },
        schemaVersion: 1,
        commandType: 'RecordDelivery',
      });
      expect(event!.metadata['hash']).toMatch(/^[0-9a-f]{64}$/);
    });

    it('refuses a file with bad rows as a whole, naming every bad line, and imports nothing', async () => {
      await record({ ...delivery, orderNo: 'BAD-9', lineNo: '10', quantity: 5 });
      const head = await store.headPosition();
      const csv = [
        HEADER,
        'CUST-A,BAD-1,10,P-1,5,2026-02-10,2026-02-10T06:00:00Z,no', // 2 good
        'CUST-A,BAD-2,10,P-1,0,2026-02-10,2026-02-10T06:00:00Z,no', // 3 zero quantity
        'CUST-A,BAD-3,10,P-1,5,2026-02-30,2026-02-10T06:00:00Z,no', // 4 impossible date
        '',
        ',BAD-4,10,P-1,5,2026-02-10,2999-02-10T06:00:00Z,maybe', // 6 three problems
        'CUST-A,BAD-1,10,P-1,6,2026-02-10,2026-02-10T06:00:00Z,no', // 7 same line as 2, other facts
        'CUST-A,BAD-1,10,P-1,5,2026-02-10,2026-02-10T06:00:00Z,no', // 8 repeats 2 exactly: fine
        'ACME,BAD-9,10,P-100,6,2026-03-05,2026-03-05T06:30:00Z,no', // 9 recorded with other facts
        'CUST-A,BAD-5,10,P-1,5,2026-02-10', // 10 short row
        'CUST-A,BAD-6,10,P-1,5,2026-02-10,2026-02-10T06:00:00Z,no', // 11 good
      ].join('\n');
      const response = await importCsv(csv);
      expect(response.status).toBe(400);
      expect(response.body).toMatchObject({
        code: 'VALIDATION_FAILED',
        mode: 'all-or-nothing',
        rows: 9,
        imported: 0,
        committed: false,
      });
      const rejected = response.body.rejected as { line: number; errors: string[] }[];
      expect(rejected.map((row) => row.line)).toEqual([3, 4, 6, 7, 9, 10]);
      const errorsOf = (line: number) => rejected.find((row) => row.line === line)!.errors.join(' | ');
      expect(errorsOf(3)).toContain('quantity');
      expect(errorsOf(4)).toContain('promised_date');
      expect(rejected.find((row) => row.line === 6)!.errors).toHaveLength(3);
      expect(errorsOf(7)).toContain('also on line 2');
      expect(errorsOf(9)).toContain('POST /deliveries/corrections');
      expect(errorsOf(10)).toContain('expected 8 fields');
      expect(response.body.message).toContain('6 of 9 rows are bad');
      expect(await store.headPosition()).toBe(head);
    });

    it('validates without writing (?mode=validate), or imports the good rows (?mode=good-rows)', async () => {
      const csv = [
        HEADER,
        ...goodRows('MODE', 3),
        'CUST-A,MODE-X,10,P-1,-1,2026-02-10,2026-02-10T06:00:00Z,no',
      ].join('\r\n');
      const head = await store.headPosition();
      const validated = await importCsv(csv, { query: '?mode=validate' });
      expect(validated.status).toBe(200);
      expect(validated.body).toMatchObject({
        mode: 'validate',
        rows: 4,
        toImport: 3,
        imported: 0,
        committed: false,
      });
      expect(validated.body.rejected.map((row: { line: number }) => row.line)).toEqual([5]);
      expect(await store.headPosition()).toBe(head);

      const partial = await importCsv(csv, { query: '?mode=good-rows' });
      expect(partial.status).toBe(200);
      expect(partial.body).toMatchObject({
        mode: 'good-rows',
        rows: 4,
        imported: 3,
        alreadyPresent: 0,
        committed: true,
      });
      expect(partial.body.rejected.map((row: { line: number }) => row.line)).toEqual([5]);
      expect(await store.headPosition()).toBeGreaterThan(head);
    });

    it('names a missing header column', async () => {
      const response = await importCsv('customer_id,order_no,line_no\nA,B,C');
      expect(response.status).toBe(400);
      expect(response.body.rejected).toEqual([
        { line: 1, errors: expect.arrayContaining(['header: missing column part_no']) },
      ]);
    });

    it('reads a GBK file from Chinese Excel when the charset is declared: Chinese headers, local times in the policy zone, 1,500', async () => {
      for (const charset of ['gb18030', 'gbk']) {
        const order = `GBK-${charset}`;
        const response = await importCsv(chineseExcelCsv(order), { contentType: `text/csv; charset=${charset}` });
        expect(response).toMatchObject({ status: 200, body: { imported: 1, rejected: [] } });
        const [event] = await store.readStream(`delivery-${order}:10`);
        expect(event?.data).toMatchObject({
          customerId: '上海汽车',
          quantity: 1500,
          promisedDate: '2026-02-09',
          // 14:00 in Asia/Shanghai, the default policy zone
          deliveredAt: '2026-02-10T06:00:00.000Z',
        });
      }
    });

    it('refuses an undeclared GBK file as not UTF-8, naming the first bad line, and appends nothing', async () => {
      const before = await store.headPosition();
      const csv = Buffer.concat([Buffer.from(`${HEADER}\n${goodRows('UTF', 2).join('\n')}\n`), iconv.encode('上海汽车,UTF-9,10,P-1,5,2026-02-10,2026-02-10T06:00:00Z,no\n', 'gbk')]);
      const response = await importCsv(csv);
      expect(response.status).toBe(400);
      expect(response.body.rejected).toEqual([{ line: 4, errors: [expect.stringMatching(/^this line is not valid UTF-8.*charset=gb18030/)] }]);
      expect(await store.headPosition()).toBe(before);
      expect((await importCsv(HEADER, { contentType: 'text/csv; charset=shift_jis' })).status).toBe(415);
    });

    it('names the accepted headers in both languages when a header is unknown', async () => {
      const response = await importCsv('顾客,订单号,行号,料号,数量,承诺交期,实际交货时间,加急运费\n');
      expect(response.status).toBe(400);
      expect(response.body.rejected[0].errors).toEqual([
        'header: missing column customer_id',
        'header: not recognised: "顾客"',
        expect.stringMatching(/customer_id \/ 客户.*quantity \/ 数量.*delivered_at \/ 实际交货时间/),
      ]);
    });

    it('writes through the command bus, one RecordDeliveryBatchCommand per batch of 500 rows', async () => {
      const bus = api.app.get(CommandBus);
      const execute = jest.spyOn(bus, 'execute');
      try {
        const response = await importCsv([HEADER, ...goodRows('BUS', 1001)].join('\n'));
        expect(response.body).toMatchObject({ imported: 1001 });
        const batches = execute.mock.calls.map(([command]) => command).filter((command) => command instanceof RecordDeliveryBatchCommand);
        expect(batches.map((command) => (command).deliveries.length)).toEqual([500, 500, 1]);
      } finally {
        execute.mockRestore();
      }
    });

    it('answers 403 to a role that may not import, 415 to a body that is not CSV, 400 to an unknown mode', async () => {
      expect((await importCsv(HEADER, { key: 'dev-warehouse' })).status).toBe(403);
      expect((await importCsv('{"rows":[]}', { contentType: 'application/json' })).status).toBe(415);
      const badMode = await importCsv(HEADER, { query: '?mode=maybe' });
      expect(badMode.status).toBe(400);
      expect(fields(badMode)).toEqual(['mode']);
    });
  });
});

describe('import-deliveries on the command line', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'qms-cli-import-'));
  });
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  function cliIo(): CliIo & { out: () => string; err: () => string } {
    let out = '';
    let err = '';
    return {
      stdout: { write: (text: string) => (out += text) },
      stderr: { write: (text: string) => (err += text) },
      env: { EVENTS_DB_PATH: join(dir, 'events.db'), READ_DB_PATH: join(dir, 'read-models.db') },
      out: () => out,
      err: () => err,
    };
  }
  const head = async () => {
    const store = SqliteEventStore.open(join(dir, 'events.db'));
    try {
      return await store.headPosition();
    } finally {
      await store.close();
    }
  };

  it('imports a file with progress on stderr and a summary on stdout; a second run appends nothing', async () => {
    const file = join(dir, 'good.csv');
    writeFileSync(file, [HEADER, ...goodRows('CLI', 300)].join('\n'));
    const io = cliIo();
    expect(await runCli(['import-deliveries', file], io)).toBe(0);
    expect(io.out()).toMatch(
      /^Imported 300 deliveries, 0 already present \(300 rows in [\d.]+ s, \d+ rows\/s\)/,
    );
    expect(io.err()).toMatch(/importing: 100% \| 300 rows \| \d+ rows\/s/);
    const after = await head();
    expect(after).toBe(300);

    const again = cliIo();
    expect(await runCli(['import-deliveries', file, '--json'], again)).toBe(0);
    expect(JSON.parse(again.out())).toMatchObject({ imported: 0, alreadyPresent: 300, rejected: [] });
    expect(await head()).toBe(after);
  });

  it('exits 1 naming every bad line, and imports nothing from a file with bad rows', async () => {
    const file = join(dir, 'bad.csv');
    writeFileSync(
      file,
      [
        HEADER,
        ...goodRows('CLIBAD', 3),
        'CUST-A,CLIBAD-X,10,P-1,1.5,2026-02-10,2026-02-10T06:00:00Z,no',
        'x,y',
      ].join('\n'),
    );
    const before = await head();
    const io = cliIo();
    expect(await runCli(['import-deliveries', file], io)).toBe(1);
    expect(io.out()).toContain('Nothing imported: 2 of 5 rows are bad');
    expect(io.out()).toContain('line 5: quantity: "1.5" is not a positive integer');
    expect(io.out()).toContain('line 6: ');
    expect(await head()).toBe(before);
  });

  it('reads a GBK file with --encoding gb18030, and without it names the line that is not UTF-8', async () => {
    const file = join(dir, 'excel-gbk.csv');
    writeFileSync(file, chineseExcelCsv('CLI-GBK'));
    const before = await head();
    const undeclared = cliIo();
    expect(await runCli(['import-deliveries', file], undeclared)).toBe(1);
    expect(undeclared.out()).toContain('line 1: this line is not valid UTF-8');
    expect(await head()).toBe(before);

    const io = cliIo();
    expect(await runCli(['import-deliveries', file, '--encoding', 'gb18030', '--json'], io)).toBe(0);
    expect(JSON.parse(io.out())).toMatchObject({ imported: 1, rejected: [] });
    const store = SqliteEventStore.open(join(dir, 'events.db'));
    try {
      const [event] = await store.readStream('delivery-CLI-GBK:10');
      expect(event?.data).toMatchObject({ customerId: '上海汽车', quantity: 1500, deliveredAt: '2026-02-10T06:00:00.000Z' });
    } finally {
      await store.close();
    }
    expect(await runCli(['import-deliveries', file, '--encoding', 'latin1'], cliIo())).toBe(2);
  });

  it('refuses a role that may not record deliveries, and a missing file', async () => {
    const io = cliIo();
    expect(await runCli(['import-deliveries', join(dir, 'good.csv'), '--api-key', 'dev-warehouse'], io)).toBe(
      2,
    );
    expect(io.err()).toContain('Role warehouse may not record deliveries');
    const missing = cliIo();
    expect(await runCli(['import-deliveries', join(dir, 'nope.csv')], missing)).toBe(5);
  });
});

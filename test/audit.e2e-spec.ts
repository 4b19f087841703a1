import { join } from 'node:path';
import Database from 'better-sqlite3';
import ExcelJS from 'exceljs';
import { runCli } from '../apps/cli/src/cli';
import type { CliIo } from '../apps/cli/src/cli-io';
import { EXIT } from '../apps/cli/src/exit-codes';
import { startTestApp, type TestApp } from './support/test-app';
import { walkThrough8D } from './support/eight-d-walk';

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const registration = {
  customerId: 'ACME',
  customerContact: 'Li Wei',
  partNo: 'P-100',
  lot: 'L-2026-03',
  defectDescription: 'Burr on the flange edge',
  quantityAffected: 12,
  severity: 'urgent',
  channel: 'email',
  receivedAt: '2026-03-06T09:00:00Z',
  returnNeeded: true,
  customerProductionAffected: false,
  occurredAt: '2026-03-06T10:00:00Z',
};

describe('audit: history, as-of, tamper evidence, 8D export (embedded default)', () => {
  let api: TestApp;
  let number: string;
  let reopenedAs: string;

  const post = async (url: string, key: string, body: unknown, headers: Record<string, string> = {}) => {
    const response = await api.request('POST', url, { key, body, headers });
    if (response.status >= 300) throw new Error(`POST ${url} as ${key}: ${response.status} ${response.text}`);
    return response;
  };
  const get = (url: string, key = 'dev-auditor') => api.request('GET', url, { key });
  const cliIo = (): CliIo & { out: () => string; err: () => string } => {
    const out: string[] = [];
    const err: string[] = [];
    return {
      stdout: { write: (text: string) => out.push(text) },
      stderr: { write: (text: string) => err.push(text) },
      env: { EVENTS_DB_PATH: join(api.dataDir, 'events.db'), READ_DB_PATH: join(api.dataDir, 'read-models.db') },
      out: () => out.join(''),
      err: () => err.join(''),
    };
  };

  /** register → … → close → reopen, with business times in March 2026 (entered today). */
  beforeAll(async () => {
    api = await startTestApp();
    number = (await post('/complaints', 'dev-sales', registration)).body.complaintNumber;
    const on = (step: string) => `/complaints/${number}/${step}`;
    await walkThrough8D(post, number, 'thanks to the assembly team');
    await sleep(5);
    const reopened = await post(on('reopening'), 'dev-sales', { reason: 'customer not satisfied', occurredAt: '2026-04-02T01:00:00Z' }, { 'x-correlation-id': 'reopen-1' });
    reopenedAs = reopened.body.reopenedAs;
  });
  afterAll(async () => {
    await api.close();
  });

  describe('history', () => {
    it('lists every event in order with business and recorded time, actor and role, tracing ids, hash and schema version', async () => {
      const response = await get(`/audit/complaints/${number}/history`);
      expect(response.status).toBe(200);
      const { items, total } = response.body;
      expect(total).toBe(16);
      expect(items.map((item: { revision: number }) => item.revision)).toEqual([...Array(16).keys()]);
      expect(items[0]).toMatchObject({
        type: 'ComplaintRegistered',
        occurredAt: '2026-03-06T10:00:00.000Z',
        actor: { userId: 'dev.sales', role: 'sales' },
        schemaVersion: 2,
        commandType: 'RegisterComplaint',
        previousHash: '0'.repeat(64),
      });
      expect(items[3]).toMatchObject({ type: 'RootCauseRecorded', actor: { userId: 'dev.assembly', role: 'department', department: 'assembly' } });
      expect(Date.parse(items[3].recordedAt)).toBeGreaterThan(Date.parse(items[3].occurredAt));
      expect(items[3].occurredAt).toBe('2026-03-08T01:00:00.000Z');
      const positions = items.map((item: { position: number }) => item.position);
      expect(positions).toEqual([...positions].sort((a, b) => a - b));
      items.slice(1).forEach((item: { previousHash: string }, index: number) => expect(item.previousHash).toBe(items[index].hash));
      expect(items.at(-1)).toMatchObject({ type: 'ComplaintReopened', correlationId: 'reopen-1', causationId: 'reopen-1' });
    });

    it('pages in a stable order', async () => {
      const whole = (await get(`/audit/complaints/${number}/history?pageSize=100`)).body.items;
      const pages = [];
      for (let page = 1; page <= 4; page++) pages.push((await get(`/audit/streams/complaint-${number}/history?page=${page}&pageSize=5`)).body);
      expect(pages[0]).toMatchObject({ page: 1, pageSize: 5, total: 16, totalPages: 4 });
      expect(pages.flatMap((page) => page.items)).toEqual(whole);
      expect((await get(`/audit/complaints/${number}/history?page=9&pageSize=5`)).body.items).toEqual([]);
    });

    it('traces the reopening into the new complaint by correlation id', async () => {
      const response = await get(`/audit/complaints/${reopenedAs}/history`);
      expect(response.body.items[0]).toMatchObject({ type: 'ComplaintRegistered', correlationId: 'reopen-1', data: { reopenedFrom: number } });
    });

    it('refuses bad paging and unknown records', async () => {
      const bad = await get(`/audit/complaints/${number}/history?page=0&pageSize=5000&sort=x`);
      expect(bad.status).toBe(400);
      expect(bad.body.fields.map((field: { field: string }) => field.field).sort()).toEqual(['page', 'pageSize', 'sort']);
      expect((await get('/audit/complaints/CC-2026-9999/history')).status).toBe(404);
      expect((await get('/audit/complaints/not-a-number/history')).status).toBe(400);
    });
  });

  describe('as of', () => {
    it('rebuilds the state at a revision with the deciders', async () => {
      const response = await get(`/audit/complaints/${number}/as-of?revision=2`);
      expect(response.status).toBe(200);
      expect(response.body).toMatchObject({ revision: 2, eventCount: 3, currentRevision: 15, state: { status: 'assigned', department: 'assembly' } });
      expect(response.body.state.containmentRecordedAt).toBe('2026-03-07T01:00:00.000Z');
      expect(response.body.eightD.D3.containments).toHaveLength(1);
      expect(response.body.eightD.D4.analyses).toEqual([]);
    });

    it('shows what the record said at a recorded instant: closed just before the reopening, reopened after it', async () => {
      const items = (await get(`/audit/complaints/${number}/history`)).body.items;
      const closed = items.find((item: { type: string }) => item.type === 'ComplaintClosed');
      const reopened = items.find((item: { type: string }) => item.type === 'ComplaintReopened');
      const before = await get(`/audit/complaints/${number}/as-of?at=${closed.recordedAt}`);
      expect(before.body).toMatchObject({ asOf: { basis: 'recorded' }, revision: closed.revision, state: { status: 'closed', reopenedAs: [] } });
      expect(before.body.eightD.D8.reopenings).toEqual([]);
      const after = await get(`/audit/complaints/${number}/as-of?at=${reopened.recordedAt}&basis=recorded`);
      expect(after.body).toMatchObject({ revision: 15, state: { status: 'closed', reopenedAs: [reopenedAs] } });
      expect(after.body.eightD.D8.reopenings).toEqual([expect.objectContaining({ reopenedAs, reason: 'customer not satisfied' })]);
    });

    it('by business time shows what had happened by then and names the entries made later', async () => {
      const asOfBusiness = await get(`/audit/complaints/${number}/as-of?at=2026-03-15T00:00:00Z&basis=business`);
      expect(asOfBusiness.body).toMatchObject({ state: { status: 'decision_approved' }, eventCount: 9 });
      expect(asOfBusiness.body.backdatedRevisions).toEqual([...Array(9).keys()]);
      const asRecorded = await get(`/audit/complaints/${number}/as-of?at=2026-03-15T00:00:00Z`);
      expect(asRecorded.body).toMatchObject({ revision: -1, eventCount: 0, state: { status: 'none' } });
    });

    it('works for any record by stream id and refuses ambiguous questions', async () => {
      const generic = await get(`/audit/streams/complaint-${reopenedAs}/as-of?revision=0`);
      expect(generic.body).toMatchObject({ kind: 'complaint', state: { status: 'registered', reopenedFrom: number } });
      expect((await get(`/audit/complaints/${number}/as-of`)).status).toBe(400);
      expect((await get(`/audit/complaints/${number}/as-of?revision=1&at=2026-03-15T00:00:00Z`)).status).toBe(400);
      expect((await get(`/audit/complaints/${number}/as-of?at=yesterday`)).status).toBe(400);
      expect((await get(`/audit/complaints/${number}/as-of?revision=99`)).status).toBe(404);
    });
  });

  describe('8D export', () => {
    it('lays out D0–D8 with the full history as JSON', async () => {
      const response = await get(`/audit/complaints/${number}/export?format=json`);
      expect(response.status).toBe(200);
      expect(response.headers['content-type']).toContain('application/json');
      expect(response.headers['content-disposition']).toBe(`attachment; filename="${number}-8D.json"`);
      const document = response.body;
      expect(Object.keys(document.eightD)).toEqual(['complaintNumber', 'D0', 'D1', 'D2', 'D3', 'D4', 'D5', 'D6', 'D7', 'D8']);
      expect(document).toMatchObject({
        complaintNumber: number,
        status: 'closed',
        revision: 15,
        exportedBy: { userId: 'dev.auditor', role: 'auditor' },
        integrity: { ok: true, firstBadEvent: null },
        links: { reopenedFrom: null, reopenedAs: [reopenedAs] },
      });
      expect(document.history).toHaveLength(16);
      const { D1, D3, D4, D5, D6, D7, D8 } = document.eightD;
      expect(D1.responsibleDepartment).toBe('assembly');
      expect(D3.containments[0]).toMatchObject({ description: '100 % sort of stock', quantitySecured: 480, by: { userId: 'dev.quality' } });
      expect(D4.analyses[0]).toMatchObject({ description: 'worn die', current: true });
      expect(D5.correctiveActions[0]).toMatchObject({ actionId: 'CA-1', status: 'verified' });
      expect(D5.decisions[0]).toMatchObject({ outcome: 'approved', decidedBy: 'dev.management' });
      expect(D6.implementation.map((step: { step: string }) => step.step)).toEqual(['completed', 'verified_effective', 'completed', 'verified_effective']);
      expect(D7.systemic[0]).toMatchObject({ actionId: 'CA-1', similarProductsCovered: ['P-101'], pfmea: { revised: true } });
      expect(D7.preventiveActions[0]).toMatchObject({ actionId: 'PA-1' });
      expect(D8).toMatchObject({ customerReplies: [{ message: '8D report attached' }], recognition: { remarks: 'thanks to the assembly team' } });
    });

    it('gives the same record as an Excel workbook with an 8D and an event-history sheet', async () => {
      const response = await api.app.inject({ method: 'GET', url: `/audit/complaints/${number}/export?format=xlsx`, headers: { authorization: 'Bearer dev-auditor' } });
      expect(response.statusCode).toBe(200);
      expect(response.headers['content-type']).toBe(XLSX);
      expect(response.headers['content-disposition']).toBe(`attachment; filename="${number}-8D.xlsx"`);
      const workbook = new ExcelJS.Workbook();
      await workbook.xlsx.load(response.rawPayload as unknown as ExcelJS.Buffer);
      const eightD = workbook.getWorksheet('8D');
      const history = workbook.getWorksheet('Event history');
      expect(eightD?.getRow(1).values).toEqual([undefined, 'Discipline', 'Title', 'Item', 'Field', 'Value']);
      const disciplines = new Set<string>();
      eightD?.eachRow((row, index) => index > 1 && disciplines.add(String(row.getCell(1).value)));
      expect([...disciplines]).toEqual(['D0', 'D1', 'D2', 'D3', 'D4', 'D5', 'D6', 'D7', 'D8']);
      expect(history?.rowCount).toBe(17);
      expect(history?.getRow(17).getCell(3).value).toBe('ComplaintReopened');
    });

    it('refuses an unknown format', async () => {
      expect((await get(`/audit/complaints/${number}/export?format=pdf`)).status).toBe(400);
    });
  });

  describe('who may read and write', () => {
    it('lets the auditor read everything and write nothing', async () => {
      const register = await api.request('POST', '/complaints', { key: 'dev-auditor', body: registration });
      expect(register.status).toBe(403);
      const close = await api.request('POST', `/complaints/${reopenedAs}/closure`, { key: 'dev-auditor', body: {} });
      expect(close.status).toBe(403);
      expect((await get(`/audit/complaints/${reopenedAs}/history`)).body.total).toBe(1);
    });

    it('keeps the audit views from roles outside quality, management, audit and operations', async () => {
      expect((await get(`/audit/complaints/${number}/history`, 'dev-sales')).status).toBe(403);
      expect((await get(`/audit/complaints/${number}/history`, 'dev-quality')).status).toBe(200);
      expect((await api.request('POST', '/audit/verify', { key: 'dev-quality' })).status).toBe(403);
      expect((await api.request('GET', `/audit/complaints/${number}/history`)).status).toBe(401);
    });
  });

  describe('tamper evidence', () => {
    it('proves an unaltered stream and an unaltered store', async () => {
      const stream = await get(`/audit/streams/complaint-${number}/verify`);
      expect(stream.body).toEqual({ streamId: `complaint-${number}`, ok: true, eventCount: 16, lastRevision: 15, unchained: false, firstBadEvent: null });
      const store = await api.request('POST', '/audit/verify', { key: 'dev-admin' });
      expect(store.status).toBe(200);
      expect(store.body).toMatchObject({ ok: true, streamsChecked: 2, eventsChecked: 17, breaks: [] });
      const cli = cliIo();
      expect(await runCli(['verify'], cli)).toBe(EXIT.OK);
      expect(cli.out()).toMatch(/^OK: 17 events in 2 streams/);
      expect(cli.err()).toContain('verify: ');
    });

    it('names an event altered directly in the database, over HTTP and in the CLI', async () => {
      const containment = (await get(`/audit/complaints/${number}/history?page=1&pageSize=3`)).body.items[2];
      expect(containment.type).toBe('ContainmentRecorded');
      const db = new Database(join(api.dataDir, 'events.db'));
      try {
        const changed = db
          .prepare("UPDATE events SET data = json_set(data, '$.description', 'nothing was sorted') WHERE event_id = ?")
          .run(containment.eventId);
        expect(changed.changes).toBe(1);
      } finally {
        db.close();
      }

      const stream = await get(`/audit/complaints/${number}/verify`);
      expect(stream.body).toMatchObject({
        ok: false,
        firstBadEvent: { revision: 2, eventId: containment.eventId, reason: expect.stringContaining('altered') },
      });
      const store = await api.request('POST', '/audit/verify', { key: 'dev-auditor' });
      expect(store.body).toMatchObject({ ok: false, breaks: [{ streamId: `complaint-${number}`, revision: 2, eventId: containment.eventId }] });
      const exported = await get(`/audit/complaints/${number}/export`);
      expect(exported.body.integrity).toMatchObject({ ok: false, firstBadEvent: { revision: 2 } });

      const cli = cliIo();
      expect(await runCli(['verify'], cli)).toBe(EXIT.CHECK_FAILED);
      expect(cli.out()).toContain(`stream complaint-${number} revision 2 event ${containment.eventId}`);
      const untouched = cliIo();
      expect(await runCli(['verify', '--stream', `complaint-${reopenedAs}`], untouched)).toBe(EXIT.OK);
    });
  });
});

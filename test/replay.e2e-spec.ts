import { DELIVERY_CSV_COLUMNS } from '@qms/delivery-domain';
import { startTestApp, type TestApp } from './support/test-app';

/**
 * DESIGN §10 over HTTP on the embedded default: a live rebuild of the complaint lists' read
 * model while readers keep reading them, the same rows afterwards, the rebuilt copy checked
 * against a fresh rebuild, and a month range of the monthly report recomputed.
 */

const COMPLAINTS = 24;
const DELIVERIES = 6000;
const MONTHS = 'from=2026-01&to=2026-03';

const registration = (index: number) => ({
  customerId: `CUST-${index % 3}`,
  customerContact: 'Li Wei',
  partNo: `P-${index % 4}`,
  lot: `L-${index}`,
  defectDescription: 'burr on the flange',
  quantityAffected: 10 + index,
  severity: index % 5 === 0 ? 'urgent' : 'normal',
  channel: 'email',
  receivedAt: `2026-0${1 + (index % 3)}-${String(3 + index).padStart(2, '0')}T09:00:00+08:00`,
  returnNeeded: false,
  customerProductionAffected: false,
});

function deliveriesCsv(count: number): string {
  const rows = Array.from(
    { length: count },
    (_, index) => `CUST-${index % 3},SO-R${index + 1},1,P-${index % 4},${100 + index},2026-0${1 + (index % 3)}-15,2026-0${1 + (index % 3)}-${index % 2 === 0 ? 14 : 17}T06:00:00Z,no`,
  );
  return [DELIVERY_CSV_COLUMNS.join(','), ...rows].join('\n');
}

/** Rows as stored: `daysOpen` is counted to the moment of the read, so it is left out. */
function rows(items: unknown): string {
  return JSON.stringify(items, (key, value: unknown) => (key === 'daysOpen' ? undefined : value));
}

describe('replay over HTTP (embedded default)', () => {
  let api: TestApp;
  let head = 0;
  const readList = () => api.request('GET', `/complaints?pageSize=500&minPosition=${head}`, { key: 'dev-quality' });
  const readTracking = () => api.request('GET', `/complaints/tracking?pageSize=500&minPosition=${head}`, { key: 'dev-quality' });
  const readReports = () => api.request('GET', `/reports/monthly?${MONTHS}&customers=all&minPosition=${head}`, { key: 'dev-management' });
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- specs read JSON answers field by field
  const status = async (name = 'complaint_lists'): Promise<any> =>
    ((await api.request('GET', '/admin/projections', { key: 'dev-admin' })).body as { name: string }[]).find((item) => item.name === name);

  beforeAll(async () => {
    api = await startTestApp();
    for (let index = 0; index < COMPLAINTS; index++) {
      const registered = await api.request('POST', '/complaints', { key: 'dev-sales', body: registration(index) });
      expect(registered.status).toBe(201);
      head = registered.body.position;
      if (index % 2 === 0) {
        const contained = await api.request('POST', `/complaints/${registered.body.complaintNumber}/containment`, {
          key: 'dev-quality',
          body: { description: 'sorted at the warehouse', occurredAt: registration(index).receivedAt.replace('T09', 'T20') },
        });
        expect(contained.status).toBe(200);
        head = contained.body.position;
      }
    }
    // A log long enough for the rebuild to take a while: thousands of ERP delivery lines.
    const imported = await api.app.inject({
      method: 'POST',
      url: '/deliveries/import',
      headers: { authorization: 'Bearer dev-sales', 'content-type': 'text/csv' },
      payload: deliveriesCsv(DELIVERIES),
    });
    expect(imported.statusCode).toBe(200);
    expect(imported.json()).toMatchObject({ imported: DELIVERIES });
    head = (await status()).headPosition;
  }, 60_000);

  afterAll(async () => {
    await api?.close();
  });

  /** Starts a rebuild over HTTP and reads the complaint list until it has come and gone. */
  async function rebuildWhileReading(
    before: unknown,
    waitMs: number,
    name = 'complaint_lists',
  ): Promise<{ phases: Set<string>; reads: { status: number; rows: number; same: boolean }[] }> {
    const started = await api.request('POST', `/admin/projections/${name}/rebuild`, { key: 'dev-admin' });
    expect(started.status).toBe(202);
    expect(started.body).toMatchObject({ name, started: true });
    const phases = new Set<string>();
    const reads: { status: number; rows: number; same: boolean }[] = [];
    // Until the rebuild has shown in the status and gone; if it never shows, for waitMs.
    for (const started = Date.now(); Date.now() - started < 30_000; ) {
      const rebuild = (await status(name)).rebuild;
      if (rebuild !== null) phases.add(rebuild.phase);
      else if (phases.size > 0 || Date.now() - started > waitMs) break;
      const read = await readList();
      reads.push({ status: read.status, rows: read.body.items?.length ?? 0, same: rows(read.body.items) === rows(before) });
      // inject() never leaves the microtask queue; real clients' requests arrive through the event
      // loop, and pause between them: a reader that never did would hold a core that the
      // projections thread, at a lower priority, gets only what is left of.
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    return { phases, reads };
  }

  it('rebuilds live through the admin endpoint and ends with the same rows, tracking list and monthly reports', async () => {
    const before = await readList();
    expect(before.status).toBe(200);
    expect(before.body.items).toHaveLength(COMPLAINTS);
    const trackingBefore = await readTracking();
    const reportsBefore = await readReports();

    const { reads } = await rebuildWhileReading(before.body.items, 500);
    // Whenever a read got in, it was answered in full from one copy or the other.
    expect(reads.filter((read) => read.status !== 200 || read.rows !== COMPLAINTS || !read.same)).toEqual([]);

    expect(rows((await readList()).body.items)).toBe(rows(before.body.items));
    expect(rows((await readTracking()).body.items)).toBe(rows(trackingBefore.body.items));
    expect((await readReports()).body.reports).toEqual(reportsBefore.body.reports);
    expect(await status()).toMatchObject({ position: head, rebuild: null, state: 'running' });
  }, 60_000);

  it('keeps answering reads of the complaint list while the rebuild runs', async () => {
    const before = await readList();
    // The monthly report's rebuild goes through the thousands of delivery lines: long enough to read during it.
    const { phases, reads } = await rebuildWhileReading(before.body.items, 10_000, 'monthly_report');
    expect(phases.has('replaying')).toBe(true);
    // The rebuild runs in the projections thread: reads are answered all along (how many fit in
    // depends on the machine, so only that some did).
    expect(reads.length).toBeGreaterThan(0);
    expect(reads.filter((read) => read.status !== 200 || read.rows !== COMPLAINTS || !read.same)).toEqual([]);
  }, 60_000);

  it('verifies the rebuilt copy against a fresh rebuild from the events', async () => {
    const verified = await api.request('GET', '/admin/projections/monthly_report/verify', { key: 'dev-auditor' });
    expect(verified.status).toBe(200);
    expect(verified.body).toMatchObject({ projection: 'monthly_report', equal: true, differences: [], settled: true, position: head });
    expect(verified.body.documentsCompared).toBeGreaterThan(COMPLAINTS);
    expect((await api.request('GET', '/admin/projections/nope/verify', { key: 'dev-admin' })).status).toBe(404);
    expect((await api.request('GET', '/admin/projections/monthly_report/verify', { key: 'dev-quality' })).status).toBe(403);
    expect((await api.request('POST', '/admin/projections/nope/rebuild', { key: 'dev-admin' })).status).toBe(404);
  }, 60_000);

  it('recomputes a month range of the monthly report from the facts, with the same figures', async () => {
    const before = await readReports();
    const rebuilt = await api.request('POST', `/admin/projections/monthly-report/rebuild?${MONTHS}`, { key: 'dev-admin' });
    expect(rebuilt.status).toBe(201);
    expect(rebuilt.body).toEqual({ from: '2026-01', to: '2026-03', months: 3 });
    expect((await readReports()).body.reports).toEqual(before.body.reports);
    const received = before.body.reports.map((report: { total: { complaints: { received: number } } }) => report.total.complaints.received);
    expect(received.reduce((sum: number, count: number) => sum + count, 0)).toBe(COMPLAINTS);

    const backwards = await api.request('POST', '/admin/projections/monthly-report/rebuild?from=2026-03&to=2026-01', { key: 'dev-admin' });
    expect(backwards.status).toBe(400);
    const badMonth = await api.request('POST', '/admin/projections/monthly-report/rebuild?from=2026-13&to=2026-14', { key: 'dev-admin' });
    expect(badMonth.status).toBe(400);
    expect((await api.request('POST', `/admin/projections/monthly-report/rebuild?${MONTHS}`, { key: 'dev-quality' })).status).toBe(403);
  });

  it('rebuilds one read model while commands arrive: the others keep serving and stay current', async () => {
    const started = await api.request('POST', '/admin/projections/monthly_report/rebuild', { key: 'dev-admin' });
    expect(started.status).toBe(202);
    let last = head;
    for (let index = 0; index < 5; index++) {
      const registered = await api.request('POST', '/complaints', { key: 'dev-sales', body: { ...registration(1), lot: `L-during-rebuild-${index}` } });
      expect(registered.status).toBe(201);
      last = registered.body.position;
      // The complaint lists follow each command while the report is being rebuilt.
      const row = await api.request('GET', `/complaints/${registered.body.complaintNumber}/row?minPosition=${last}`, { key: 'dev-quality' });
      expect(row.status).toBe(200);
      expect(row.body.master.lot).toBe(`L-during-rebuild-${index}`);
    }
    // Each projection follows the log on its own: the satisfaction summary reaches the last command
    // a moment after the complaint lists answered for it, whatever the report's rebuild does.
    for (const deadline = Date.now() + 5_000; (await status('satisfaction_summary')).position < last && Date.now() < deadline; ) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(await status('satisfaction_summary')).toMatchObject({ position: last, rebuild: null });
    for (const deadline = Date.now() + 30_000; (await status('monthly_report')).rebuild !== null; ) {
      if (Date.now() > deadline) throw new Error('the rebuild did not finish');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    // Swapped in, and current with the commands that arrived meanwhile.
    const reports = await api.request('GET', `/reports/monthly?${MONTHS}&minPosition=${last}`, { key: 'dev-management' });
    expect(reports.status).toBe(200);
    const received = reports.body.reports.map((report: { total: { complaints: { received: number } } }) => report.total.complaints.received);
    expect(received.reduce((sum: number, count: number) => sum + count, 0)).toBe(COMPLAINTS + 5);
  }, 60_000);
});

import { DELIVERY_CSV_COLUMNS } from '@qms/delivery-domain';
import { startTestApp, type TestApp } from './support/test-app';

/**
 * DESIGN §10 over HTTP on the embedded default: a live rebuild of the quality reporting read
 * models while readers keep reading them, the same rows afterwards, the rebuilt copy checked
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

describe('replay over HTTP (embedded default)', () => {
  let api: TestApp;
  let head = 0;
  const readList = () => api.request('GET', `/complaints?pageSize=500&minPosition=${head}`, { key: 'dev-quality' });
  const readTracking = () => api.request('GET', `/complaints/tracking?pageSize=500&minPosition=${head}`, { key: 'dev-quality' });
  const readReports = () => api.request('GET', `/reports/monthly?${MONTHS}&minPosition=${head}`, { key: 'dev-management' });
  const status = async () => (await api.request('GET', '/admin/projections', { key: 'dev-admin' })).body[0];

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

  it('rebuilds live while every read of the complaint list answers 200 with the full list, and ends with the same rows', async () => {
    const before = await readList();
    expect(before.status).toBe(200);
    expect(before.body.items).toHaveLength(COMPLAINTS);
    const trackingBefore = await readTracking();
    const reportsBefore = await readReports();

    const started = await api.request('POST', '/admin/projections/quality_reporting/rebuild', { key: 'dev-admin' });
    expect(started.status).toBe(202);
    expect(started.body).toMatchObject({ name: 'quality_reporting', started: true });

    const phases = new Set<string>();
    const reads: { status: number; rows: number; same: boolean }[] = [];
    // The rebuild shows in the status from its first batch on; read until it has come and gone.
    for (const deadline = Date.now() + 20_000; Date.now() < deadline; ) {
      const rebuild = (await status()).rebuild;
      if (rebuild !== null) phases.add(rebuild.phase);
      else if (phases.size > 0) break;
      const read = await readList();
      reads.push({ status: read.status, rows: read.body.items.length, same: JSON.stringify(read.body.items) === JSON.stringify(before.body.items) });
    }
    expect(phases.has('replaying')).toBe(true);
    expect(reads.length).toBeGreaterThan(3);
    expect(reads.filter((read) => read.status !== 200 || read.rows !== COMPLAINTS || !read.same)).toEqual([]);

    const after = await readList();
    expect(after.body.items).toEqual(before.body.items);
    expect((await readTracking()).body.items).toEqual(trackingBefore.body.items);
    expect((await readReports()).body.reports).toEqual(reportsBefore.body.reports);
    expect((await status()).position).toBe(head);
  }, 60_000);

  it('verifies the rebuilt copy against a fresh rebuild from the events', async () => {
    const verified = await api.request('GET', '/admin/projections/quality_reporting/verify', { key: 'dev-auditor' });
    expect(verified.status).toBe(200);
    expect(verified.body).toMatchObject({ projection: 'quality_reporting', equal: true, differences: [], settled: true, position: head });
    expect(verified.body.documentsCompared).toBeGreaterThan(COMPLAINTS);
    expect((await api.request('GET', '/admin/projections/nope/verify', { key: 'dev-admin' })).status).toBe(404);
    expect((await api.request('GET', '/admin/projections/quality_reporting/verify', { key: 'dev-quality' })).status).toBe(403);
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
});

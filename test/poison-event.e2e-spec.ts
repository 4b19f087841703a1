import { randomUUID } from 'node:crypto';
import { EVENT_STORE, type EventStore } from '@qms/event-store';
import { PROJECTION_ENGINE } from '../apps/api/src/read-side/read-side.tokens';
import { WorkerProjections } from '../apps/api/src/read-side/worker/worker-projections';
import { startTestApp, type TestApp } from './support/test-app';
import { until } from './support/until';

/**
 * One bad event must not stop the read side: a ContainmentRecorded whose data no projection can
 * apply, appended to the log by another tool between two valid registrations. Only the read
 * models that handle it stop (on it, after applying the registration before it), /health says so,
 * an admin parks it on the record, they go on, and a rebuild gives what the live run gave.
 */

const registration = (lot: string) => ({
  customerId: 'CUST-1',
  customerContact: 'Li Wei',
  partNo: 'P-100',
  lot,
  defectDescription: 'burr on the flange',
  quantityAffected: 12,
  severity: 'normal',
  channel: 'email',
  receivedAt: '2026-03-03T09:00:00+08:00',
  returnNeeded: false,
  customerProductionAffected: false,
});

/** Rows as stored: `daysOpen` is counted to the moment of the read, so it is left out. */
function rows(items: unknown): string {
  return JSON.stringify(items, (key, value: unknown) => (key === 'daysOpen' ? undefined : value));
}

interface Status {
  name: string;
  state: string;
  position: number;
  headPosition: number;
  stoppedOn: { position: number; streamId: string; type: string; error: string } | null;
  parkedEvents: { position: number; streamId: string; eventType: string; reason: string }[];
  rebuild: unknown;
}

describe('a poison event in the log (embedded default)', () => {
  let api: TestApp;
  let first: { position: number; complaintNumber: string };
  let poison = 0;
  let second: { position: number; complaintNumber: string };
  const POISON_STREAM = 'complaint-LEGACY-0001';

  const statuses = async (): Promise<Status[]> => (await api.request('GET', '/admin/projections', { key: 'dev-admin' })).body as Status[];
  const statusOf = async (name: string): Promise<Status> => (await statuses()).find((status) => status.name === name) as Status;
  beforeAll(async () => {
    api = await startTestApp();
    const registered = await api.request('POST', '/complaints', { key: 'dev-sales', body: registration('L-1') });
    expect(registered.status).toBe(201);
    first = registered.body;
    const eventStore = api.app.get<EventStore>(EVENT_STORE);
    const appended = await eventStore.appendToStream(POISON_STREAM, [
      { id: randomUUID(), type: 'ContainmentRecorded', data: { foo: 1, occurredAt: 'not a date' }, metadata: {} },
    ]);
    poison = appended.position;
    const again = await api.request('POST', '/complaints', { key: 'dev-sales', body: registration('L-2') });
    expect(again.status).toBe(201);
    second = again.body;
    expect(first.position).toBeLessThan(poison);
    expect(poison).toBeLessThan(second.position);
  }, 30_000);

  afterAll(async () => {
    await api?.close();
  });

  it('runs the projections off the API event loop, in a worker thread with its own connections', () => {
    expect(api.app.get(PROJECTION_ENGINE)).toBeInstanceOf(WorkerProjections);
  });

  it('stops only the read models that handle the event, on it, after applying the events before it', async () => {
    const lists = await until(() => statusOf('complaint_lists'), (status) => status.stoppedOn !== null, 'complaint lists stopped');
    expect(lists).toMatchObject({
      state: 'stopped',
      position: first.position,
      stoppedOn: { position: poison, streamId: POISON_STREAM, type: 'ContainmentRecorded' },
    });
    expect(lists.stoppedOn?.error).toMatch(/document without an id|complaintNumber|undefined/);
    await until(() => statusOf('monthly_report'), (status) => status.stoppedOn?.position === poison, 'monthly report stopped');
    // The satisfaction summary does not handle containments: it follows the log to its head.
    const summary = await until(() => statusOf('satisfaction_summary'), (status) => status.position >= second.position, 'summary current');
    expect(summary).toMatchObject({ state: 'running', stoppedOn: null });

    const list = await api.request('GET', '/complaints', { key: 'dev-quality' });
    expect(list.status).toBe(200);
    expect(list.body.items.map((item: { number: string }) => item.number)).toEqual([first.complaintNumber]);
    expect(list.body.readModel).toMatchObject({ projection: 'complaint_lists', state: 'stopped', complete: false, stoppedOn: { position: poison } });
  });

  it('is not ready while a read model is stopped: /health/ready answers 503 naming the projections, and the metrics say stopped', async () => {
    for (const path of ['/health/ready', '/health']) {
      const health = await api.request('GET', path);
      expect(health.status).toBe(503);
      expect(health.body).toMatchObject({ status: 'unavailable', down: ['projections'], eventStore: { status: 'up' }, projections: { status: 'down' } });
      expect(health.body.projections.stopped.sort()).toEqual(['complaint_lists', 'monthly_report']);
      expect(health.body.projections.reason).toContain(`complaint_lists is stopped on the event at position ${poison} (ContainmentRecorded)`);
    }
    expect((await api.request('GET', '/health/live')).status).toBe(200);
    const metrics = await api.request('GET', '/metrics', { key: 'dev-admin' });
    expect(metrics.text).toMatch(/^qms_projection_state\{projection="complaint_lists",state="stopped"\} 1$/m);
    expect(metrics.text).toMatch(/^qms_projection_up\{projection="complaint_lists"\} 0$/m);
    expect(metrics.text).toMatch(new RegExp(`^qms_projection_stopped_position\\{projection="complaint_lists"\\} ${poison}$`, 'm'));
    expect(metrics.text).toMatch(new RegExp(`^qms_projection_stopped_position\\{projection="monthly_report"\\} ${poison}$`, 'm'));
    // Absent for a projection that goes on; nothing parked yet.
    expect(metrics.text).not.toMatch(/^qms_projection_stopped_position\{projection="satisfaction_summary"\}/m);
    expect(metrics.text).toMatch(/^qms_projection_parked_events\{projection="complaint_lists"\} 0$/m);
  });

  it('refuses a parking decision that is not allowed: role, projection, position, reason', async () => {
    const park = (key: string, name: string, body: unknown) => api.request('POST', `/admin/projections/${name}/parked-events`, { key, body });
    expect((await park('dev-quality', 'complaint_lists', { position: poison, reason: 'bad import' })).status).toBe(403);
    expect((await park('dev-admin', 'nope', { position: poison, reason: 'bad import' })).status).toBe(404);
    expect((await park('dev-admin', 'complaint_lists', { position: 999_999, reason: 'bad import' })).status).toBe(404);
    // Applied already: parking it now would make a rebuild differ from the live run.
    expect((await park('dev-admin', 'complaint_lists', { position: first.position, reason: 'bad import' })).status).toBe(409);
    const noReason = await park('dev-admin', 'complaint_lists', { position: poison });
    expect(noReason.status).toBe(400);
    expect(JSON.stringify(noReason.body)).toContain('reason');
    expect((await api.request('GET', '/admin/projections/complaint_lists/parked-events', { key: 'dev-admin' })).body.items).toEqual([]);
  });

  it('goes on past the event once an admin parks it, on the record, and says the read model lacks it', async () => {
    for (const name of ['complaint_lists', 'monthly_report']) {
      const parked = await api.request('POST', `/admin/projections/${name}/parked-events`, {
        key: 'dev-admin',
        body: { position: poison, reason: 'Appended by the legacy import without a complaint number (NCR-2026-014)' },
        headers: { 'idempotency-key': `park-${name}` },
      });
      expect(parked.status).toBe(201);
      expect(parked.body).toMatchObject({ streamId: `projection-parking-${name}`, parked: { position: poison, streamId: POISON_STREAM, eventType: 'ContainmentRecorded' } });
      // The same request again is answered from the first (Idempotency-Key), not refused.
      const retried = await api.request('POST', `/admin/projections/${name}/parked-events`, {
        key: 'dev-admin',
        body: { position: poison, reason: 'Appended by the legacy import without a complaint number (NCR-2026-014)' },
        headers: { 'idempotency-key': `park-${name}` },
      });
      expect(retried.status).toBe(201);
      expect(retried.body.replayed).toBe(true);
    }
    const list = await api.request('GET', `/complaints?minPosition=${second.position}`, { key: 'dev-quality' });
    expect(list.status).toBe(200);
    expect(list.body.items.map((item: { number: string }) => item.number).sort()).toEqual([first.complaintNumber, second.complaintNumber].sort());
    expect(list.body.readModel).toMatchObject({ state: 'running', complete: false, parkedPositions: [poison], stoppedOn: null });
    const report = await api.request('GET', `/reports/monthly/2026-03?minPosition=${second.position}`, { key: 'dev-management' });
    expect(report.status).toBe(200);
    expect(report.body.readModel).toMatchObject({ projection: 'monthly_report', complete: false, parkedPositions: [poison] });

    const health = await until(() => api.request('GET', '/health'), (response) => response.status === 200, 'health ok');
    expect(health.body.status).toBe('ok');
    expect(await statusOf('complaint_lists')).toMatchObject({
      state: 'running',
      stoppedOn: null,
      parkedEvents: [{ position: poison, streamId: POISON_STREAM, eventType: 'ContainmentRecorded' }],
    });
    const metrics = await api.request('GET', '/metrics', { key: 'dev-admin' });
    expect(metrics.text).toMatch(/^qms_projection_parked_events\{projection="complaint_lists"\} 1$/m);
    expect(metrics.text).toMatch(/^qms_projection_parked_events\{projection="satisfaction_summary"\} 0$/m);
    expect(metrics.text).not.toMatch(/^qms_projection_stopped_position\{projection="complaint_lists"\}/m);
    const listed = await api.request('GET', '/admin/projections/complaint_lists/parked-events', { key: 'dev-auditor' });
    expect(listed.body.items).toEqual([expect.objectContaining({ position: poison, reason: expect.stringContaining('NCR-2026-014') })]);

    const history = await api.request('GET', '/audit/streams/projection-parking-complaint_lists/history', { key: 'dev-auditor' });
    expect(history.status).toBe(200);
    expect(history.body.items).toEqual([
      expect.objectContaining({ type: 'ProjectionEventParked', actor: expect.objectContaining({ role: 'admin' }) }),
    ]);
  });

  it('gives the same read models when rebuilt: the rebuild honours the parking decision', async () => {
    for (const name of ['complaint_lists', 'monthly_report']) {
      const verified = await api.request('GET', `/admin/projections/${name}/verify`, { key: 'dev-admin' });
      expect(verified.status).toBe(200);
      expect(verified.body).toMatchObject({ projection: name, equal: true, differences: [] });
    }
    const before = await api.request('GET', `/complaints?minPosition=${second.position}`, { key: 'dev-quality' });
    const started = await api.request('POST', '/admin/projections/complaint_lists/rebuild', { key: 'dev-admin' });
    expect(started.status).toBe(202);
    await until(() => statusOf('complaint_lists'), (status) => status.rebuild === null && status.state === 'running', 'rebuild done');
    const after = await api.request('GET', `/complaints?minPosition=${second.position}`, { key: 'dev-quality' });
    expect(rows(after.body.items)).toBe(rows(before.body.items));
  });

  it('takes a decision back on the record (a rebuild after a code fix then applies the event)', async () => {
    const unparked = await api.request('POST', `/admin/projections/complaint_lists/parked-events/${poison}/unparking`, {
      key: 'dev-admin',
      body: { reason: 'Checking whether release 2.4 reads it' },
    });
    expect(unparked.status).toBe(201);
    expect((await api.request('GET', '/admin/projections/complaint_lists/parked-events', { key: 'dev-admin' })).body.items).toEqual([]);
    const again = await api.request('POST', `/admin/projections/complaint_lists/parked-events/${poison}/unparking`, { key: 'dev-admin', body: { reason: 'twice' } });
    expect(again.status).toBe(409);
    const history = await api.request('GET', '/audit/streams/projection-parking-complaint_lists/history', { key: 'dev-auditor' });
    expect(history.body.items.map((item: { type: string }) => item.type)).toEqual(['ProjectionEventParked', 'ProjectionEventUnparked']);
  });
});

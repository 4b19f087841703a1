import { EVENT_STORE, type EventStore } from '@qms/event-store';
import { startTestApp, type TestApp } from './support/test-app';

const registration = {
  customerId: 'ACME',
  customerContact: 'Li Wei',
  partNo: 'P-100',
  lot: 'L-2026-07',
  defectDescription: 'Burr on the flange edge',
  quantityAffected: 12,
  severity: 'urgent',
  channel: 'email',
  receivedAt: '2026-03-06T17:00:00+08:00',
  returnNeeded: true,
  customerProductionAffected: false,
};

const receipt = {
  receivingNoteNo: 'RN-2026-0042',
  customerId: 'ACME',
  items: [{ itemNo: 1, materialNo: 'M-100', quantity: 10 }],
  complaintNumber: 'CC-2026-0001',
  urgentNeed: false,
};

describe('one record per Idempotency-Key under concurrency (embedded default)', () => {
  let api: TestApp;
  let store: EventStore;
  beforeAll(async () => {
    api = await startTestApp();
    store = api.app.get<EventStore>(EVENT_STORE);
  });
  afterAll(async () => {
    await api.close();
  });

  const registered = async () =>
    (await store.readAll()).filter((event) => event.type === 'ComplaintRegistered').map((event) => String(event.data['complaintNumber']));

  it('gives 20 concurrent registrations with one key and body one complaint, all answered with its result', async () => {
    const before = await registered();
    const responses = await Promise.all(
      Array.from({ length: 20 }, () =>
        api.request('POST', '/complaints', { key: 'dev-sales', body: registration, headers: { 'idempotency-key': 'same-key-same-body' } }),
      ),
    );
    expect(responses.map((response) => response.status)).toEqual(Array.from({ length: 20 }, () => 201));
    const created = (await registered()).filter((number) => !before.includes(number));
    expect(created).toHaveLength(1);
    const strip = (body: Record<string, unknown>) => ({ ...body, replayed: undefined });
    expect(new Set(responses.map((response) => JSON.stringify(strip(response.body)))).size).toBe(1);
    expect(responses[0]!.body.complaintNumber).toBe(created[0]);
    expect(responses.filter((response) => response.body.replayed === false)).toHaveLength(1);
  });

  it('gives 10 different bodies with one key 1 complaint and 9 × 400 naming Idempotency-Key', async () => {
    const before = await registered();
    const responses = await Promise.all(
      Array.from({ length: 10 }, (_, index) =>
        api.request('POST', '/complaints', {
          key: 'dev-sales',
          body: { ...registration, defectDescription: `Burr on flange ${index}` },
          headers: { 'idempotency-key': 'same-key-other-bodies' },
        }),
      ),
    );
    expect(responses.filter((response) => response.status === 201)).toHaveLength(1);
    const refused = responses.filter((response) => response.status !== 201);
    expect(refused.map((response) => response.status)).toEqual(Array.from({ length: 9 }, () => 400));
    for (const response of refused) expect(response.body.fields).toEqual([expect.objectContaining({ field: 'Idempotency-Key' })]);
    expect((await registered()).filter((number) => !before.includes(number))).toHaveLength(1);
  });

  it('gives 20 concurrent receipts of a return with one key one return', async () => {
    const responses = await Promise.all(
      Array.from({ length: 20 }, () =>
        api.request('POST', '/returns', { key: 'dev-warehouse', body: receipt, headers: { 'idempotency-key': 'return-key' } }),
      ),
    );
    expect(responses.map((response) => response.status)).toEqual(Array.from({ length: 20 }, () => 201));
    expect(new Set(responses.map((response) => response.body.returnId)).size).toBe(1);
    const received = (await store.readAll()).filter((event) => event.type === 'ReturnReceived' && event.data['receivingNoteNo'] === 'RN-2026-0042');
    expect(received).toHaveLength(1);
  });

  it('gives 20 concurrent customer notifications with one key one notification', async () => {
    const notification = { customerId: 'ACME', kind: 'quality', description: 'Customer reports burrs at incoming inspection', receivedAt: '2026-03-06T09:00:00Z' };
    const responses = await Promise.all(
      Array.from({ length: 20 }, () =>
        api.request('POST', '/customer-notifications', { key: 'dev-sales', body: notification, headers: { 'idempotency-key': 'notification-key' } }),
      ),
    );
    expect(responses.map((response) => response.status)).toEqual(Array.from({ length: 20 }, () => 201));
    expect(new Set(responses.map((response) => response.body.notificationId)).size).toBe(1);
    const recorded = (await store.readAll()).filter((event) => event.type === 'CustomerNotificationReceived');
    expect(recorded).toHaveLength(1);
  });
});

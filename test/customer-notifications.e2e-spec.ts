import { randomUUID } from 'node:crypto';
import { startTestApp, type TestApp } from './support/test-app';

const notification = (overrides: Record<string, unknown> = {}) => ({
  customerId: 'CUST-OEM-A',
  kind: 'special_status',
  specialStatus: 'controlled_shipping_cs1',
  description: 'CS1 after repeated burrs on P-100',
  receivedAt: '2026-03-02T09:00:00+08:00',
  ...overrides,
});

describe('customer notifications (through the command bus)', () => {
  let api: TestApp;

  beforeAll(async () => {
    api = await startTestApp();
  });
  afterAll(() => api.close());

  it('records a notification under a new id and ends it', async () => {
    const recorded = await api.request('POST', '/customer-notifications', { key: 'dev-sales', body: notification() });
    expect(recorded.status).toBe(201);
    expect(recorded.body.notificationId).toMatch(/^[0-9a-f-]{36}$/);
    expect(recorded.body.streamId).toBe(`customer-notification-${recorded.body.notificationId}`);

    const ended = await api.request('POST', `/customer-notifications/${recorded.body.notificationId}/end`, {
      key: 'dev-sales',
      body: { remarks: 'CS1 lifted after the audit' },
    });
    expect(ended.status).toBe(200);
    expect(ended.body.notificationId).toBe(recorded.body.notificationId);
  });

  it('answers a retry with the same Idempotency-Key with the first notification', async () => {
    const key = `notify-${randomUUID()}`;
    const first = await api.request('POST', '/customer-notifications', { key: 'dev-sales', body: notification(), headers: { 'idempotency-key': key } });
    const retry = await api.request('POST', '/customer-notifications', { key: 'dev-sales', body: notification(), headers: { 'idempotency-key': key } });
    expect([first.status, retry.status]).toEqual([201, 201]);
    expect(retry.body.notificationId).toBe(first.body.notificationId);
  });

  it('refuses a special status notification without its status, naming the field', async () => {
    const refused = await api.request('POST', '/customer-notifications', { key: 'dev-sales', body: notification({ specialStatus: null }) });
    expect(refused.status).toBe(400);
    expect(JSON.stringify(refused.body)).toContain('specialStatus');
  });

  it('refuses to end a notification that was never recorded', async () => {
    const missing = await api.request('POST', `/customer-notifications/${randomUUID()}/end`, { key: 'dev-sales', body: {} });
    expect(missing.status).toBeGreaterThanOrEqual(400);
    expect(missing.status).toBeLessThan(500);
  });
});

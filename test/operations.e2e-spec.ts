import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createEventStore, type EventStore } from '@qms/event-store';
import { ApiMetrics } from '../apps/api/src/observability/api-metrics';
import { startMetricsListener } from '../apps/api/src/observability/metrics-listener';
import { describeWithMongo, startOutageProxy, uniqueTestName } from '../libs/testing/src/ferretdb';
import { logCollector } from './support/log-collector';
import { startTestApp, type TestApp } from './support/test-app';

const registration = () => ({
  customerId: `CUST-${randomUUID().slice(0, 8)}`,
  customerContact: 'Li Wei',
  partNo: 'P-100',
  lot: 'L-1',
  defectDescription: 'burr on the flange',
  quantityAffected: 40,
  severity: 'normal',
  channel: 'email',
  receivedAt: '2026-01-30T10:00:00+08:00',
  returnNeeded: false,
  customerProductionAffected: false,
});


describe('operations: logs, metrics, health and headers', () => {
  let api: TestApp;
  const logs = logCollector();

  beforeAll(async () => {
    api = await startTestApp({ LOG_LEVEL: 'info' }, { logDestination: logs.destination });
  });
  afterAll(() => api.close());

  it('writes one JSON access-log line per request with route pattern, status, duration and both ids, and echoes them', async () => {
    const registered = await api.request('POST', '/complaints', {
      key: 'dev-sales',
      body: registration(),
      headers: { 'x-correlation-id': 'order-4711', 'x-request-id': 'req-4711' },
    });
    expect(registered.status).toBe(201);
    expect(registered.headers['x-correlation-id']).toBe('order-4711');
    expect(registered.headers['x-request-id']).toBe('req-4711');
    const number = registered.body.complaintNumber as string;
    // Read your own write: the projections run in their own thread, the read waits for them.
    const read = await api.request('GET', `/complaints/${number}/row?minPosition=${registered.body.position as number}`, {
      key: 'dev-quality',
      headers: { 'x-request-id': 'not a token' },
    });
    expect(read.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    const generated = read.headers['x-correlation-id'];
    expect(generated).toMatch(/^[0-9a-f-]{36}$/);

    const access = logs.lines().filter((line) => line['msg'] === 'request completed');
    const post = access.find((line) => line['correlationId'] === 'order-4711');
    expect(post).toMatchObject({ level: 'info', method: 'POST', route: '/complaints', status: 201, requestId: registered.headers['x-request-id'] });
    expect(typeof post?.['durationMs']).toBe('number');
    const get = access.find((line) => line['correlationId'] === generated);
    expect(get).toMatchObject({ method: 'GET', route: '/complaints/:number/row', status: read.status });
    expect(access.filter((line) => line['requestId'] === registered.headers['x-request-id'])).toHaveLength(1);
  });

  it('records the correlation id it generated on the events of the command', async () => {
    const registered = await api.request('POST', '/complaints', { key: 'dev-sales', body: registration() });
    const history = await api.request('GET', `/audit/complaints/${registered.body.complaintNumber}/history`, { key: 'dev-auditor' });
    expect(history.status).toBe(200);
    expect(JSON.stringify(history.body)).toContain(String(registered.headers['x-correlation-id']));
  });

  it('serves /metrics to admin and auditor keys only', async () => {
    expect((await api.request('GET', '/metrics')).status).toBe(401);
    expect((await api.request('GET', '/metrics', { key: 'dev-sales' })).status).toBe(403);
    const scraped = await api.request('GET', '/metrics', { key: 'dev-admin' });
    expect(scraped.status).toBe(200);
    expect(scraped.headers['content-type']).toMatch(/^text\/plain/);
    expect(scraped.text).toMatch(/^process_cpu_user_seconds_total /m);
    expect(scraped.text).toMatch(/^nodejs_heap_size_used_bytes /m);
    expect(scraped.text).toMatch(/^nodejs_eventloop_lag_p99_seconds /m);
    expect(scraped.text).toMatch(/^qms_http_request_duration_seconds_count\{method="GET",route="\/complaints\/:number\/row",status_code="200"\} \d+$/m);
    expect(scraped.text).not.toMatch(/route="\/complaints\/CC-/);
    expect(scraped.text).toMatch(/^qms_event_store_append_duration_seconds_count\{operation="append(-many)?",outcome="ok"\} [1-9]\d*$/m);
    expect(scraped.text).toMatch(/^qms_projection_lag_events\{projection="[a-z_]+"\} \d+$/m);
    expect(scraped.text).toMatch(/^qms_projection_state\{projection="[a-z_]+",state="running"\} [01]$/m);
  });

  it('answers liveness without calling a dependency and readiness naming each one', async () => {
    const live = await api.request('GET', '/health/live');
    expect(live.status).toBe(200);
    expect(live.body.status).toBe('ok');
    for (const path of ['/health/ready', '/health']) {
      const ready = await api.request('GET', path);
      expect(ready.status).toBe(200);
      expect(ready.body).toMatchObject({ status: 'ok', eventStore: { status: 'up' }, readStore: { status: 'up' } });
    }
  });

  it('sends security headers with a policy that allows the API’s own scripts only', async () => {
    const docs = await api.request('GET', '/docs');
    const policy = String(docs.headers['content-security-policy']);
    expect(policy).toContain("script-src 'self'");
    expect(policy).not.toContain('unsafe-eval');
    expect(policy).not.toContain('upgrade-insecure-requests');
    expect(docs.headers['x-content-type-options']).toBe('nosniff');
  });
});

describe('readiness when the event store does not answer', () => {
  let api: TestApp;
  let folder: string;
  let store: EventStore;

  beforeAll(async () => {
    folder = mkdtempSync(join(tmpdir(), 'qms-hanging-'));
    store = await createEventStore({ sqlitePath: join(folder, 'events.db') });
    const hanging: EventStore = Object.create(store, { checkHealth: { value: () => new Promise<void>(() => undefined) } }) as EventStore;
    api = await startTestApp({ HEALTH_CHECK_TIMEOUT_MS: '300' }, { eventStore: hanging });
  });
  afterAll(async () => {
    await api.close();
    rmSync(folder, { recursive: true, force: true });
  });

  it('is 503 naming the event store, within the check timeout, while liveness stays 200', async () => {
    const ready = await api.request('GET', '/health/ready');
    expect(ready.status).toBe(503);
    expect(ready.body).toMatchObject({ status: 'unavailable', down: ['eventStore'], eventStore: { status: 'down', reason: 'no answer within 300 ms' } });
    expect((await api.request('GET', '/health/live')).status).toBe(200);
  });
});

describe('logs of a request that fails unexpectedly', () => {
  let api: TestApp;
  let folder: string;
  let store: EventStore;
  const logs = logCollector();

  beforeAll(async () => {
    folder = mkdtempSync(join(tmpdir(), 'qms-failing-'));
    store = await createEventStore({ sqlitePath: join(folder, 'events.db') });
    const broken = (): never => {
      throw new TypeError('a defect in the store adapter');
    };
    const failing: EventStore = Object.create(store, { readStream: { value: broken }, appendToStream: { value: broken } }) as EventStore;
    api = await startTestApp({ LOG_LEVEL: 'info' }, { eventStore: failing, logDestination: logs.destination });
  });
  afterAll(async () => {
    await api.close();
    await store.close();
    rmSync(folder, { recursive: true, force: true });
  });

  it('writes the access line at error level and the cause with its stack under the same request id', async () => {
    const response = await api.request('POST', '/complaints', { key: 'dev-sales', body: registration(), headers: { 'x-correlation-id': 'order-5000' } });
    expect(response.status).toBe(500);
    const requestId = response.headers['x-request-id'];
    const lines = logs.lines().filter((line) => line['requestId'] === requestId);
    expect(lines.find((line) => line['msg'] === 'request failed')).toMatchObject({ level: 'error', route: '/complaints', status: 500, correlationId: 'order-5000' });
    const cause = lines.find((line) => line['msg'] === 'unexpected error');
    expect(cause).toMatchObject({ level: 'error', correlationId: 'order-5000', err: { type: 'TypeError', message: 'a defect in the store adapter' } });
    expect(String((cause?.['err'] as { stack?: unknown } | undefined)?.stack)).toContain('TypeError: a defect in the store adapter');
    expect(logs.lines().filter((line) => line['msg'] === 'request completed' && line['requestId'] === requestId)).toHaveLength(0);
  });
});

describe('metrics on a listener of their own (METRICS_PORT)', () => {
  it('serves /metrics without a key there and not on the API port', async () => {
    const api = await startTestApp({ METRICS_PORT: '0' });
    const metrics = api.app.get(ApiMetrics);
    const server = await startMetricsListener(metrics, 0, '127.0.0.1');
    try {
      expect((await api.request('GET', '/metrics', { key: 'dev-admin' })).status).toBe(404);
      const { port } = server.address() as AddressInfo;
      const scraped = await fetch(`http://127.0.0.1:${port}/metrics`);
      expect(scraped.status).toBe(200);
      expect(await scraped.text()).toMatch(/^qms_projection_position\{/m);
      expect((await fetch(`http://127.0.0.1:${port}/other`)).status).toBe(404);
    } finally {
      server.close();
      await api.close();
    }
  });
});

describeWithMongo('read APIs and readiness while MongoDB is down', (url) => {
  it('answer 503 within a second and recover when it is back', async () => {
    const proxy = await startOutageProxy(url);
    const api = await startTestApp({ MONGO_URL: proxy.url, MONGO_DATABASE: uniqueTestName('qms_outage') });
    try {
      const registered = await api.request('POST', '/complaints', { key: 'dev-sales', body: registration() });
      expect(registered.status).toBe(201);
      expect((await api.request('GET', '/complaints', { key: 'dev-quality' })).status).toBe(200);

      proxy.cut();
      const timed = async (path: string, key?: string) => {
        const started = performance.now();
        const response = await api.request('GET', path, key === undefined ? {} : { key });
        return { response, ms: performance.now() - started };
      };
      const list = await timed('/complaints', 'dev-quality');
      expect(list.response.status).toBe(503);
      expect(list.ms).toBeLessThan(1000);
      const ready = await timed('/health/ready');
      expect(ready.response.status).toBe(503);
      expect(ready.response.body.down).toEqual(['readStore']);
      expect(ready.ms).toBeLessThan(1000);
      expect((await api.request('GET', '/health/live')).status).toBe(200);

      proxy.restore();
      let status = 0;
      for (let attempt = 0; attempt < 20 && status !== 200; attempt += 1) {
        status = (await api.request('GET', '/health/ready')).status;
        if (status !== 200) await new Promise((resume) => setTimeout(resume, 250));
      }
      expect(status).toBe(200);
    } finally {
      await api.close();
      await proxy.close();
    }
  });
});

import { EVENT_STORE, type EventStore } from '@qms/event-store';
import { defaultEventCatalogue } from '@qms/event-catalogue';
import { MongoReadStore, SqliteReadStore } from '@qms/read-store';
import { createReportingProjections, resolveReportingConfig } from '@qms/reporting';
import { MongoClient } from 'mongodb';
import { loadAppConfig } from '../apps/api/src/config/app-config';
import { createProjectionsHost } from '../apps/api/src/read-side/projections-hosting';
import { runProjector } from '../apps/cli/src/commands/projector';
import { FakeEventStore } from '../libs/testing/src/fake-event-store';
import { describeWithMongo, mongoTestCompatibility, uniqueTestName } from '../libs/testing/src/ferretdb';
import { startTestApp, type TestApp } from './support/test-app';

/**
 * Projections in their own process (`npm run projector`) and an API instance that does not
 * project (PROJECTIONS=off), sharing one MongoDB read store: the API serves what the projector
 * writes, read-your-writes included, and shows the projector's status.
 */
describeWithMongo('an API with PROJECTIONS=off beside a projector', (url) => {
  const dbName = uniqueTestName('qms_projector');
  const env = { MONGO_URL: url, MONGO_DATABASE: dbName, PROJECTIONS: 'off' };
  let api: TestApp;
  let projector: Promise<unknown>;
  const abort = new AbortController();
  let projectorStore: MongoReadStore;

  beforeAll(async () => {
    api = await startTestApp(env);
    projectorStore = MongoReadStore.create({ url, dbName, compatibility: mongoTestCompatibility() });
    const silent = { write: () => undefined };
    projector = runProjector({
      io: { stdout: silent, stderr: silent, env },
      config: loadAppConfig(env),
      // The projector process opens the same event store; here it shares the API's.
      eventStore: api.app.get<EventStore>(EVENT_STORE),
      readStore: projectorStore,
      signal: abort.signal,
      statusIntervalMs: 50,
    });
  }, 30_000);

  afterAll(async () => {
    abort.abort();
    await projector;
    await projectorStore.close();
    await api?.close();
    const client = new MongoClient(url);
    await client.db(dbName).dropDatabase();
    await client.close();
  });

  it('serves what the projector wrote, waiting for ?minPosition= through the checkpoints', async () => {
    const registered = await api.request('POST', '/complaints', {
      key: 'dev-sales',
      body: {
        customerId: 'CUST-1',
        customerContact: 'Li Wei',
        partNo: 'P-100',
        lot: 'L-1',
        defectDescription: 'burr on the flange',
        quantityAffected: 12,
        severity: 'normal',
        channel: 'email',
        receivedAt: '2026-03-03T09:00:00+08:00',
        returnNeeded: false,
        customerProductionAffected: false,
      },
    });
    expect(registered.status).toBe(201);
    const list = await api.request('GET', `/complaints?minPosition=${registered.body.position}`, { key: 'dev-quality' });
    expect(list.status).toBe(200);
    expect(list.body.position).toBeGreaterThanOrEqual(registered.body.position);
    expect(list.body.items.map((item: { number: string }) => item.number)).toEqual([registered.body.complaintNumber]);
  }, 20_000);

  it("shows the projector's status, and sends rebuilds to where the projections run", async () => {
    // Each projection reports running once it has created its indexes (slower on FerretDB).
    let statuses = await api.request('GET', '/admin/projections', { key: 'dev-admin' });
    for (let attempt = 0; attempt < 200 && statuses.body.some((status: { state: string }) => status.state !== 'running'); attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      statuses = await api.request('GET', '/admin/projections', { key: 'dev-admin' });
    }
    expect(statuses.status).toBe(200);
    expect(statuses.body.map((status: { name: string; state: string }) => [status.name, status.state])).toEqual([
      ['complaint_lists', 'running'],
      ['monthly_report', 'running'],
      ['satisfaction_summary', 'running'],
    ]);
    const health = await api.request('GET', '/health');
    expect(health.status).toBe(200);
    const rebuild = await api.request('POST', '/admin/projections/complaint_lists/rebuild', { key: 'dev-admin' });
    expect(rebuild.status).toBe(409);
    expect(rebuild.body.message).toMatch(/run in a projector process/);
  });
});

describe('PROJECTIONS=off on a read store in memory', () => {
  it('refuses to start: no other process could write the read models', () => {
    const config = { ...loadAppConfig({ PROJECTIONS: 'off' }), readDbPath: ':memory:' };
    const reporting = createReportingProjections(resolveReportingConfig({ timeZone: 'Asia/Shanghai' }));
    expect(() => createProjectionsHost(config, new FakeEventStore(), SqliteReadStore.open({ path: ':memory:' }), defaultEventCatalogue(), reporting)).toThrow(
      /PROJECTIONS=off needs a read store/,
    );
    expect(() => loadAppConfig({ PROJECTIONS: 'sometimes' })).toThrow(/PROJECTIONS: expected "on" or "in-process" or "off", got "sometimes"/);
  });
});

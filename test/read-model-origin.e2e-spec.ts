import { randomUUID } from 'node:crypto';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultEventCatalogue } from '@qms/event-catalogue';
import { SqliteEventStore } from '@qms/event-store';
import {
  checkReadModelOrigin,
  collectionsOf,
  compareReadModels,
  ProjectionEngine,
  type ProjectionsHost,
  ReadModelOriginError,
  replayInto,
} from '@qms/projection-engine';
import { MongoReadStore, SqliteReadStore } from '@qms/read-store';
import { MongoClient } from 'mongodb';
import { createReportingProjections, resolveReportingConfig } from '@qms/reporting';
import { historyFrom, seededAttempts } from '../libs/reporting/src/reporting/__fixtures__/valid-history';
import { createApp } from '../apps/api/src/bootstrap';
import { loadAppConfig } from '../apps/api/src/config/app-config';
import { PROJECTION_ENGINE } from '../apps/api/src/read-side/read-side.tokens';
import { runProjector } from '../apps/cli/src/commands/projector';
import { describeWithMongo, mongoTestCompatibility, uniqueTestName } from '../libs/testing/src/ferretdb';
import { logCollector } from './support/log-collector';

/**
 * The read-model file records which event log it was built from. Started on another log with it
 * (the events file replaced, READ_DB_PATH pointing at another installation's file), the API
 * refuses to start and says what to do; with READ_MODELS_ON_MISMATCH=rebuild it clears the file
 * and builds every read model again from the log it has.
 */

const reporting = resolveReportingConfig({ timeZone: 'Asia/Shanghai' });
const catalogue = defaultEventCatalogue();
const projections = createReportingProjections(reporting).all;

async function logOf(path: string, seed: number, attempts: number): Promise<SqliteEventStore> {
  const events = SqliteEventStore.open(path, { writer: 'main-thread' });
  for (const event of historyFrom(seededAttempts(seed, attempts)).events) {
    await events.appendToStream(event.streamId, [
      { id: randomUUID(), type: event.type, data: event.data, metadata: event.metadata },
    ]);
  }
  return events;
}


describe('read models built from another event log', () => {
  const folder = mkdtempSync(join(tmpdir(), 'qms-origin-'));
  const eventsA = join(folder, 'events-a.db');
  const readA = join(folder, 'read-models-a.db');
  const eventsB = join(folder, 'events-b.db');
  const appConfig = (readDb: string, env: Record<string, string> = {}) =>
    loadAppConfig({ EVENTS_DB_PATH: eventsB, READ_DB_PATH: readDb, LOG_LEVEL: 'info', ...env });
  let headA = 0;
  let headB = 0;

  beforeAll(async () => {
    // Read models built on log A, as an API leaves them.
    const logA = await logOf(eventsA, 1_001, 150);
    headA = await logA.headPosition();
    const file = SqliteReadStore.open({ path: readA });
    // What the API does at start, without an app: Nest's logger is process-wide, and the refusal's
    // log line asserted below must reach that test's collector.
    expect(
      await checkReadModelOrigin({
        eventStore: logA,
        readStore: file,
        onMismatch: 'refuse',
        readStoreName: readA,
        remedy: '',
      }),
    ).toEqual({ outcome: 'new' });
    const engine = new ProjectionEngine({
      eventStore: logA,
      readStore: file,
      projections,
      decodeEvent: (recorded) => catalogue.decode(recorded),
    });
    engine.start();
    expect(await engine.waitForPosition(headA, 60_000)).toBe(true);
    await engine.stop();
    await file.close();
    await logA.close();

    // A fresh log B, longer than A: its positions pass every checkpoint of A's file.
    const logB = await logOf(eventsB, 2_002, 250);
    headB = await logB.headPosition();
    await logB.close();
    expect(headB).toBeGreaterThan(headA);
  }, 120_000);

  afterAll(() => rmSync(folder, { recursive: true, force: true }));

  it("refuses to start on log B with log A's read-model file, saying what is wrong and what to do, and changes nothing", async () => {
    const copy = join(folder, 'refused.db');
    copyFileSync(readA, copy);
    const logs = logCollector();
    const app = await createApp(appConfig(copy), { logDestination: logs.destination });

    const started = app.init();

    await expect(started).rejects.toBeInstanceOf(ReadModelOriginError);
    await expect(started).rejects.toThrow(
      new RegExp(
        `^The read models in ${copy.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} were built from another event log \\(its first event [0-9a-f-]{36} at position 1, recorded .+; ` +
          `this log's first event is [0-9a-f-]{36} at position 1\\): serving them would show that history's figures.*` +
          `Delete .*refused\\.db .*to rebuild them from the event log at EVENTS_DB_PATH=.*events-b\\.db, point READ_DB_PATH at the read-model file of this log, ` +
          'or start with READ_MODELS_ON_MISMATCH=rebuild',
      ),
    );
    await app.close();
    const refusal = logs
      .lines()
      .find(
        (line) =>
          line['level'] === 'error' &&
          line['context'] === 'ReadModels' &&
          String(line['msg']).startsWith(
            `Refusing to start: The read models in ${copy} were built from another event log`,
          ),
      );
    expect(refusal).toBeDefined();

    // Nothing appended to B, nothing written to the file: A's checkpoints and documents are as they were.
    const logB = SqliteEventStore.open(eventsB, { writer: 'main-thread' });
    expect(await logB.headPosition()).toBe(headB);
    await logB.close();
    const [refusedFile, original] = [
      SqliteReadStore.open({ path: copy }),
      SqliteReadStore.open({ path: readA }),
    ];
    expect(await refusedFile.listCheckpoints()).toEqual(await original.listCheckpoints());
    expect(await refusedFile.getOrigin()).toEqual(await original.getOrigin());
    for (const projection of projections) {
      const comparison = await compareReadModels(
        original,
        refusedFile,
        collectionsOf(projection).map((collection) => collection.name),
      );
      expect(comparison.differenceCount).toBe(0);
    }
    await Promise.all([refusedFile.close(), original.close()]);
  }, 60_000);

  it('with READ_MODELS_ON_MISMATCH=rebuild, clears the file and rebuilds every read model from log B, equal to a clean rebuild; a restart then resumes', async () => {
    const copy = join(folder, 'rebuilt.db');
    copyFileSync(readA, copy);
    const app = await createApp(appConfig(copy, { READ_MODELS_ON_MISMATCH: 'rebuild', LOG_LEVEL: 'silent' }));
    await app.init();
    try {
      const host = app.get<ProjectionsHost>(PROJECTION_ENGINE);
      expect(await host.waitForPosition(headB, 60_000)).toBe(true);
      for (const name of host.projectionNames) await host.settleDeferredWork(name);
      const health = await app.inject({ method: 'GET', url: '/health/ready' });
      expect(health.json<Record<string, unknown>>()['readModelOrigin']).toEqual({
        status: 'up',
        outcome: 'rebuilt',
      });
    } finally {
      await app.close();
    }

    const logB = SqliteEventStore.open(eventsB, { writer: 'main-thread' });
    const file = SqliteReadStore.open({ path: copy });
    const [first] = await logB.readAll({ maxCount: 1 });
    const origin = await file.getOrigin();
    expect(origin).toMatchObject({ firstEventId: first?.id, firstPosition: first?.position });
    for (const projection of projections) {
      expect((await file.getCheckpoint(projection.name))?.position).toBe(headB);
      const clean = SqliteReadStore.open({ path: ':memory:' });
      await replayInto({
        eventStore: logB,
        target: clean,
        projection,
        decodeEvent: (recorded) => catalogue.decode(recorded),
      });
      const comparison = await compareReadModels(
        clean,
        file,
        collectionsOf(projection).map((collection) => collection.name),
      );
      expect({ projection: projection.name, differences: comparison.differences.slice(0, 5) }).toEqual({
        projection: projection.name,
        differences: [],
      });
      await clean.close();
    }
    await file.close();
    await logB.close();

    // The same log again, without the opt-in: the origin matches and nothing is cleared.
    const again = await createApp(appConfig(copy, { LOG_LEVEL: 'silent' }));
    await again.init();
    try {
      const health = await again.inject({ method: 'GET', url: '/health/ready' });
      expect(health.json<Record<string, unknown>>()['readModelOrigin']).toEqual({
        status: 'up',
        outcome: 'matches',
      });
    } finally {
      await again.close();
    }
    const reopened = SqliteReadStore.open({ path: copy });
    expect(await reopened.getOrigin()).toEqual(origin);
    expect([...(await reopened.listCheckpoints()).values()].map((checkpoint) => checkpoint.position)).toEqual(
      projections.map(() => headB),
    );
    await reopened.close();
  }, 120_000);
});

describeWithMongo('read models in MongoDB built from another event log', (url) => {
  const folder = mkdtempSync(join(tmpdir(), 'qms-origin-mongo-'));
  const dbName = uniqueTestName('qms_origin');
  const eventsB = join(folder, 'events-b.db');
  const env = {
    MONGO_URL: url,
    MONGO_DATABASE: dbName,
    MONGO_COMPATIBILITY: mongoTestCompatibility(),
    EVENTS_DB_PATH: eventsB,
    LOG_LEVEL: 'silent',
  };
  let store: MongoReadStore;

  beforeAll(async () => {
    store = MongoReadStore.create({ url, dbName, compatibility: mongoTestCompatibility() });
    const logA = await logOf(join(folder, 'events-a.db'), 3_003, 20);
    expect(
      (
        await checkReadModelOrigin({
          eventStore: logA,
          readStore: store,
          onMismatch: 'refuse',
          readStoreName: dbName,
          remedy: '',
        })
      ).outcome,
    ).toBe('new');
    await store.commit({
      writes: [{ collection: 'complaint_lists', upserts: [{ _id: 'from-log-a' }] }],
      checkpoint: {
        name: 'complaint_lists',
        checkpoint: { position: await logA.headPosition(), version: 1 },
      },
    });
    await logA.close();
    await (await logOf(eventsB, 4_004, 5)).close();
  }, 60_000);

  afterAll(async () => {
    await store.close();
    const client = new MongoClient(url);
    await client.db(dbName).dropDatabase();
    await client.close();
    rmSync(folder, { recursive: true, force: true });
  });

  it('the API refuses to start, naming the database and what to do', async () => {
    const app = await createApp(loadAppConfig(env));
    const started = app.init();
    await expect(started).rejects.toThrow(
      new RegExp(
        `^The read models in MongoDB database ${dbName} were built from another event log .*Drop that database to rebuild them from the event log at EVENTS_DB_PATH=`,
      ),
    );
    await app.close();
    expect(await store.get('complaint_lists', 'from-log-a')).not.toBeNull();
  }, 30_000);

  it('the projector refuses too, and with READ_MODELS_ON_MISMATCH=rebuild clears the database and builds from this log', async () => {
    const silent = { write: () => undefined };
    const logB = SqliteEventStore.open(eventsB, { writer: 'main-thread' });
    const run = (extra: Record<string, string>, signal: AbortSignal) =>
      runProjector({
        io: { stdout: silent, stderr: silent, env: { ...env, ...extra } },
        config: loadAppConfig({ ...env, ...extra }),
        eventStore: logB,
        readStore: store,
        signal,
        statusIntervalMs: 50,
      });
    try {
      await expect(run({}, new AbortController().signal)).rejects.toBeInstanceOf(ReadModelOriginError);

      const abort = new AbortController();
      const projector = run({ READ_MODELS_ON_MISMATCH: 'rebuild' }, abort.signal);
      const headB = await logB.headPosition();
      for (let i = 0; i < 1000 && (await store.getCheckpoint('complaint_lists'))?.position !== headB; i++)
        await new Promise((resolve) => setTimeout(resolve, 10));
      abort.abort();
      await projector;

      const [first] = await logB.readAll({ maxCount: 1 });
      expect(await store.getOrigin()).toMatchObject({ firstEventId: first?.id });
      expect(await store.getCheckpoint('complaint_lists')).toMatchObject({ position: headB });
      expect(await store.get('complaint_lists', 'from-log-a')).toBeNull();
    } finally {
      await logB.close();
    }
  }, 60_000);
});

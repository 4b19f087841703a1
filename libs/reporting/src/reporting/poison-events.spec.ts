import type { DomainEvent } from '@qms/domain-kernel';
import { StoreUnavailableError } from '@qms/domain-kernel';
import { defaultEventCatalogue } from '@qms/event-catalogue';
import type { AllSubscription, EventStore, SubscribeToAllOptions } from '@qms/event-store';
import {
  collectionsOf,
  compareReadModels,
  parkingDecider,
  parkingStreamId,
  poisonHolding,
  ProjectionEngine,
  type ProjectionStatus,
  type RebuildProgress,
  replayInto,
} from '@qms/projection-engine';
import { MongoReadStore, type ReadStore, SqliteReadStore } from '@qms/read-store';
import { MongoClient } from 'mongodb';
import { FakeEventStore } from '../../../testing/src/fake-event-store';
import { describeWithMongo, mongoTestCompatibility, uniqueTestName } from '../../../testing/src/ferretdb';
import { MONTHLY_REPORT_COLLECTION, MONTHLY_REPORT_CUSTOMERS_COLLECTION } from '../monthly-report/monthly-report.types';
import { appendAll, describeDifferences, REPORTING_CONFIG } from './__fixtures__/replay-harness';
import { historyFrom, seededAttempts } from './__fixtures__/valid-history';
import { COMPLAINT_LISTS_PROJECTION } from './complaint-lists.projection';
import { MONTHLY_REPORT_STATE_COLLECTION } from './monthly-report-materializer';
import { MONTHLY_REPORT_PROJECTION } from './monthly-report.projection';
import { createReportingProjections } from './reporting-projections';
import { SATISFACTION_SUMMARY_PROJECTION } from './satisfaction-summary-read-model.projection';

/**
 * Issue "one bad event must not stop the read side", on each read store (SQLite, MongoDB): a decode failure (a
 * schema version newer than the code) and an evolve failure (a field missing) in the middle of a
 * valid history. Only the read models that cannot apply the event stop, on it, after every event
 * before it; the others follow the log; parking lets the stopped ones go on; a rebuild gives what
 * the live run gave; a store that is down is retried, never taken for poison; a restart resumes
 * from the checkpoints.
 */

const catalogue = defaultEventCatalogue();
const { events } = historyFrom(seededAttempts(20_261_205, 90));
const SPLIT = Math.floor(events.length / 2);

/** The report's months are derived after a quiet spell: compare the facts, which evolve writes. */
const DERIVED = new Set([MONTHLY_REPORT_COLLECTION, MONTHLY_REPORT_CUSTOMERS_COLLECTION, MONTHLY_REPORT_STATE_COLLECTION]);
const factCollectionsOf = (name: string): string[] =>
  collectionsOf(createReportingProjections(REPORTING_CONFIG).byName(name) ?? { name }).map((c) => c.name).filter((c) => !DERIVED.has(c));

interface Poison {
  readonly label: string;
  readonly event: { type: string; data: Record<string, unknown>; metadata: Record<string, unknown> };
  /** The read models that handle the event and cannot apply it. */
  readonly stops: readonly string[];
  readonly error: RegExp;
}

const POISONS: readonly Poison[] = [
  {
    label: 'a decode failure (a schema version newer than the code)',
    event: {
      type: 'ComplaintRegistered',
      data: { complaintNumber: 'CC-2099-0001' },
      metadata: { schemaVersion: 99 },
    },
    stops: [COMPLAINT_LISTS_PROJECTION, MONTHLY_REPORT_PROJECTION],
    error: /v99 .* is newer than this code reads/,
  },
  {
    label: 'an evolve failure (a required field missing)',
    event: { type: 'ReturnReceived', data: { returnId: 'RT-LEGACY-1', customerId: 'CUST-1', items: [] }, metadata: { schemaVersion: 1 } },
    stops: [MONTHLY_REPORT_PROJECTION],
    error: /Not an ISO-8601 instant: undefined/,
  },
];

const ALL = [COMPLAINT_LISTS_PROJECTION, MONTHLY_REPORT_PROJECTION, SATISFACTION_SUMMARY_PROJECTION];

interface EngineSettings {
  readonly firstBuildByRebuildFrom?: number;
  readonly retryMs?: number;
}

function engineOn(
  eventStore: EventStore,
  readStore: ReadStore,
  batchSize: number,
  { firstBuildByRebuildFrom, retryMs = 2 }: EngineSettings = {},
): ProjectionEngine<DomainEvent> {
  return new ProjectionEngine<DomainEvent>({
    ...(firstBuildByRebuildFrom === undefined ? {} : { firstBuildByRebuildFrom }),
    eventStore,
    readStore,
    projections: createReportingProjections(REPORTING_CONFIG, { settleMs: 2, maxDelayMs: 20 }).all,
    decodeEvent: (recorded) => catalogue.decode(recorded),
    batchSize,
    retry: { initialDelayMs: retryMs, maxDelayMs: Math.max(retryMs, 20) },
  });
}

async function until<T>(read: () => Promise<T>, done: (value: T) => boolean, what: string): Promise<T> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`Not reached: ${what}: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

const statusOf = async (engine: ProjectionEngine<DomainEvent>, name: string): Promise<ProjectionStatus> =>
  (await engine.status()).find((status) => status.name === name) as ProjectionStatus;

/** Parks the event for `projection` as the API's command does: the decider's event in the parking stream, then the engine told. */
async function park(eventStore: FakeEventStore, engine: ProjectionEngine<DomainEvent>, projection: string, position: number): Promise<void> {
  await recordParking(eventStore, engine, projection, position);
  await engine.parkingChanged(projection);
}

/** The parking decision on the record, the engine not told yet. */
async function recordParking(eventStore: FakeEventStore, engine: ProjectionEngine<DomainEvent>, projection: string, position: number): Promise<void> {
  const [recorded] = await eventStore.readAll({ fromPosition: position - 1, maxCount: 1 });
  if (recorded === undefined) throw new Error(`no event at ${position}`);
  const decided = parkingDecider.decide(
    { type: 'ParkEvent', projection, position, streamId: recorded.streamId, eventType: recorded.type, reason: 'test', stoppedOn: poisonHolding(await statusOf(engine, projection))?.position ?? null },
    parkingDecider.initialState(),
    { now: new Date(), actor: { userId: 'admin', role: 'admin' } },
  );
  await eventStore.append(parkingStreamId(projection), ...decided.map((event) => ({ type: event.type, data: { ...event.data }, metadata: { schemaVersion: 1 } })));
}

async function expectEqual(reference: ReadStore, live: ReadStore, collections: readonly string[], label: string): Promise<void> {
  const comparison = await compareReadModels(reference, live, collections);
  if (!comparison.equal) throw new Error(describeDifferences(label, comparison));
}

/** The valid history with the poison event between its halves: where it stands, and the log's head. */
async function logWithPoison(poison: Poison): Promise<{ eventStore: FakeEventStore; lastBefore: number; bad: number; head: number }> {
  const eventStore = new FakeEventStore({ positionStep: 3 });
  await appendAll(eventStore, events.slice(0, SPLIT));
  const lastBefore = await eventStore.headPosition();
  const [bad] = (await eventStore.append('legacy-import-1', poison.event as never)) as [number];
  await appendAll(eventStore, events.slice(SPLIT));
  return { eventStore, lastBefore, bad, head: await eventStore.headPosition() };
}

/** Every read model's facts in `live` equal a replay of the whole log that honours the same parking decisions. */
async function expectEachEqualsAReplay(eventStore: EventStore, live: ReadStore, label: string): Promise<void> {
  for (const name of ALL) {
    const reference = SqliteReadStore.open({ path: ':memory:' });
    await replayInto({ eventStore, target: reference, projection: createReportingProjections(REPORTING_CONFIG).byName(name)!, decodeEvent: (r) => catalogue.decode(r) });
    await expectEqual(reference, live, factCollectionsOf(name), `${name}: ${label}`);
  }
}

function poisonSuite(storeName: string, open: () => Promise<ReadStore>, batchSize: number): void {
  /** An engine started on the log with the poison event and a fresh read store, both closed after `check`. */
  async function onLogWithPoison(
    poison: Poison,
    settings: EngineSettings,
    check: (run: Awaited<ReturnType<typeof logWithPoison>> & { live: ReadStore; engine: ProjectionEngine<DomainEvent> }) => Promise<void>,
  ): Promise<void> {
    const log = await logWithPoison(poison);
    const live = await open();
    const engine = engineOn(log.eventStore, live, batchSize, settings);
    engine.start();
    try {
      await check({ ...log, live, engine });
    } finally {
      await engine.stop();
      await live.close();
    }
  }

  describe.each(POISONS)(`on ${storeName}: $label`, (poison) => {
    let eventStore: FakeEventStore;
    let live: ReadStore;
    let engine: ProjectionEngine<DomainEvent>;
    let bad = 0;
    let lastBefore = 0;
    let head = 0;
    const rebuilds: Promise<unknown>[] = [];

    beforeAll(async () => {
      ({ eventStore, lastBefore, bad, head } = await logWithPoison(poison));
      live = await open();
      engine = engineOn(eventStore, live, batchSize);
      engine.start();
    }, 30_000);

    afterAll(async () => {
      await engine.stop();
      await live.close();
    });

    it('stops only the read models that cannot apply it, on it, with everything before it applied', async () => {
      for (const name of ALL) {
        if (poison.stops.includes(name)) {
          const status = await until(() => statusOf(engine, name), (s) => s.stoppedOn !== null, `${name} stopped`);
          expect(status).toMatchObject({ state: 'stopped', position: lastBefore, stoppedOn: { position: bad, streamId: 'legacy-import-1', type: poison.event.type } });
          expect(status.stoppedOn?.error).toMatch(poison.error);
          expect((await live.getCheckpoint(name))?.position).toBe(lastBefore);
          // Everything before it, as a replay up to it gives.
          const reference = SqliteReadStore.open({ path: ':memory:' });
          await replayInto({ eventStore, target: reference, projection: createReportingProjections(REPORTING_CONFIG).byName(name)!, decodeEvent: (r) => catalogue.decode(r), upTo: lastBefore });
          await expectEqual(reference, live, factCollectionsOf(name), `${name} before the poison`);
        } else {
          expect(await engine.waitForPosition(head, 20_000, [name])).toBe(true);
          expect(await statusOf(engine, name)).toMatchObject({ stoppedOn: null });
        }
      }
    }, 30_000);

    it('shows a rebuild standing on it in the rebuild\'s own progress, without touching the live standing', async () => {
      for (const name of poison.stops) {
        const before = await statusOf(engine, name);
        rebuilds.push(engine.rebuild(name));
        const status = await until(() => statusOf(engine, name), (s) => s.rebuild?.stoppedOn != null, `${name}'s rebuild standing on it`);
        expect(status.rebuild).toMatchObject({ phase: 'replaying', position: lastBefore, stoppedOn: { position: bad, streamId: 'legacy-import-1', type: poison.event.type } });
        expect(status.rebuild?.stoppedOn?.error).toMatch(poison.error);
        expect(status).toMatchObject({ state: before.state, stoppedOn: before.stoppedOn });
      }
    }, 30_000);

    it('goes on past it once parked, and equals a rebuild that honours the same decision', async () => {
      for (const name of poison.stops) await park(eventStore, engine, name, bad);
      expect(await engine.waitForPosition(head, 20_000)).toBe(true);
      // The rebuilds that stood on it went on, and swapped their copies in.
      await Promise.all(rebuilds);
      for (const name of poison.stops) expect(await statusOf(engine, name)).toMatchObject({ rebuild: null });
      for (const name of poison.stops) {
        expect(await statusOf(engine, name)).toMatchObject({ state: 'running', stoppedOn: null, parkedEvents: [expect.objectContaining({ position: bad })] });
      }
      await expectEachEqualsAReplay(eventStore, live, 'rebuild vs live');
    }, 30_000);

    it('resumes from its checkpoints after a restart, reading the log only after them', async () => {
      await engine.stop();
      // The parking decisions came after the valid history: the log's head moved on.
      const reached = await eventStore.headPosition();
      const checkpoints = new Map<string, number>();
      for (const name of ALL) checkpoints.set(name, (await live.getCheckpoint(name))?.position ?? -1);
      expect([...checkpoints.values()]).toEqual(ALL.map(() => reached));
      const subscribedFrom: number[] = [];
      const watched = watchSubscriptions(eventStore, subscribedFrom);
      engine = engineOn(watched, live, batchSize);
      engine.start();
      await appendAll(eventStore, events.slice(0, 1).map((event) => ({ ...event, streamId: `${event.streamId}-again` })));
      expect(await engine.waitForPosition(await eventStore.headPosition(), 20_000)).toBe(true);
      // Every runner subscribed from its checkpoint, never from the first event.
      expect(subscribedFrom.length).toBeGreaterThanOrEqual(ALL.length);
      expect(subscribedFrom.every((position) => position >= reached)).toBe(true);
    }, 30_000);
  });

  describe.each(POISONS)(`on ${storeName}: $label, with every read model rebuilt together`, (poison) => {
    it('lets the read models that can apply it go live while the others stand on it, until it is parked', async () => {
      await onLogWithPoison(poison, {}, async ({ eventStore, lastBefore, bad, live, engine }) => {
        for (const name of poison.stops) await until(() => statusOf(engine, name), (status) => status.stoppedOn !== null, `${name} stopped`);
        const progress: RebuildProgress[] = [];
        const together = engine.rebuildTogether(ALL, { onProgress: (update) => progress.push(update) });
        const others = ALL.filter((name) => !poison.stops.includes(name));
        const latestOf = (name: string): RebuildProgress | undefined => progress.filter((update) => update.projection === name).at(-1);
        await until(
          async () => others.map((name) => latestOf(name)?.phase),
          (phases) => phases.every((phase) => phase === 'done'),
          'the read models that can apply it rebuilt and live',
        );
        for (const name of poison.stops) {
          const standing = await until(async () => latestOf(name), (update) => update?.stoppedOn != null, `${name}'s rebuild standing on it`);
          expect(standing).toMatchObject({ phase: 'replaying', position: lastBefore, stoppedOn: { position: bad, type: poison.event.type } });
        }
        for (const name of poison.stops) await park(eventStore, engine, name, bad);
        const results = await together;
        expect(results.map((result) => result.projection)).toEqual(ALL);
        for (const name of ALL) expect(latestOf(name)).toMatchObject({ phase: 'done', stoppedOn: null });
        await expectEachEqualsAReplay(eventStore, live, 'rebuilt together vs a replay');
      });
    }, 30_000);
  });

  describe.each(POISONS)(`on ${storeName}: $label, in a first build`, (poison) => {
    it('can be parked where the first build stands on it, while the live copy waits for that build', async () => {
      // No read model yet on a log this long: each is built by a rebuild before it follows the log.
      await onLogWithPoison(poison, { firstBuildByRebuildFrom: 10 }, async ({ eventStore, bad, head, live, engine }) => {
        for (const name of poison.stops) {
          const status = await until(() => statusOf(engine, name), (s) => s.rebuild?.stoppedOn != null, `${name}'s first build standing on it`);
          expect(status).toMatchObject({ state: 'rebuilding', stoppedOn: null, rebuild: { stoppedOn: { position: bad } } });
          await park(eventStore, engine, name, bad);
        }
        expect(await engine.waitForPosition(head, 20_000)).toBe(true);
        await expectEachEqualsAReplay(eventStore, live, 'first build vs a replay');
      });
    }, 30_000);
  });

  describe.each(POISONS)(`on ${storeName}: $label, parked and rebuilt past before the live copy tries again`, (poison) => {
    it('shows it running on from the rebuilt copy, not stopped', async () => {
      // The live copies standing on it wait a minute before they try again: the swap comes first.
      await onLogWithPoison(poison, { retryMs: 60_000 }, async ({ eventStore, bad, head, live, engine }) => {
        for (const name of poison.stops) {
          await until(() => statusOf(engine, name), (status) => status.stoppedOn !== null, `${name} stopped`);
          await recordParking(eventStore, engine, name, bad);
          await engine.rebuild(name);
          expect(engine.positionOf(name)).toBeGreaterThanOrEqual(head);
          // The decision reaches the live copy now, past the event already.
          await engine.parkingChanged(name);
          await until(() => statusOf(engine, name), (status) => status.state === 'running', `${name} running`);
          expect(await statusOf(engine, name)).toMatchObject({ state: 'running', stoppedOn: null });
        }
        await expectEachEqualsAReplay(eventStore, live, 'rebuilt past it vs a replay');
      });
    }, 30_000);
  });

  describe(`on ${storeName}: a store that is down`, () => {
    it('is retried until it is back, and never taken for a poison event', async () => {
      const eventStore = new FakeEventStore({ positionStep: 2 });
      const inner = await open();
      let failures = 0;
      const flaky = new Proxy(inner, {
        get(target, property, receiver) {
          const value: unknown = Reflect.get(target, property, receiver);
          if (property === 'commit' && typeof value === 'function') {
            return async (...args: unknown[]) => {
              if (failures++ < 6) throw new StoreUnavailableError('read store down (test)');
              return (value as (...a: unknown[]) => Promise<void>).apply(target, args);
            };
          }
          return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
        },
      });
      await appendAll(eventStore, events.slice(0, 20));
      const engine = engineOn(eventStore, flaky, batchSize);
      const seen: ProjectionStatus[] = [];
      engine.start();
      try {
        await until(() => engine.status(), (statuses) => (seen.push(...statuses), statuses.some((s) => s.state === 'retrying')), 'retrying');
        expect(await engine.waitForPosition(await eventStore.headPosition(), 20_000)).toBe(true);
        expect(seen.every((status) => status.stoppedOn === null)).toBe(true);
        expect((await engine.status()).map((status) => status.state)).toEqual(ALL.map(() => 'running'));
      } finally {
        await engine.stop();
        await inner.close();
      }
    }, 30_000);
  });
}

/** The event store as the runners see it, noting where each subscription starts. */
function watchSubscriptions(store: EventStore, from: number[]): EventStore {
  return new Proxy(store, {
    get(target, property, receiver) {
      if (property === 'subscribeToAll') {
        return (options?: SubscribeToAllOptions): AllSubscription => {
          from.push(options?.fromPosition ?? 0);
          return target.subscribeToAll(options);
        };
      }
      const value: unknown = Reflect.get(target, property, receiver);
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}

poisonSuite('SQLite', () => Promise.resolve(SqliteReadStore.open({ path: ':memory:' })), 25);

describeWithMongo('poison events on MongoDB', (url) => {
  const dbName = uniqueTestName('qms_poison');
  let prefixes = 0;
  afterAll(async () => {
    const client = new MongoClient(url);
    await client.db(dbName).dropDatabase();
    await client.close();
  });
  // Small batches: FerretDB hangs on bulk replacements of many existing documents.
  poisonSuite('MongoDB', () => Promise.resolve(MongoReadStore.create({ url, dbName, collectionPrefix: `p${++prefixes}_`, compatibility: mongoTestCompatibility() })), 10);
});

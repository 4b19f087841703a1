import { rebuildCheckpointName, swapMarkerName, type RebuildProgress } from '@qms/projection-engine';
import { FakeEventStore } from '../../../testing/src/fake-event-store';
import { DELIVERY_MONTH_CUSTOMER_COLLECTION } from '../deliveries';
import { SqliteReadStore, type ReadStore } from '@qms/read-store';
import { ALL_COLLECTIONS, appendAll, expectSameReadModels, rebuildAll, REPORT_COLLECTIONS, reportingEngine, reportsSettled } from './__fixtures__/replay-harness';
import { historyFrom, seededAttempts } from './__fixtures__/valid-history';
import { MONTHLY_REPORT_PROJECTION } from './monthly-report.projection';
import { REPORTING_PROJECTION_NAMES } from './reporting-projections';

/**
 * DESIGN §11 "a process killed at any moment → read models converge to the result of a clean
 * rebuild": the read store "dies" just before its Nth write (one collection of a batch written,
 * the next collection, the journal, the monthly report or the checkpoint not), and a fresh engine
 * on the same store takes over. Every N of the run is tried.
 */

const MUTATIONS = new Set(['bulkWrite', 'saveCheckpoint', 'deleteCheckpoint', 'drop', 'swap', 'ensureIndexes']);

interface Dying {
  readonly store: ReadStore;
  writes(): number;
  dead(): boolean;
}

/** The dying process's view of the read store: every call fails once it has died before write `dieAt`. */
function dyingStore(inner: ReadStore, dieAt: number): Dying {
  let writes = 0;
  let dead = false;
  const died = () => new Error('the process died here (test)');
  const store = new Proxy(inner, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (typeof value !== 'function') return value;
      const method = value as (...args: unknown[]) => unknown;
      if (property === 'stream') {
        return (...args: unknown[]) =>
          dead ? { [Symbol.asyncIterator]: () => ({ next: () => Promise.reject(died()) }) } : method.apply(target, args);
      }
      return async (...args: unknown[]) => {
        if (dead) throw died();
        if (MUTATIONS.has(String(property)) && ++writes >= dieAt) {
          dead = true;
          throw died();
        }
        return method.apply(target, args);
      };
    },
  });
  return { store, writes: () => writes, dead: () => dead };
}

const BATCH = 25;
/** The history holds deliveries corrected out of a month within the batch that also fed it. */
const { events } = historyFrom(seededAttempts(20_240_611, 200));
/**
 * delivery_month_customer deletes a month left without deliveries. A batch retried after it was
 * written cannot tell such a deletion from a document never made (no `_position` survives it), so
 * it applies that batch's earlier events again: the month reappears with negative figures, and
 * the monthly report follows. Known defect, see the `it.failing` below.
 */
const SAFE_COLLECTIONS = ALL_COLLECTIONS.filter((collection) => collection !== DELIVERY_MONTH_CUSTOMER_COLLECTION && !REPORT_COLLECTIONS.includes(collection));

describe('a projection killed in the middle of a batch', () => {
  const eventStore = new FakeEventStore({ positionStep: 5 });
  let head = 0;
  const clean = SqliteReadStore.open({ path: ':memory:' });
  const cleanRebuild = SqliteReadStore.open({ path: ':memory:' });
  let liveWrites = 0;
  let rebuildWrites = 0;

  beforeAll(async () => {
    await appendAll(eventStore, events);
    head = await eventStore.headPosition();
    const counting = dyingStore(clean, Number.POSITIVE_INFINITY);
    const engine = reportingEngine(eventStore, counting.store, BATCH);
    engine.start();
    expect(await engine.waitForPosition(head, 30_000)).toBe(true);
    await reportsSettled(clean);
    await engine.stop();
    liveWrites = counting.writes();
    const countingRebuild = dyingStore(cleanRebuild, Number.POSITIVE_INFINITY);
    await rebuildAll(reportingEngine(eventStore, countingRebuild.store, BATCH));
    rebuildWrites = countingRebuild.writes();
  });

  /** Runs live until the store dies before write `dieAt`, then resumes with a fresh engine; returns the store. */
  async function killedAndResumed(dieAt: number): Promise<ReadStore> {
    const store = SqliteReadStore.open({ path: ':memory:' });
    const dying = dyingStore(store, dieAt);
    const first = reportingEngine(eventStore, dying.store, BATCH);
    first.start();
    await until(() => dying.dead());
    await first.stop();
    for (const name of REPORTING_PROJECTION_NAMES) expect((await store.getCheckpoint(name))?.position ?? 0).toBeLessThanOrEqual(head);
    const second = reportingEngine(eventStore, store, BATCH);
    second.start();
    expect(await second.waitForPosition(head, 30_000)).toBe(true);
    await reportsSettled(store);
    await second.stop();
    return store;
  }

  async function rebuildKilledAndResumed(dieAt: number): Promise<ReadStore> {
    const store = SqliteReadStore.open({ path: ':memory:' });
    const dying = dyingStore(store, dieAt);
    const first = reportingEngine(eventStore, dying.store, BATCH);
    // Killed in whichever read model's rebuild it had reached; that one resumes, the others follow.
    let reached: string = MONTHLY_REPORT_PROJECTION;
    const interrupted = (async () => {
      for (const name of first.projectionNames) {
        reached = name;
        await first.rebuild(name);
      }
    })().catch((error: unknown) => error);
    await until(() => dying.dead());
    await first.stop();
    expect(await interrupted).toBeInstanceOf(Error);

    const saved = await store.getCheckpoint(rebuildCheckpointName(reached));
    const swapping = (await store.getCheckpoint(swapMarkerName(reached))) !== null;
    const progress: RebuildProgress[] = [];
    const second = reportingEngine(eventStore, store, BATCH);
    const remaining = second.projectionNames.slice(second.projectionNames.indexOf(reached));
    for (const name of remaining) {
      await second.rebuild(name, name === reached ? { onProgress: (update) => progress.push(update) } : {});
    }
    if (!swapping) {
      // Carries on from the shadow checkpoint when the first run had written one.
      expect({ resumed: progress[0]?.resumed, from: progress[0]?.position }).toEqual({ resumed: saved !== null, from: saved?.position ?? 0 });
    }
    return store;
  }

  const every = (count: number) => Array.from({ length: count }, (_, index) => index + 1);

  it('keeps the complaint lists, returns, notifications and surveys equal to a clean run at every kill point', async () => {
    expect(events.filter((event) => event.type === 'DeliveryCorrected').length).toBeGreaterThan(5);
    for (const dieAt of every(liveWrites)) {
      await expectSameReadModels(clean, { [`killed before write ${dieAt} of ${liveWrites}`]: await killedAndResumed(dieAt) }, SAFE_COLLECTIONS);
    }
  }, 180_000);

  it('resumes a rebuild killed at any point from its shadow checkpoint, with the same lists', async () => {
    for (const dieAt of every(rebuildWrites - 1)) {
      await expectSameReadModels(cleanRebuild, { [`rebuild killed before write ${dieAt} of ${rebuildWrites}`]: await rebuildKilledAndResumed(dieAt) }, SAFE_COLLECTIONS);
    }
  }, 180_000);

  // Fails until a retried batch can tell a deleted document from a missing one (see SAFE_COLLECTIONS).
  it('keeps every collection, delivery figures and monthly report included, equal to a clean run at every kill point', async () => {
    for (const dieAt of every(liveWrites)) {
      await expectSameReadModels(clean, { [`killed before write ${dieAt} of ${liveWrites}`]: await killedAndResumed(dieAt) }, ALL_COLLECTIONS);
    }
  }, 180_000);
});

async function until(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
}

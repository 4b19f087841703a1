import type { DomainEvent } from '@qms/domain-kernel';
import type { ProjectionEngine, WorkingSetLimits } from '@qms/projection-engine';
import fc from 'fast-check';
import { FakeEventStore } from '../../../testing/src/fake-event-store';
import { withKpis } from '../monthly-report/monthly-report';
import { SqliteReadStore, type ReadStore } from '@qms/read-store';
import {
  ALL_COLLECTIONS,
  appendAll,
  expectSameReadModels,
  FACT_COLLECTIONS,
  flushReports,
  monthsOf,
  rebuildAll,
  reportsSettled,
  REPORTING_CONFIG,
  reportingEngine,
} from './__fixtures__/replay-harness';
import { attemptArbitrary, historyFrom, type HistoryEvent } from './__fixtures__/valid-history';
import { MonthlyReportMaterializer } from './monthly-report-materializer';

/**
 * DESIGN §8 "the same events give byte-identical read models, whenever and however often they
 * are replayed" and §10 "the same result as live projection": random valid histories (the real
 * deciders' accepted events) projected live by engines of batch sizes 1, 7 and 500 while the
 * events arrive in random chunks, rebuilt from scratch with a random batch size, and rebuilt in
 * place over a live copy.
 */

const LIVE_BATCH_SIZES = { 'live, batches of 1': 1, 'live, batches of 7': 7, 'live, batches of 500': 500 } as const;

interface Copies {
  readonly events: readonly HistoryEvent[];
  /** The fresh rebuild every other copy is compared with. */
  readonly rebuilt: ReadStore;
  readonly others: Readonly<Record<string, ReadStore>>;
}

/** Projects one history every way there is; engines are stopped before it returns. */
async function projectEveryWay(
  attempts: Parameters<typeof historyFrom>[0],
  chunkSizes: readonly number[],
  rebuildBatchSize: number,
  workingSet: WorkingSetLimits,
): Promise<Copies> {
  const { events } = historyFrom(attempts);
  const eventStore = new FakeEventStore({ positionStep: 3 });
  const stores: Record<string, SqliteReadStore> = {};
  const engines: ProjectionEngine<DomainEvent>[] = [];
  for (const [name, batchSize] of Object.entries(LIVE_BATCH_SIZES)) {
    stores[name] = SqliteReadStore.open({ path: ':memory:' });
    engines.push(reportingEngine(eventStore, stores[name], batchSize));
  }
  for (const engine of engines) engine.start();
  try {
    let next = 0;
    for (let chunk = 0; next < events.length; chunk++) {
      const size = chunkSizes[chunk % chunkSizes.length] ?? 1;
      await appendAll(eventStore, events.slice(next, next + size));
      next += size;
      // Lets the engines take a batch between chunks, so batches end at arbitrary places.
      await new Promise((resolve) => setImmediate(resolve));
    }
    const head = await eventStore.headPosition();
    for (const engine of engines) expect(await engine.waitForPosition(head, 30_000)).toBe(true);
    // The runners' deferred work stores the months marked pending by the last batches.
    for (const store of Object.values(stores)) await reportsSettled(store);

    const rebuilt = SqliteReadStore.open({ path: ':memory:' });
    await rebuildAll(reportingEngine(eventStore, rebuilt, rebuildBatchSize, workingSet));
    await flushReports(rebuilt);
    // In place: shadows replayed beside a live copy (batches of 7), then swapped in.
    const inPlace = SqliteReadStore.open({ path: ':memory:' });
    const inPlaceEngine = reportingEngine(eventStore, inPlace, 7);
    inPlaceEngine.start();
    expect(await inPlaceEngine.waitForPosition(head, 30_000)).toBe(true);
    await rebuildAll(inPlaceEngine);
    await flushReports(inPlace);
    engines.push(inPlaceEngine);
    return { events, rebuilt, others: { ...stores, 'rebuilt in place': inPlace } };
  } finally {
    await Promise.all(engines.map((engine) => engine.stop()));
  }
}

const histories = fc.array(attemptArbitrary, { minLength: 400, maxLength: 800 });
const chunkings = fc.array(fc.integer({ min: 1, max: 120 }), { minLength: 1, maxLength: 30 });
const rebuildBatchSizes = fc.integer({ min: 2, max: 300 });
/** Commits of the rebuild's working set every few events up to once at the end, documents let go between. */
const workingSets = fc.record({ commitEvery: fc.integer({ min: 1, max: 2_000 }), maxDirty: fc.integer({ min: 1, max: 200 }), heapShare: fc.constantFrom(0, 1) });

/** Keeps a failure's message short: the cause and how to replay it, not 600 attempts. */
const compact: fc.Parameters<[unknown, unknown, unknown, unknown]> = {
  numRuns: 3,
  endOnFailure: true,
  reporter(details) {
    if (!details.failed) return;
    const [attempts, chunks, batch, workingSet] = details.counterexample ?? [];
    throw new Error(
      `Property failed (seed ${details.seed}, path "${details.counterexamplePath ?? ''}"): ${(attempts as unknown[] | undefined)?.length ?? '?'} attempts, ` +
        `chunks ${JSON.stringify(chunks)}, rebuild batch ${String(batch)}, working set ${JSON.stringify(workingSet)}\n${details.errorInstance instanceof Error ? details.errorInstance.message : String(details.errorInstance)}`,
    );
  },
};

describe('the reporting projections are deterministic', () => {
  it('gives byte-identical complaint lists and facts however the events were batched, and serves the same monthly reports', async () => {
    const materializer = new MonthlyReportMaterializer(REPORTING_CONFIG);
    await fc.assert(
      fc.asyncProperty(histories, chunkings, rebuildBatchSizes, workingSets, async (attempts, chunkSizes, rebuildBatchSize, workingSet) => {
        const { events, rebuilt, others } = await projectEveryWay(attempts, chunkSizes, rebuildBatchSize, workingSet);
        await expectSameReadModels(rebuilt, others, FACT_COLLECTIONS);
        // What readers get is a pure function of the facts, in every copy, for every month.
        for (const [name, store] of Object.entries({ rebuilt, ...others })) {
          for (const month of monthsOf(events)) {
            const served = JSON.stringify(await materializer.report(store, month));
            const computed = JSON.stringify(withKpis(await materializer.compute(store, month), REPORTING_CONFIG));
            if (served !== computed) throw new Error(`${name}: the stored report of ${month} is not the one its facts give`);
          }
        }
      }),
      compact,
    );
  }, 120_000);

  /**
   * The stored months are the range the facts span (each fact's own months, so an open complaint
   * does not hide later ones) and every stored month is recomputed from the facts once flushed:
   * no trace of the batching is left in monthly_report or monthly_report_state.
   */
  it('stores byte-identical monthly_report and monthly_report_state documents however the events were batched', async () => {
    await fc.assert(
      fc.asyncProperty(histories, chunkings, rebuildBatchSizes, workingSets, async (attempts, chunkSizes, rebuildBatchSize, workingSet) => {
        const { rebuilt, others } = await projectEveryWay(attempts, chunkSizes, rebuildBatchSize, workingSet);
        await expectSameReadModels(rebuilt, others, ALL_COLLECTIONS);
      }),
      { ...compact, numRuns: 2 },
    );
  }, 120_000);
});

import type { RecordedEvent } from '@qms/event-store';
import { SqliteReadStore } from '@qms/read-store';
import { FakeEventStore } from '../../testing/src/fake-event-store';
import { ProjectionEngine } from './projection-engine';
import type { DeferredWork, ProjectedDocument, Projection, ProjectionStore } from './projection';

/**
 * The deferred work of a projection (DeferredWork): batches mark a key dirty in afterBatch, the
 * deferred run copies the dirty totals to `flushed` and clears the marks. Timings are real but
 * short; each assertion leaves a wide margin.
 */

type Counted = { readonly type: 'Counted'; readonly data: { readonly key: string; readonly amount: number } };

interface Tally extends ProjectedDocument {
  readonly total: number;
}

interface Dirty extends ProjectedDocument {
  readonly keys: readonly string[];
}

interface Recorder {
  readonly runs: number[];
  failuresLeft: number;
  /** Milliseconds a run takes (yielding meanwhile), to be caught by stop. */
  runMs: number;
  aborted: number;
}

function projection(timing: Pick<DeferredWork, 'settleMs' | 'maxDelayMs' | 'maxShare'>, recorder: Recorder): Projection<Counted> {
  return {
    name: 'counted',
    eventTypes: ['Counted'],
    collections: [{ name: 'counted' }, { name: 'dirty' }, { name: 'flushed' }],
    documentIds: (event) => [event.data.key],
    evolve: (document, event, id) => ({ _id: id, total: ((document as Tally | null)?.total ?? 0) + event.data.amount }),
    async afterBatch(changes, store) {
      const dirty = (await store.getMany<Dirty>('dirty', ['dirty'])).get('dirty')?.keys ?? [];
      const keys = [...new Set([...dirty, ...changes.map((change) => change.id)])].sort();
      await store.bulkWrite<Dirty>('dirty', { upserts: [{ _id: 'dirty', keys }] });
    },
    deferredWork: {
      ...timing,
      async run(store: ProjectionStore, signal: AbortSignal) {
        recorder.runs.push(Date.now());
        if (recorder.failuresLeft > 0) {
          recorder.failuresLeft--;
          throw new Error('deferred work failed (test)');
        }
        const end = Date.now() + recorder.runMs;
        while (Date.now() < end) {
          if (signal.aborted) {
            recorder.aborted++;
            return;
          }
          await new Promise((resolve) => setTimeout(resolve, 1));
        }
        const keys = (await store.getMany<Dirty>('dirty', ['dirty'])).get('dirty')?.keys ?? [];
        const totals = await store.getMany<Tally>('counted', keys);
        await store.bulkWrite<Tally>('flushed', { upserts: [...totals.values()] });
        await store.bulkWrite<Dirty>('dirty', { upserts: [{ _id: 'dirty', keys: [] }] });
      },
    },
  };
}

const decode = (recorded: RecordedEvent): Counted => ({ type: 'Counted', data: recorded.data as Counted['data'] });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function setup(timing: Pick<DeferredWork, 'settleMs' | 'maxDelayMs' | 'maxShare'>) {
  const events = new FakeEventStore({ positionStep: 3 });
  const store = SqliteReadStore.open({ path: ':memory:' });
  const recorder: Recorder = { runs: [], failuresLeft: 0, runMs: 0, aborted: 0 };
  const errors: unknown[] = [];
  const engine = new ProjectionEngine<Counted>({
    eventStore: events,
    readStore: store,
    projections: [projection(timing, recorder)],
    decodeEvent: decode,
    batchSize: 5,
    retry: { initialDelayMs: 5, maxDelayMs: 10 },
    logger: { warn: (message: string) => errors.push(message), log: () => undefined },
  });
  const count = async (key: string, amount = 1) => {
    const positions = await events.append(`counted-${key}`, { type: 'Counted', data: { key, amount } });
    return positions[positions.length - 1] ?? 0;
  };
  const flushed = async () => Object.fromEntries((await store.find<Tally>('flushed')).items.map((tally) => [tally._id, tally.total]));
  return { events, store, recorder, errors, engine, count, flushed };
}

describe('deferred work of a projection', () => {
  const running: ProjectionEngine<Counted>[] = [];
  afterEach(async () => {
    await Promise.all(running.splice(0).map((engine) => engine.stop()));
  });

  it('runs once the batches have settled, not with each batch', async () => {
    const s = setup({ settleMs: 150, maxDelayMs: 5_000 });
    running.push(s.engine);
    s.engine.start();
    await s.count('a');
    let head = await s.count('b', 2);
    expect(await s.engine.waitForPosition(head, 5_000)).toBe(true);
    head = await s.count('a', 3);
    expect(await s.engine.waitForPosition(head, 5_000)).toBe(true);
    const caughtUpAt = Date.now();
    expect(await s.flushed()).toEqual({});
    expect(s.recorder.runs).toEqual([]);
    await until(() => s.recorder.runs.length > 0);
    expect(s.recorder.runs[0]! - caughtUpAt).toBeGreaterThanOrEqual(100);
    await until(async () => Object.keys(await s.flushed()).length === 2);
    expect(await s.flushed()).toEqual({ a: 4, b: 2 });
    await sleep(300);
    expect(s.recorder.runs).toHaveLength(1);
  });

  it('runs by maxDelayMs under a continuous stream of batches', async () => {
    const s = setup({ settleMs: 200, maxDelayMs: 120 });
    running.push(s.engine);
    s.engine.start();
    const started = Date.now();
    // A batch every ~20 ms for ~600 ms: never a quiet spell of 200 ms.
    while (Date.now() - started < 600) {
      const head = await s.count('a');
      expect(await s.engine.waitForPosition(head, 5_000)).toBe(true);
      await sleep(20);
    }
    const streamEnd = Date.now();
    expect(s.recorder.runs.length).toBeGreaterThanOrEqual(2);
    expect(s.recorder.runs.every((at) => at < streamEnd)).toBe(true);
    expect((await s.flushed())['a']).toBeGreaterThan(0);
  });

  it('keeps work that takes long to its share of the time under a continuous stream of batches', async () => {
    const paced = setup({ settleMs: 1, maxDelayMs: 10, maxShare: 0.25 });
    const unpaced = setup({ settleMs: 1, maxDelayMs: 10 });
    for (const s of [paced, unpaced]) {
      s.recorder.runMs = 60;
      running.push(s.engine);
      s.engine.start();
    }
    const started = Date.now();
    // A batch every ~10 ms for ~1.2 s: each run of 60 ms may be followed by the next at once.
    while (Date.now() - started < 1_200) {
      for (const s of [paced, unpaced]) expect(await s.engine.waitForPosition(await s.count('a'), 5_000)).toBe(true);
      await sleep(10);
    }
    // A quarter of the time: a run of 60 ms, then 180 ms before the next may start.
    const gaps = paced.recorder.runs.slice(1).map((at, index) => at - paced.recorder.runs[index]!);
    expect(gaps.length).toBeGreaterThanOrEqual(2);
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(220);
    // Unpaced it runs about three times as often; a loaded machine (a parallel test run) narrows that.
    expect(unpaced.recorder.runs.length).toBeGreaterThan(1.5 * paced.recorder.runs.length);
    await until(async () => (await paced.flushed())['a'] !== undefined);
  });

  it('is cancelled by stop: a scheduled run never starts, a run under way is aborted', async () => {
    const s = setup({ settleMs: 100, maxDelayMs: 1_000 });
    s.engine.start();
    expect(await s.engine.waitForPosition(await s.count('a'), 5_000)).toBe(true);
    await s.engine.stop();
    await sleep(250);
    expect(s.recorder.runs).toEqual([]);

    const t = setup({ settleMs: 1, maxDelayMs: 10 });
    t.recorder.runMs = 10_000;
    t.engine.start();
    expect(await t.engine.waitForPosition(await t.count('a'), 5_000)).toBe(true);
    await until(() => t.recorder.runs.length > 0);
    const stopping = Date.now();
    await t.engine.stop();
    expect(Date.now() - stopping).toBeLessThan(2_000);
    expect(t.recorder.aborted).toBe(1);
    expect(await t.flushed()).toEqual({});
  });

  it('is retried after a failure, and runs at start when a previous process left work', async () => {
    const s = setup({ settleMs: 5, maxDelayMs: 50 });
    s.recorder.failuresLeft = 2;
    running.push(s.engine);
    s.engine.start();
    expect(await s.engine.waitForPosition(await s.count('a', 7), 5_000)).toBe(true);
    await until(async () => (await s.flushed())['a'] === 7);
    expect(s.recorder.runs).toHaveLength(3);
    expect(s.errors).toHaveLength(2);

    // Stopped before its run: the next engine on the same stores runs it without a new batch.
    const t = setup({ settleMs: 200, maxDelayMs: 1_000 });
    t.engine.start();
    expect(await t.engine.waitForPosition(await t.count('b', 5), 5_000)).toBe(true);
    await t.engine.stop();
    expect(t.recorder.runs).toEqual([]);
    const next = new ProjectionEngine<Counted>({
      eventStore: t.events,
      readStore: t.store,
      projections: [projection({ settleMs: 5, maxDelayMs: 50 }, t.recorder)],
      decodeEvent: decode,
      batchSize: 5,
      retry: { initialDelayMs: 5, maxDelayMs: 10 },
      logger: { warn: () => undefined, log: () => undefined },
    });
    running.push(next);
    next.start();
    await until(async () => (await t.flushed())['b'] === 5);
  });
});

async function until(condition: () => boolean | Promise<boolean>, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await sleep(2);
  }
}

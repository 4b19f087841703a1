import { assertNever, StoreUnavailableError } from '@qms/domain-kernel';
import type { JsonObject, RecordedEvent } from '@qms/event-store';
import { SqliteReadStore, shadowCollection, type Checkpoint, type Commit, type Filter, type FindQuery, type IndexSpec, type Page, type ReadModelOrigin, type ReadStore, type StoredDocument, type WriteBatch } from '@qms/read-store';
import { FakeEventStore } from '../../testing/src/fake-event-store';
import { ProjectionEngine, type ProjectionEngineOptions } from './projection-engine';
import type { DocumentChange, ProjectedDocument, Projection, ProjectionStore } from './projection';
import type { RebuildProgress } from './rebuild';

// ---------------------------------------------------------------------------------------------
// A tiny projection: tallies per key, a copy that reads another document, and a summary derived
// after each batch from the whole collection.
// ---------------------------------------------------------------------------------------------

type TallyEvent =
  | { readonly type: 'Counted'; readonly data: { readonly key: string; readonly amount: number } }
  | { readonly type: 'Removed'; readonly data: { readonly key: string } }
  | { readonly type: 'Copied'; readonly data: { readonly from: string; readonly to: string } };

interface Tally extends ProjectedDocument {
  readonly total: number;
  readonly count: number;
}

interface Summary extends ProjectedDocument {
  readonly keys: number;
  readonly sum: number;
}

function tallies(
  options: { version?: number; factor?: number; lookupUndeclared?: boolean; countIndexWhileProjecting?: boolean; afterReplay?: boolean } = {},
): Projection<TallyEvent> {
  const factor = options.factor ?? 1;
  const summarise = async (store: ProjectionStore) => {
    let keys = 0;
    let sum = 0;
    for await (const tally of store.stream<Tally>('tallies')) {
      keys++;
      sum += tally.total;
    }
    await store.bulkWrite<Summary>('tallySummary', { upserts: [{ _id: 'all', keys, sum }] });
  };
  return {
    ...(options.afterReplay === true ? { afterReplay: summarise } : {}),
    name: 'tallies',
    version: options.version ?? 1,
    eventTypes: ['Counted', 'Removed', 'Copied'],
    collections: [
      {
        name: 'tallies',
        indexes: [
          { fields: [{ field: 'total', direction: 'desc' }] },
          ...(options.countIndexWhileProjecting === true ? [{ fields: [{ field: 'count', direction: 'asc' as const }], whileProjecting: true }] : []),
        ],
      },
      { name: 'tallySummary' },
    ],
    documentIds: (event) => [event.type === 'Copied' ? event.data.to : event.data.key],
    readsDocuments: (event) =>
      event.type === 'Copied' && !options.lookupUndeclared ? [event.data.from] : [],
    evolve(document, event, id, context) {
      const current = document as Tally | null;
      switch (event.type) {
        case 'Counted':
          return {
            _id: id,
            total: (current?.total ?? 0) + event.data.amount * factor,
            count: (current?.count ?? 0) + 1,
          };
        case 'Removed':
          return null;
        case 'Copied': {
          const from = context.lookup<Tally>('tallies', event.data.from);
          return { _id: id, total: from?.total ?? 0, count: from?.count ?? 0 };
        }
        default:
          return assertNever(event, 'tally event');
      }
    },
    async afterBatch(changes, store) {
      if (changes.some((change) => change.collection === 'tallies')) await summarise(store);
    },
  };
}

/** Older events carried `qty`: the injected decoder upcasts them, as the app's upcasters will. */
function decodeTally(recorded: RecordedEvent): TallyEvent {
  const data = recorded.data as Record<string, unknown>;
  if (recorded.type === 'Counted' && data['amount'] === undefined) {
    return { type: 'Counted', data: { key: String(data['key']), amount: Number(data['qty']) } };
  }
  return { type: recorded.type, data } as unknown as TallyEvent;
}

/** The expected documents, folded by hand from the same events. */
function expectedTallies(
  events: readonly { type: string; data: Record<string, unknown> }[],
  factor = 1,
): Record<string, { total: number; count: number }> {
  const state: Record<string, { total: number; count: number }> = {};
  for (const event of events) {
    if (event.type === 'Counted') {
      const key = String(event.data['key']);
      const amount = Number(event.data['amount'] ?? event.data['qty']);
      state[key] = { total: (state[key]?.total ?? 0) + amount * factor, count: (state[key]?.count ?? 0) + 1 };
    } else if (event.type === 'Removed') {
      delete state[String(event.data['key'])];
    } else if (event.type === 'Copied') {
      const from = state[String(event.data['from'])];
      state[String(event.data['to'])] = { total: from?.total ?? 0, count: from?.count ?? 0 };
    }
  }
  return state;
}

async function storedTallyDocuments(store: ReadStore): Promise<readonly StoredDocument[]> {
  return (await store.find('tallies', { sort: [{ field: '_id', direction: 'asc' }] })).items;
}

async function storedTallies(store: ReadStore): Promise<Record<string, { total: number; count: number }>> {
  const result: Record<string, { total: number; count: number }> = {};
  for await (const tally of store.stream<Tally>('tallies'))
    result[tally._id] = { total: tally.total, count: tally.count };
  return result;
}

// ---------------------------------------------------------------------------------------------
// A read store that counts calls and fails on demand.
// ---------------------------------------------------------------------------------------------

type Method = 'getMany' | 'bulkWrite' | 'saveCheckpoint' | 'swap' | 'find';

class InstrumentedReadStore implements ReadStore {
  readonly calls: { method: Method; collection: string }[] = [];
  private readonly faults: {
    method: Method;
    remaining: number;
    error: () => Error;
    collection?: string | undefined;
  }[] = [];

  constructor(readonly inner: ReadStore = SqliteReadStore.open({ path: ':memory:' })) {}

  failNext(
    method: Method,
    times: number,
    error: () => Error = () => new StoreUnavailableError('read store down (test)'),
    collection?: string,
  ): void {
    this.faults.push({ method, remaining: times, error, collection });
  }

  heal(): void {
    this.faults.length = 0;
  }

  count_(method: Method, collection?: string): number {
    return this.calls.filter(
      (call) => call.method === method && (collection === undefined || call.collection === collection),
    ).length;
  }

  private enter(method: Method, collection: string): void {
    this.calls.push({ method, collection });
    const fault = this.faults.find(
      (candidate) =>
        candidate.method === method &&
        candidate.remaining > 0 &&
        (candidate.collection === undefined || candidate.collection === collection),
    );
    if (fault !== undefined) {
      fault.remaining--;
      throw fault.error();
    }
  }

  async getMany<D extends StoredDocument = StoredDocument>(
    collection: string,
    ids: readonly string[],
  ): Promise<Map<string, D>> {
    this.enter('getMany', collection);
    return this.inner.getMany<D>(collection, ids);
  }
  get<D extends StoredDocument = StoredDocument>(collection: string, id: string): Promise<D | null> {
    return this.inner.get<D>(collection, id);
  }
  async bulkWrite<D extends StoredDocument>(collection: string, batch: WriteBatch<D>): Promise<void> {
    this.enter('bulkWrite', collection);
    return this.inner.bulkWrite(collection, batch);
  }
  async find<D extends StoredDocument = StoredDocument>(
    collection: string,
    query?: FindQuery,
  ): Promise<Page<D>> {
    this.enter('find', collection);
    return this.inner.find<D>(collection, query);
  }
  count(collection: string, filter?: Filter): Promise<number> {
    return this.inner.count(collection, filter);
  }
  stream<D extends StoredDocument = StoredDocument>(collection: string, query?: FindQuery): AsyncIterable<D> {
    return this.inner.stream<D>(collection, query);
  }
  ensureIndexes(collection: string, specs: readonly IndexSpec[]): Promise<void> {
    return this.inner.ensureIndexes(collection, specs);
  }
  async swap(collection: string): Promise<boolean> {
    this.enter('swap', collection);
    return this.inner.swap(collection);
  }
  drop(collection: string): Promise<void> {
    return this.inner.drop(collection);
  }
  getCheckpoint(name: string): Promise<Checkpoint | null> {
    return this.inner.getCheckpoint(name);
  }
  async commit(commit: Commit): Promise<void> {
    for (const write of commit.writes) await this.bulkWrite(write.collection, write);
    if (commit.checkpoint) await this.saveCheckpoint(commit.checkpoint.name, commit.checkpoint.checkpoint);
  }
  async saveCheckpoint(name: string, checkpoint: Checkpoint): Promise<void> {
    this.enter('saveCheckpoint', name);
    return this.inner.saveCheckpoint(name, checkpoint);
  }
  deleteCheckpoint(name: string): Promise<void> {
    return this.inner.deleteCheckpoint(name);
  }
  listCheckpoints(): Promise<Map<string, Checkpoint>> {
    return this.inner.listCheckpoints();
  }
  getOrigin(): Promise<ReadModelOrigin | null> {
    return this.inner.getOrigin();
  }
  saveOrigin(origin: ReadModelOrigin): Promise<void> {
    return this.inner.saveOrigin(origin);
  }
  clear(): Promise<void> {
    return this.inner.clear();
  }
  checkHealth(): Promise<void> {
    return this.inner.checkHealth();
  }
  close(): Promise<void> {
    return this.inner.close();
  }
}

// ---------------------------------------------------------------------------------------------

const FAST_RETRY = { initialDelayMs: 2, maxDelayMs: 10 };

interface Setup {
  events: FakeEventStore;
  store: InstrumentedReadStore;
  appended: { type: string; data: Record<string, unknown> }[];
  /** `options` override the defaults here (pass a key as undefined for the engine's own default). */
  engine(
    projection?: Projection<TallyEvent>,
    batchSize?: number,
    options?: Partial<ProjectionEngineOptions<TallyEvent>>,
  ): ProjectionEngine<TallyEvent>;
  append(...events: { type: string; data: Record<string, unknown> }[]): Promise<number>;
}

/** Fresh stores for every test of the describe block; engines stopped after each. */
function setup(): Setup {
  let engines: ProjectionEngine<TallyEvent>[] = [];
  const s: Setup = {
    events: new FakeEventStore(),
    store: new InstrumentedReadStore(),
    appended: [],
    engine(projection = tallies(), batchSize = 10, options = {}) {
      const engine = new ProjectionEngine<TallyEvent>({
        eventStore: s.events,
        readStore: s.store,
        projections: [projection],
        decodeEvent: decodeTally,
        batchSize,
        ...options,
        retry: FAST_RETRY,
        now: () => new Date(Date.UTC(2024, 0, 1, 1)),
      });
      engines.push(engine);
      return engine;
    },
    async append(...batch) {
      s.appended.push(...batch);
      const positions = await s.events.append(
        'tallies-stream',
        ...(batch as { type: string; data: JsonObject }[]),
      );
      return positions[positions.length - 1] ?? 0;
    },
  };
  beforeEach(() => {
    // Gaps between positions: nothing may assume position n + 1 follows n.
    s.events = new FakeEventStore({ positionStep: 7 });
    s.store = new InstrumentedReadStore();
    s.appended = [];
  });
  afterEach(async () => {
    await Promise.all(engines.map((engine) => engine.stop()));
    engines = [];
  });
  return s;
}

const counted = (key: string, amount: number) => ({ type: 'Counted', data: { key, amount } });
const manyEvents = (n: number) =>
  Array.from({ length: n }, (_, i) =>
    i % 17 === 16
      ? { type: 'Removed', data: { key: `k${i % 5}` } }
      : i % 13 === 12
        ? { type: 'Copied', data: { from: `k${i % 4}`, to: `c${i % 3}` } }
        : counted(`k${i % 5}`, i),
  );

describe('ProjectionEngine', () => {
  describe('following the log', () => {
    const s = setup();

    it('applies batches with one getMany and one bulkWrite per collection, then the checkpoint', async () => {
      const engine = s.engine(tallies(), 10);
      const head = await s.append(...manyEvents(35), { type: 'Unrelated', data: { x: 1 } });
      engine.start();
      expect(await engine.waitForPosition(head, 5000)).toBe(true);

      expect(await storedTallies(s.store)).toEqual(expectedTallies(s.appended));
      const batches = Math.ceil(36 / 10);
      expect(s.store.count_('getMany', 'tallies')).toBe(batches);
      expect(s.store.count_('bulkWrite', 'tallies')).toBe(batches);
      expect(s.store.count_('saveCheckpoint', 'tallies')).toBe(batches);
      expect(await s.store.getCheckpoint('tallies')).toEqual({ position: head, version: 1 });
      const summary = await s.store.get<Summary>('tallySummary', 'all');
      const expected = Object.values(expectedTallies(s.appended));
      expect(summary).toMatchObject({
        keys: expected.length,
        sum: expected.reduce((sum, tally) => sum + tally.total, 0),
      });
    });

    it('commits a page that names more documents than maxBatchDocuments in several batches, each within it', async () => {
      const committed: { checkpoint: number | undefined; tallies: number }[] = [];
      const commit = s.store.commit.bind(s.store);
      jest.spyOn(s.store, 'commit').mockImplementation(async (request) => {
        const tallies = request.writes.filter((write) => write.collection === 'tallies').reduce((sum, write) => sum + (write.upserts?.length ?? 0), 0);
        committed.push({ checkpoint: request.checkpoint?.checkpoint.position, tallies });
        return commit(request);
      });
      const head = await s.append(
        counted('a', 1),
        counted('b', 1),
        counted('a', 1),
        counted('c', 1), // a, b, c: three documents
        counted('d', 1),
        counted('a', 1), // d would be the fourth: a batch of its own begins with it
        { type: 'Copied', data: { from: 'b', to: 'e' } }, // e written, b read: four again
        counted('e', 2),
        { type: 'Unrelated', data: { x: 1 } },
        counted('b', 1),
      );
      const engine = s.engine(tallies(), 10, { maxBatchDocuments: 3 });
      engine.start();
      expect(await engine.waitForPosition(head, 5000)).toBe(true);

      // Positions are 7 apart: the checkpoints after the 4th, 6th and 10th events of the page.
      expect(committed.filter((entry) => entry.checkpoint !== undefined).map((entry) => entry.checkpoint)).toEqual([28, 42, 70]);
      expect(Math.max(...committed.map((entry) => entry.tallies))).toBeLessThanOrEqual(3);
      expect(await storedTallies(s.store)).toEqual(expectedTallies(s.appended));
      expect(await s.store.getCheckpoint('tallies')).toEqual({ position: head, version: 1 });
    });

    it('stores the position reached on every document, upcasting old event shapes on the way', async () => {
      const engine = s.engine();
      engine.start();
      const first = await s.append({ type: 'Counted', data: { key: 'old', qty: 4 } });
      const last = await s.append(counted('old', 1), counted('new', 2));
      expect(await engine.waitForPosition(last, 5000)).toBe(true);
      expect(await s.store.get('tallies', 'old')).toEqual({
        _id: 'old',
        total: 5,
        count: 2,
        _position: last - 7,
      });
      expect(await s.store.get('tallies', 'new')).toEqual({
        _id: 'new',
        total: 2,
        count: 1,
        _position: last,
      });
      expect(first).toBeLessThan(last);
    });

    it('serves read-your-writes through waitForPosition, and times out honestly', async () => {
      const engine = s.engine();
      engine.start();
      const position = await s.append(counted('a', 1));
      expect(await engine.waitForPosition(position, 5000)).toBe(true);
      expect(await s.store.get<Tally>('tallies', 'a')).toMatchObject({ total: 1 });
      expect(await engine.waitForPosition(position + 1000, 30)).toBe(false);
      await expect(engine.waitForPosition(0, 10, ['nope'])).rejects.toThrow(/No projection named nope/);
    });
  });

  describe('failures', () => {
    const s = setup();

    it('applies a batch once although the checkpoint failed after its documents were written', async () => {
      s.store.failNext('saveCheckpoint', 1);
      const engine = s.engine(tallies(), 50);
      const head = await s.append(...manyEvents(30));
      engine.start();
      expect(await engine.waitForPosition(head, 5000)).toBe(true);

      // The batch ran twice; the retry skips what its documents' positions say they hold, starts a
      // document the first attempt deleted from the journal's image of it, and writes the same
      // documents again (idempotent): no event is applied twice.
      expect(s.store.count_('getMany', 'tallies')).toBe(2);
      expect(s.store.count_('bulkWrite', 'tallies')).toBe(2);
      expect(s.store.count_('saveCheckpoint', 'tallies')).toBe(2);
      expect(await storedTallies(s.store)).toEqual(expectedTallies(s.appended));
    });

    it('hands afterBatch the true before-images when it failed after the documents were written', async () => {
      const seen: DocumentChange[][] = [];
      const base = tallies();
      const spying: Projection<TallyEvent> = {
        ...base,
        afterBatch: async (changes, store, info) => {
          seen.push([...changes]);
          await base.afterBatch?.(changes, store, info);
        },
      };
      const engine = s.engine(spying, 50);
      engine.start();
      const first = await s.append(counted('a', 1));
      expect(await engine.waitForPosition(first, 5000)).toBe(true);

      s.store.failNext('bulkWrite', 1, undefined, 'tallySummary');
      const second = await s.append(counted('a', 2), counted('b', 5));
      expect(await engine.waitForPosition(second, 5000)).toBe(true);

      expect(await s.store.get('tallySummary', 'all')).toMatchObject({ keys: 2, sum: 8 });
      const retried = seen[seen.length - 1] ?? [];
      expect(
        retried.map((change) => [
          change.id,
          change.before?.['total' as never],
          change.after?.['total' as never],
        ]),
      ).toEqual([
        ['a', 1, 3],
        ['b', undefined, 5],
      ]);
      expect(await s.store.count('tallies__journal')).toBe(0);
    });

    describe("with journal: 'memory' (a read store that dies with the process)", () => {
      it('retries a batch whose checkpoint failed from the before-images, deleted documents included', async () => {
        s.store.failNext('saveCheckpoint', 1);
        const engine = s.engine(tallies(), 50, { journal: 'memory' });
        const head = await s.append(...manyEvents(30));
        engine.start();
        expect(await engine.waitForPosition(head, 5000)).toBe(true);

        expect(s.store.count_('bulkWrite', 'tallies')).toBe(2);
        expect(await storedTallies(s.store)).toEqual(expectedTallies(s.appended));
        expect(s.store.count_('bulkWrite', 'tallies__journal') + s.store.count_('find', 'tallies__journal')).toBe(0);
      });

      it('hands afterBatch the true before-images when it failed after the documents were written', async () => {
        const seen: DocumentChange[][] = [];
        const base = tallies();
        const spying: Projection<TallyEvent> = {
          ...base,
          afterBatch: async (changes, store, info) => {
            seen.push([...changes]);
            await base.afterBatch?.(changes, store, info);
          },
        };
        const engine = s.engine(spying, 50, { journal: 'memory' });
        engine.start();
        const first = await s.append(counted('a', 1));
        expect(await engine.waitForPosition(first, 5000)).toBe(true);

        s.store.failNext('bulkWrite', 1, undefined, 'tallySummary');
        const second = await s.append(counted('a', 2), counted('b', 5));
        expect(await engine.waitForPosition(second, 5000)).toBe(true);

        expect(await s.store.get('tallySummary', 'all')).toMatchObject({ keys: 2, sum: 8 });
        expect((seen[seen.length - 1] ?? []).map((change) => [change.id, change.before?.['total' as never], change.after?.['total' as never]])).toEqual([
          ['a', 1, 3],
          ['b', undefined, 5],
        ]);
        expect(s.store.count_('bulkWrite', 'tallies__journal')).toBe(0);
      });

      it('retries a failed rebuild batch from the before-images it kept', async () => {
        const head = await s.append(...manyEvents(30));
        const seen: DocumentChange[][] = [];
        const base = tallies();
        const failingOnce: Projection<TallyEvent> = {
          ...base,
          afterBatch: async (changes, store, info) => {
            seen.push([...changes]);
            // The page's documents are written by now: the retry cannot read its before-images back.
            if (seen.length === 1) throw new Error('afterBatch failed (test)');
            await base.afterBatch?.(changes, store, info);
          },
        };
        await s.engine(failingOnce, 10, { journal: 'memory', rebuildBatchSize: 50 }).rebuild('tallies');
        expect(seen[0]?.length).toBeGreaterThan(3);
        expect(seen.map((changes) => changes.map((change) => [change.id, change.before, change.after?.['total' as never]]))).toEqual([
          seen[0]?.map((change) => [change.id, null, change.after?.['total' as never]]),
          seen[0]?.map((change) => [change.id, null, change.after?.['total' as never]]),
        ]);
        expect(s.store.count_('bulkWrite', shadowCollection('tallies'))).toBe(2);
        expect(await s.store.getCheckpoint('tallies')).toEqual({ position: head, version: 1 });
        expect(await storedTallies(s.store)).toEqual(expectedTallies(s.appended));
        expect(s.store.count_('bulkWrite', 'tallies__rebuild__journal')).toBe(0);
      });
    });

    it("freezes the top level only with freezeEvolved: 'shallow', and builds the same documents", async () => {
      const frozen: boolean[] = [];
      const base = tallies();
      const spying: Projection<TallyEvent> = {
        ...base,
        evolve: (document, event, id, context) => {
          if (document !== null) frozen.push(Object.isFrozen(document));
          return base.evolve(document, event, id, context);
        },
      };
      const engine = s.engine(spying, 50, { freezeEvolved: 'shallow' });
      const head = await s.append(...manyEvents(40));
      engine.start();
      expect(await engine.waitForPosition(head, 5000)).toBe(true);
      expect(frozen.length).toBeGreaterThan(20);
      expect(frozen.every(Boolean)).toBe(true);
      expect(await storedTallies(s.store)).toEqual(expectedTallies(s.appended));
    });

    it('replays from the old checkpoint after a crash between the writes and the checkpoint', async () => {
      const crashed = s.engine(tallies(), 7);
      crashed.start();
      const settled = await s.append(...manyEvents(20));
      expect(await crashed.waitForPosition(settled, 5000)).toBe(true);

      // From now on checkpoints fail: the next batch's documents get written, its checkpoint never.
      s.store.failNext('saveCheckpoint', 1_000_000);
      const writesBefore = s.store.count_('bulkWrite', 'tallies');
      const head = await s.append(...manyEvents(6));
      await waitUntil(async () => s.store.count_('bulkWrite', 'tallies') > writesBefore);
      await crashed.stop();
      expect(await s.store.getCheckpoint('tallies')).toEqual({ position: settled, version: 1 });
      expect(await storedTallies(s.store)).not.toEqual(expectedTallies(s.appended.slice(0, 20)));

      s.store.heal();
      const restarted = s.engine(tallies(), 7);
      restarted.start();
      expect(await restarted.waitForPosition(head, 5000)).toBe(true);
      expect(await storedTallies(s.store)).toEqual(expectedTallies(s.appended));
    });

    it('backs off and retries the same batch while the read store is down, skipping nothing', async () => {
      const engine = s.engine(tallies(), 5);
      engine.start();
      const first = await s.append(counted('a', 1), counted('b', 2));
      expect(await engine.waitForPosition(first, 5000)).toBe(true);

      s.store.failNext('bulkWrite', 6);
      const head = await s.append(...manyEvents(12));
      await waitUntil(async () => (await engine.status())[0]?.state === 'retrying');
      const [failing] = await engine.status();
      expect(failing?.lastFailure?.message).toMatch(/read store down/);
      expect(failing?.lagEvents).toBeGreaterThan(0);

      expect(await engine.waitForPosition(head, 5000)).toBe(true);
      expect(await storedTallies(s.store)).toEqual(expectedTallies(s.appended));
      const [healthy] = await engine.status();
      expect(healthy).toMatchObject({
        state: 'running',
        position: head,
        headPosition: head,
        lagEvents: 0,
        lagSeconds: 0,
      });
    });

    it('keeps retrying a batch whose evolve breaks, and says why', async () => {
      const engine = s.engine(tallies({ lookupUndeclared: true }));
      engine.start();
      const position = await s.append(counted('a', 1), { type: 'Copied', data: { from: 'a', to: 'b' } });
      await waitUntil(async () => (await engine.status())[0]?.lastFailure !== null);
      const [status] = await engine.status();
      expect(status?.lastFailure?.message).toMatch(
        /looked up tallies\/a without naming it in readsDocuments/,
      );
      expect(status?.position).toBeLessThan(position);
      expect(await s.store.get('tallies', 'b')).toBeNull();
    });

    it('follows again after the event store was down', async () => {
      const engine = s.engine();
      engine.start();
      const first = await s.append(counted('a', 1));
      expect(await engine.waitForPosition(first, 5000)).toBe(true);
      s.events.unavailable = true;
      await waitUntil(async () => (await engine.status())[0]?.state === 'retrying');
      expect((await engine.status())[0]).toMatchObject({ headPosition: null, lagEvents: null });
      s.events.unavailable = false;
      const second = await s.append(counted('a', 2));
      expect(await engine.waitForPosition(second, 5000)).toBe(true);
      expect(await s.store.get<Tally>('tallies', 'a')).toMatchObject({ total: 3, count: 2 });
    });

    it('reports lag in events and seconds while behind', async () => {
      s.store.failNext('bulkWrite', 1_000_000);
      const engine = s.engine();
      await s.append(counted('a', 1), counted('b', 1), counted('c', 1));
      engine.start();
      await waitUntil(async () => (await engine.status())[0]?.state === 'retrying');
      const [status] = await engine.status();
      // Recorded at 2024-01-01T00:00:00Z, one second apart; "now" is 01:00:00.
      expect(status).toMatchObject({
        position: 0,
        headPosition: 21,
        lagEvents: 3,
        lagCountCapped: false,
        lagSeconds: 3600,
      });
    });

    it('counts the lag up to lagCountLimit without reading the events it counts', async () => {
      s.store.failNext('bulkWrite', 1_000_000);
      const engine = s.engine(tallies(), 10, { lagCountLimit: 4 });
      await s.append(...Array.from({ length: 6 }, (_, index) => counted('a', index)));
      engine.start();
      await waitUntil(async () => (await engine.status())[0]?.state === 'retrying');
      const readAll = jest.spyOn(s.events, 'readAll');

      const [status] = await engine.status();

      expect(status).toMatchObject({ position: 0, headPosition: 42, lagEvents: 4, lagCountCapped: true, lagSeconds: 3600 });
      // A projection far behind must not make every status read hold its tail in memory.
      expect(readAll).not.toHaveBeenCalled();

      // A host that measures the lag on its own view of the log has it left out here.
      const tailAfter = jest.spyOn(s.events, 'tailAfter');
      const [unmeasured] = await engine.status({ measureLag: false });
      expect(unmeasured).toMatchObject({ position: 0, state: 'retrying', headPosition: null, lagEvents: null, lagSeconds: null });
      expect(tailAfter).not.toHaveBeenCalled();
    });
  });

  describe('afterBatchReads: what afterBatch reads of a change', () => {
    const s = setup();

    /** tallies() whose afterBatch reads only `total`, recording what it was handed. */
    const readingTotals = (ignoreUnchanged: boolean) => {
      const seen: DocumentChange[][] = [];
      const base = tallies();
      const projection: Projection<TallyEvent> = {
        ...base,
        afterBatchReads: { tallies: { fields: ['total'], ignoreUnchanged } },
        afterBatch: async (changes, store, info) => {
          seen.push([...changes]);
          await base.afterBatch?.(changes, store, info);
        },
      };
      return { projection, seen };
    };
    /** Every commit's writes to the journal, and how many commits a batch took. */
    const recordCommits = () => {
      const commits: { journal: JournalWrite[]; checkpoint: boolean }[] = [];
      const commit = s.store.commit.bind(s.store);
      jest.spyOn(s.store, 'commit').mockImplementation(async (request) => {
        const journal = request.writes.filter((write) => write.collection === 'tallies__journal').flatMap((write) => (write.upserts ?? []) as JournalWrite[]);
        commits.push({ journal, checkpoint: request.checkpoint !== undefined });
        return commit(request);
      });
      return commits;
    };
    type JournalWrite = { _id: string; before: unknown; restore?: unknown };

    it('journals and hands over only the fields it reads, a deleted document whole for the retry', async () => {
      const { projection, seen } = readingTotals(false);
      const engine = s.engine(projection, 50);
      engine.start();
      const first = await s.append(counted('a', 1), counted('b', 7));
      expect(await engine.waitForPosition(first, 5000)).toBe(true);

      const commits = recordCommits();
      s.store.failNext('bulkWrite', 1, undefined, 'tallySummary');
      const second = await s.append(counted('a', 2), { type: 'Removed', data: { key: 'b' } }, counted('c', 4));
      expect(await engine.waitForPosition(second, 5000)).toBe(true);

      // Written once, by the attempt that failed after the documents: b whole, as it stood.
      expect(commits.flatMap((commit) => commit.journal)).toEqual([
        { _id: 'tallies/a', collection: 'tallies', id: 'a', before: { _id: 'a', total: 1 }, batch: first + 7 },
        { _id: 'tallies/b', collection: 'tallies', id: 'b', before: { _id: 'b', total: 7 }, restore: { _id: 'b', total: 7, count: 1, _position: first }, batch: first + 7 },
        { _id: 'tallies/c', collection: 'tallies', id: 'c', before: null, batch: first + 7 },
      ]);
      const handed = (changes: DocumentChange[] | undefined) => (changes ?? []).map((change) => [change.id, change.before, change.after]);
      expect(handed(seen[seen.length - 1])).toEqual([
        ['a', { _id: 'a', total: 1 }, { _id: 'a', total: 3 }],
        ['b', { _id: 'b', total: 7 }, null],
        ['c', null, { _id: 'c', total: 4 }],
      ]);
      // The retry handed over what the failed attempt did.
      expect(handed(seen[seen.length - 2])).toEqual(handed(seen[seen.length - 1]));
      expect(await storedTallies(s.store)).toEqual(expectedTallies(s.appended));
      expect(await s.store.get('tallySummary', 'all')).toMatchObject({ keys: 2, sum: 7 });
      expect(await s.store.count('tallies__journal')).toBe(0);
    });

    it('with ignoreUnchanged, commits a batch that leaves those fields as they were at once, without journal or afterBatch', async () => {
      const { projection, seen } = readingTotals(true);
      const engine = s.engine(projection, 50);
      engine.start();
      const first = await s.append(counted('a', 5));
      expect(await engine.waitForPosition(first, 5000)).toBe(true);
      expect(seen).toHaveLength(1);

      const commits = recordCommits();
      // Counting nothing raises a's count, not its total.
      const second = await s.append(counted('a', 0), counted('a', 0));
      expect(await engine.waitForPosition(second, 5000)).toBe(true);
      expect(seen).toHaveLength(1);
      expect(commits).toEqual([{ journal: [], checkpoint: true }]);
      expect(await s.store.get('tallies', 'a')).toMatchObject({ total: 5, count: 3 });

      // One change of the total in a batch: only that document is journaled and handed over.
      const third = await s.append(counted('a', 0), counted('b', 2));
      expect(await engine.waitForPosition(third, 5000)).toBe(true);
      expect(seen[1]?.map((change) => [change.id, change.before, change.after])).toEqual([['b', null, { _id: 'b', total: 2 }]]);
      expect(commits.slice(1).flatMap((commit) => commit.journal.map((entry) => entry._id))).toEqual(['tallies/b']);
      expect(await s.store.get('tallySummary', 'all')).toMatchObject({ keys: 2, sum: 7 });
    });
  });

  describe('afterBatchReads with no field', () => {
    const s = setup();

    it('says afterBatch never reads the collection: documents created, changed or deleted are one commit', async () => {
      const seen: DocumentChange[][] = [];
      const base = tallies();
      const projection: Projection<TallyEvent> = {
        ...base,
        afterBatchReads: { tallies: { fields: [], ignoreUnchanged: true } },
        afterBatch: async (changes) => {
          seen.push([...changes]);
        },
      };
      const commits: { journaled: number; checkpoint: boolean }[] = [];
      const commit = s.store.commit.bind(s.store);
      jest.spyOn(s.store, 'commit').mockImplementation(async (request) => {
        const journaled = request.writes.filter((write) => write.collection === 'tallies__journal').reduce((sum, write) => sum + (write.upserts?.length ?? 0), 0);
        commits.push({ journaled, checkpoint: request.checkpoint !== undefined });
        return commit(request);
      });
      const engine = s.engine(projection, 50);
      engine.start();
      const last = await s.append(counted('a', 1), counted('b', 2), counted('a', 3), { type: 'Removed', data: { key: 'b' } });
      expect(await engine.waitForPosition(last, 5000)).toBe(true);

      expect(seen).toEqual([]);
      expect(commits.length).toBeGreaterThan(0);
      expect(commits.every((request) => request.journaled === 0 && request.checkpoint)).toBe(true);
      expect(await storedTallies(s.store)).toEqual(expectedTallies(s.appended));
    });
  });

  describe('an evolve that returns the document it was given', () => {
    const s = setup();

    /** tallies() in which counting nothing leaves a tally as it was (the very same document). */
    const ignoringZero = (): Projection<TallyEvent> => {
      const base = tallies();
      return {
        ...base,
        evolve: (document, event, id, context) =>
          event.type === 'Counted' && event.data.amount === 0 && document !== null ? document : base.evolve(document, event, id, context),
      };
    };

    it('leaves the document unwritten at its position, live and in a rebuild alike', async () => {
      const engine = s.engine(ignoringZero(), 3);
      engine.start();
      const counted5 = await s.append(counted('a', 5));
      expect(await engine.waitForPosition(counted5, 5000)).toBe(true);
      const writtenTallies: string[] = [];
      const commit = s.store.commit.bind(s.store);
      jest.spyOn(s.store, 'commit').mockImplementation(async (request) => {
        for (const write of request.writes) if (write.collection === 'tallies') writtenTallies.push(...(write.upserts ?? []).map((document) => document._id));
        return commit(request);
      });
      const last = await s.append(counted('a', 0), counted('b', 2), counted('a', 0));
      expect(await engine.waitForPosition(last, 5000)).toBe(true);

      expect(await s.store.get('tallies', 'a')).toEqual({ _id: 'a', total: 5, count: 1, _position: counted5 });
      expect(await s.store.get('tallies', 'b')).toEqual({ _id: 'b', total: 2, count: 1, _position: last - 7 });
      expect(writtenTallies).toEqual(['b']);

      const live = await storedTallyDocuments(s.store);
      await engine.rebuild('tallies');
      expect(await storedTallyDocuments(s.store)).toEqual(live);
    });
  });

  describe('rebuild', () => {
    const s = setup();

    it('replays into shadow copies while the live copy serves and keeps up, then swaps them in', async () => {
      const engine = s.engine(tallies(), 5);
      engine.start();
      const before = await s.append(...manyEvents(120));
      expect(await engine.waitForPosition(before, 5000)).toBe(true);
      const liveBefore = await storedTallies(s.store);

      let reading = true;
      const emptyReads: number[] = [];
      let reads = 0;
      const reader = (async () => {
        while (reading) {
          const page = await s.store.inner.find('tallies', {
            sort: [{ field: 'total', direction: 'desc' }],
            limit: 3,
          });
          reads++;
          if (page.items.length === 0) emptyReads.push(reads);
          await new Promise((resolve) => setImmediate(resolve));
        }
      })();

      const progress: RebuildProgress[] = [];
      let appendedDuringRebuild = 0;
      const result = await engine.rebuild('tallies', {
        onProgress: (update) => {
          progress.push(update);
          // Commands keep coming while the rebuild runs.
          if (update.phase === 'replaying' && appendedDuringRebuild < 3) {
            appendedDuringRebuild++;
            void s.append(counted('during', 10));
          }
        },
      });
      reading = false;
      await reader;
      const head = await s.events.headPosition();
      expect(await engine.waitForPosition(head, 5000)).toBe(true);

      expect(emptyReads).toEqual([]);
      expect(reads).toBeGreaterThan(0);
      expect(liveBefore).toEqual(expectedTallies(s.appended.slice(0, 120)));
      expect(await storedTallies(s.store)).toEqual(expectedTallies(s.appended));
      expect(await s.store.count(shadowCollection('tallies'))).toBe(0);
      expect(await s.store.getCheckpoint('tallies__rebuild')).toBeNull();
      expect(await s.store.getCheckpoint('tallies')).toEqual({ position: head, version: 1 });
      expect(result.position).toBeLessThanOrEqual(head);

      const phases = [...new Set(progress.map((update) => update.phase))];
      expect(phases).toEqual(['replaying', 'catching-up', 'swapping', 'done']);
      const replaying = progress.filter(
        (update) => update.phase === 'replaying' && update.eventsProcessed > 0,
      );
      expect(replaying.length).toBeGreaterThan(10);
      expect(replaying.every((update) => update.eventsPerSecond > 0 && update.etaSeconds !== null)).toBe(
        true,
      );
      expect(progress[progress.length - 1]).toMatchObject({ phase: 'done', resumed: false });
    });

    it('replays through a working set: each document read once, stored once per commit with the checkpoint, afterReplay instead of afterBatch', async () => {
      const head = await s.append(...manyEvents(90));
      const live = s.engine(tallies(), 10);
      live.start();
      expect(await live.waitForPosition(head, 5000)).toBe(true);
      await live.stop();
      const liveSummary = await s.store.get('tallySummary', 'all');
      s.store.calls.length = 0;

      const projection = tallies({ afterReplay: true });
      const afterBatch = jest.spyOn(projection, 'afterBatch');
      const afterReplay = jest.spyOn(projection, 'afterReplay' as never) as unknown as jest.SpyInstance;
      const checkpoints: number[] = [];
      const commit = s.store.commit.bind(s.store);
      jest.spyOn(s.store, 'commit').mockImplementation(async (request) => {
        if (request.checkpoint?.name === 'tallies__rebuild') checkpoints.push(request.checkpoint.checkpoint.position);
        return commit(request);
      });
      const getMany = jest.spyOn(s.store, 'getMany');
      await s.engine(projection, 5, { rebuildWorkingSet: { commitEvery: 30, maxDirty: 1_000, heapShare: 1 } }).rebuild('tallies');

      // Pages of 5, a commit every 30 events: three commits, at the 30th, 60th and 90th event.
      expect(checkpoints).toEqual([(head / 90) * 30, (head / 90) * 60, head]);
      // Each document is read once while in use. c1 is copied to by the 26th and the 65th event
      // only: idle through the second interval, it is let go and read again.
      const requested = getMany.mock.calls.filter(([collection]) => collection === shadowCollection('tallies')).flatMap(([, ids]) => ids);
      expect([...requested].sort()).toEqual(['c0', 'c1', 'c1', 'c2', 'k0', 'k1', 'k2', 'k3', 'k4']);
      expect(s.store.count_('bulkWrite', shadowCollection('tallies'))).toBe(3);
      expect(afterBatch).not.toHaveBeenCalled();
      expect(afterReplay).toHaveBeenCalledTimes(1);
      expect(await storedTallies(s.store)).toEqual(expectedTallies(s.appended));
      expect(await s.store.get('tallySummary', 'all')).toEqual(liveSummary);
    });

    it('lets go of documents an interval did not use, and reads them again when the log comes back to them', async () => {
      // Keys a…j in turn, then k… in turn, then a…j again: the first ten are idle for two intervals.
      const keys = (from: number) => Array.from({ length: 10 }, (_, i) => counted(`k${from + i}`, 1));
      const head = await s.append(...keys(0), ...keys(10), ...keys(20), ...keys(0));
      await s.engine(tallies(), 10, { rebuildWorkingSet: { commitEvery: 10, maxDirty: 1_000, heapShare: 1 } }).rebuild('tallies');
      expect(s.store.count_('getMany', shadowCollection('tallies'))).toBe(4);
      expect((await storedTallies(s.store))['k0']).toEqual({ total: 2, count: 2 });
      expect(await s.store.getCheckpoint('tallies')).toEqual({ position: head, version: 1 });
    });

    it('commits every page and holds nothing across pages once the heap is past its share', async () => {
      const head = await s.append(...manyEvents(40));
      const getMany = jest.spyOn(s.store, 'getMany');
      const checkpoints: number[] = [];
      const commit = s.store.commit.bind(s.store);
      jest.spyOn(s.store, 'commit').mockImplementation(async (request) => {
        if (request.checkpoint?.name === 'eventsPerKey__rebuild') checkpoints.push(request.checkpoint.checkpoint.position);
        return commit(request);
      });
      await s.engine(eventsPerKey(), 10, { rebuildWorkingSet: { commitEvery: 1_000, maxDirty: 1_000, heapShare: 0 } }).rebuild('eventsPerKey');
      const pages = getMany.mock.calls.filter(([collection]) => collection === shadowCollection('eventsPerKey'));
      expect(pages).toHaveLength(4);
      expect(checkpoints).toEqual([1, 2, 3, 4].map((page) => (head / 4) * page));
      expect(await s.store.getCheckpoint('eventsPerKey')).toEqual({ position: head, version: 1 });
    });

    it('keeps only the indexes the projection queries through the replay, and builds the ones for reads before the swap', async () => {
      await s.append(...manyEvents(60));
      const store = s.store.inner as SqliteReadStore;
      const planOf = (collection: string, field: string) =>
        store.explainFind(collection, { sort: [{ field, direction: 'desc' }], limit: 3 }).then((steps) => steps.join(' | '));
      const duringReplay: Promise<[string, string]>[] = [];
      await s.engine(tallies({ countIndexWhileProjecting: true }), 5).rebuild('tallies', {
        onProgress: (update) => {
          if (update.phase === 'replaying' && update.eventsProcessed > 0 && duringReplay.length === 0) {
            duringReplay.push(Promise.all([planOf(shadowCollection('tallies'), 'total'), planOf(shadowCollection('tallies'), 'count')]));
          }
        },
      });
      const [total, count] = await (duringReplay[0] as Promise<[string, string]>);
      expect(total).toMatch(/TEMP B-TREE/);
      expect(count).toMatch(/USING COVERING INDEX/);
      expect(await planOf('tallies', 'total')).toMatch(/^SCAN tallies USING COVERING INDEX \w+$/);
      expect(await storedTallies(s.store)).toEqual(expectedTallies(s.appended));
    });

    it('rebuilds at start when the code version changed, serving the old copy meanwhile', async () => {
      const v1 = s.engine(tallies({ version: 1 }), 20);
      v1.start();
      const head = await s.append(...manyEvents(60));
      expect(await v1.waitForPosition(head, 5000)).toBe(true);
      await v1.stop();

      // Hold the rebuild at its swap to look at the store meanwhile.
      s.store.failNext('swap', 1_000_000);
      const v2 = s.engine(tallies({ version: 2, factor: 10 }), 20);
      v2.start();
      await waitUntil(async () => (await s.store.getCheckpoint('tallies__swap')) !== null);
      expect((await v2.status())[0]).toMatchObject({ state: 'retrying', version: 2 });
      expect(await storedTallies(s.store)).toEqual(expectedTallies(s.appended, 1));
      expect(await s.store.getCheckpoint('tallies')).toEqual({ position: head, version: 1 });

      s.store.heal();
      await waitUntil(async () => (await s.store.getCheckpoint('tallies'))?.version === 2);
      expect(await storedTallies(s.store)).toEqual(expectedTallies(s.appended, 10));
      const next = await s.append(counted('k1', 1));
      expect(await v2.waitForPosition(next, 5000)).toBe(true);
      expect(await storedTallies(s.store)).toEqual(expectedTallies(s.appended, 10));
      expect((await v2.status())[0]).toMatchObject({ state: 'running', version: 2 });
    });

    it('builds a read model the store does not have yet by a rebuild when the log is long, then follows the log', async () => {
      const head = await s.append(...manyEvents(60));
      // Held at its swap: a rebuild writes nothing to the live collections before it.
      s.store.failNext('swap', 1_000_000);
      const engine = s.engine(tallies(), 10, { firstBuildByRebuildFrom: 60 });
      engine.start();
      await waitUntil(async () => (await s.store.getCheckpoint('tallies__swap')) !== null);
      expect(await s.store.count('tallies')).toBe(0);
      expect(s.store.count_('bulkWrite', 'tallies')).toBe(0);
      expect(await s.store.getCheckpoint('tallies')).toBeNull();

      s.store.heal();
      expect(await engine.waitForPosition(head, 5000)).toBe(true);
      expect(await storedTallies(s.store)).toEqual(expectedTallies(s.appended));
      expect(await s.store.getCheckpoint('tallies')).toEqual({ position: head, version: 1 });
      const next = await s.append(counted('k2', 5));
      expect(await engine.waitForPosition(next, 5000)).toBe(true);
      expect(await storedTallies(s.store)).toEqual(expectedTallies(s.appended));
      expect((await engine.status())[0]).toMatchObject({ state: 'running', rebuild: null });
    });

    it('counts the log once for every projection without a read model', async () => {
      const head = await s.append(...manyEvents(60));
      const reads = jest.spyOn(s.events, 'readAll');
      const engine = s.engine(tallies(), 10, { projections: [tallies(), eventsPerKey()], firstBuildByRebuildFrom: 60 });
      engine.start();
      expect(await engine.waitForPosition(head, 5000)).toBe(true);
      expect(reads.mock.calls.filter(([options]) => options?.fromPosition === 0 && options.maxCount === 60)).toHaveLength(1);
      expect(await storedTallies(s.store)).toEqual(expectedTallies(s.appended));
    });

    it('follows a shorter log from its first event, with no rebuild and no swap', async () => {
      const head = await s.append(...manyEvents(59));
      s.store.failNext('swap', 1_000_000);
      const engine = s.engine(tallies(), 10, { firstBuildByRebuildFrom: 60 });
      engine.start();
      expect(await engine.waitForPosition(head, 5000)).toBe(true);
      expect(s.store.count_('swap')).toBe(0);
      expect(await storedTallies(s.store)).toEqual(expectedTallies(s.appended));
    });

    it('resumes a first build cut short and waits for it instead of following the log meanwhile', async () => {
      const head = await s.append(...manyEvents(80));
      await rebuildStoppedAtPage(s.engine(tallies(), 10), 3);
      expect(await s.store.getCheckpoint('tallies')).toBeNull();

      // The log is far below the default threshold: only the unfinished build sends it this way.
      s.store.failNext('swap', 1_000_000);
      const second = s.engine(tallies(), 10);
      second.start();
      await waitUntil(async () => (await s.store.getCheckpoint('tallies__swap')) !== null);
      expect(await s.store.count('tallies')).toBe(0);
      expect(s.store.count_('bulkWrite', 'tallies')).toBe(0);

      s.store.heal();
      expect(await second.waitForPosition(head, 5000)).toBe(true);
      expect(await storedTallies(s.store)).toEqual(expectedTallies(s.appended));
    });

    it('reads the log in pages of rebuildBatchSize: 5,000 by default, batchSize when only that is given', async () => {
      await s.append(...manyEvents(120));
      const pagesOf = async (options: Partial<ProjectionEngineOptions<TallyEvent>>): Promise<number[]> => {
        const processed: number[] = [];
        await s.engine(tallies(), 5, options).rebuild('tallies', {
          onProgress: (update) => update.phase === 'replaying' && update.eventsProcessed > 0 && processed.push(update.eventsProcessed),
        });
        return processed;
      };
      expect(await pagesOf({ batchSize: undefined, rebuildBatchSize: undefined })).toEqual([120]);
      expect(await pagesOf({ batchSize: 30, rebuildBatchSize: undefined })).toEqual([30, 60, 90, 120]);
      expect(await pagesOf({ rebuildBatchSize: 40 })).toEqual([40, 80, 120]);
      expect(await storedTallies(s.store)).toEqual(expectedTallies(s.appended));
      expect(() => s.engine(tallies(), 5, { rebuildBatchSize: 0 })).toThrow(/rebuildBatchSize must be a positive integer/);
    });

    it('resumes an interrupted rebuild from its own checkpoint', async () => {
      const head = await s.append(...manyEvents(80));
      await rebuildStoppedAtPage(s.engine(tallies(), 10), 3);
      const saved = await s.store.getCheckpoint('tallies__rebuild');
      expect(saved?.position).toBeGreaterThan(0);
      expect(saved?.position).toBeLessThan(head);

      const second = s.engine(tallies(), 10);
      const progress: RebuildProgress[] = [];
      const result = await second.rebuild('tallies', { onProgress: (update) => progress.push(update) });
      expect(progress[0]).toMatchObject({ resumed: true, position: saved?.position });
      expect(result.eventsProcessed).toBe(80 - (saved?.position ?? 0) / 7);
      expect(await storedTallies(s.store)).toEqual(expectedTallies(s.appended));
      expect(await s.store.getCheckpoint('tallies')).toEqual({ position: head, version: 1 });
    });

    it('finishes at start a swap that a crash interrupted', async () => {
      const head = await s.append(...manyEvents(30));
      const crashed = s.engine(tallies(), 10);
      // The second collection's swap fails "for ever": the process dies inside the swap.
      s.store.failNext('swap', 1_000_000);
      const rebuilding = crashed.rebuild('tallies');
      await waitUntil(async () => (await s.store.getCheckpoint('tallies__swap')) !== null);
      await crashed.stop();
      await expect(rebuilding).rejects.toThrow(/interrupted/);
      expect(await s.store.getCheckpoint('tallies')).toBeNull();

      s.store.heal();
      const restarted = s.engine(tallies(), 10);
      restarted.start();
      expect(await restarted.waitForPosition(head, 5000)).toBe(true);
      expect(await s.store.getCheckpoint('tallies__swap')).toBeNull();
      expect(await storedTallies(s.store)).toEqual(expectedTallies(s.appended));
    });

    it('rebuilds several projections in one pass over the log, each from its own checkpoint', async () => {
      const head = await s.append(...manyEvents(90));
      const projections = [tallies(), eventsPerKey()];
      // The second one had got a third of the way before an earlier run stopped.
      // Working sets committed every other page, so that the interrupted run leaves a checkpoint.
      const rebuildWorkingSet = { commitEvery: 20, maxDirty: 1_000, heapShare: 1 };
      const interrupted = s.engine(tallies(), 10, { projections, rebuildWorkingSet });
      let pages = 0;
      await expect(
        interrupted.rebuild('eventsPerKey', { onProgress: (update) => update.phase === 'replaying' && ++pages === 3 && void interrupted.stop() }),
      ).rejects.toThrow(/interrupted/);
      const resumedFrom = (await s.store.getCheckpoint('eventsPerKey__rebuild'))?.position ?? 0;
      expect(resumedFrom).toBeGreaterThan(0);

      const reads = jest.spyOn(s.events, 'readAll');
      const progress: RebuildProgress[] = [];
      const results = await s.engine(tallies(), 10, { projections, rebuildWorkingSet }).rebuildTogether(['tallies', 'eventsPerKey'], { onProgress: (update) => progress.push(update) });
      // Each page of the log read once, then the empty page that ends the replay, then each
      // projection's own catch-up under its lock (nothing more to read): not one pass per projection.
      expect(reads.mock.calls.filter(([options]) => options?.maxCount === 10)).toHaveLength(Math.ceil(90 / 10) + 1 + 2);
      reads.mockRestore();

      expect(results.map((result) => [result.projection, result.position, result.eventsProcessed])).toEqual([
        ['tallies', head, 90],
        ['eventsPerKey', head, 90 - resumedFrom / 7],
      ]);
      expect(progress.find((update) => update.projection === 'eventsPerKey')).toMatchObject({ resumed: true, position: resumedFrom });
      expect(await storedTallies(s.store)).toEqual(expectedTallies(s.appended));
      const perKey = await s.store.find<ProjectedDocument & { events: number }>('eventsPerKey', { sort: [{ field: '_id', direction: 'asc' }] });
      const expected = new Map<string, number>();
      for (const event of s.appended) {
        const key = String(event.type === 'Copied' ? event.data['to'] : event.data['key']);
        expected.set(key, (expected.get(key) ?? 0) + 1);
      }
      expect(perKey.items.map((document) => [document._id, document.events])).toEqual([...expected].sort(([a], [b]) => (a < b ? -1 : 1)));
      for (const name of ['tallies', 'eventsPerKey']) expect(await s.store.getCheckpoint(name)).toEqual({ position: head, version: 1 });
    });

    it('reads only the event types its projections handle and the metadata decoding reads, and goes live at the head past the others', async () => {
      const unrelated = (n: number) => Array.from({ length: n }, (_, index) => ({ type: 'Unrelated', data: { index } }));
      await s.append(...unrelated(25), ...manyEvents(40), ...unrelated(15), ...manyEvents(20));
      // The log ends with events no projection handles.
      const head = await s.append(...unrelated(30));
      const reads = jest.spyOn(s.events, 'readAll');
      const engine = s.engine(tallies(), 10, { projections: [eventsPerKey()], decodeMetadataKeys: ['schemaVersion'] });
      const result = await engine.rebuild('eventsPerKey');
      const replayReads = reads.mock.calls.map(([options]) => options ?? {}).filter((options) => options.maxCount === 10);
      reads.mockRestore();

      // Pages of its types only: 60 events in six full pages and an empty one, nothing else read.
      expect(replayReads.filter((options) => options.eventTypes !== undefined)).toHaveLength(7);
      expect(replayReads.every((options) => options.eventTypes === undefined || options.eventTypes.join() === 'Copied,Counted,Removed')).toBe(true);
      expect(replayReads.filter((options) => options.eventTypes !== undefined).every((options) => options.metadataKeys?.join() === 'schemaVersion')).toBe(true);
      expect(result).toMatchObject({ position: head, eventsProcessed: 60 });
      expect(await s.store.getCheckpoint('eventsPerKey')).toEqual({ position: head, version: 1 });
      const perKey = await s.store.find<ProjectedDocument & { events: number }>('eventsPerKey', { sort: [{ field: '_id', direction: 'asc' }] });
      const expected = new Map<string, number>();
      for (const event of s.appended.filter((appended) => appended.type !== 'Unrelated')) {
        const key = String(event.type === 'Copied' ? event.data['to'] : event.data['key']);
        expected.set(key, (expected.get(key) ?? 0) + 1);
      }
      expect(perKey.items.map((document) => [document._id, document.events])).toEqual([...expected].sort(([a], [b]) => (a < b ? -1 : 1)));
    });

    it('refuses a second rebuild of the same projection while one runs, and unknown names', async () => {
      await s.append(...manyEvents(30));
      const engine = s.engine(tallies(), 5);
      const first = engine.rebuild('tallies');
      await expect(engine.rebuild('tallies')).rejects.toThrow(/already running/);
      await expect(engine.rebuild('nope')).rejects.toThrow(/No projection named nope/);
      await first;
    });
  });
});

/** A second projection over the same events: how many events named each key. */
function eventsPerKey(): Projection<TallyEvent> {
  return {
    name: 'eventsPerKey',
    eventTypes: ['Counted', 'Removed', 'Copied'],
    documentIds: (event) => [event.type === 'Copied' ? event.data.to : event.data.key],
    evolve: (document, _event, id) => ({ _id: id, events: ((document as { events?: number } | null)?.events ?? 0) + 1 }),
  };
}

/** Starts a rebuild of the tallies and stops its engine during the given page, as a crash would. */
async function rebuildStoppedAtPage(engine: ProjectionEngine<TallyEvent>, page: number): Promise<void> {
  let pages = 0;
  await expect(
    engine.rebuild('tallies', {
      onProgress: (update) => {
        if (update.phase === 'replaying' && ++pages === page) void engine.stop();
      },
    }),
  ).rejects.toThrow(/interrupted/);
}

async function waitUntil(condition: () => Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

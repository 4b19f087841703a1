import { verifyChain } from '@qms/audit';
import { type Actor, type Decider, IllegalStateError, NotFoundError } from '@qms/domain-kernel';
import { type AppendResult, type EventStore, type EventToAppend, type ExpectedRevision, type ReadStreamOptions, SqliteEventStore, WrongExpectedVersionError } from '@qms/event-store';
import { type CommandMetadata, CommandExecutor, type ExecuteOptions } from './command-executor';
import { IdempotencyRecords } from './idempotency-records';
import type { EventCodec } from './event-codec.port';

/** A small list aggregate: enough rules to refuse, no-op, emit one or two events, and be noted by others. */
interface ListState {
  readonly created: boolean;
  readonly items: readonly string[];
  readonly closed: boolean;
  readonly notes: number;
}
type ListCommand =
  | { type: 'Create' }
  | { type: 'Add'; item: string }
  | { type: 'AddPair'; first: string; second: string }
  | { type: 'Close' }
  | { type: 'Reopen' }
  | { type: 'Note' };
type ListEvent =
  | { type: 'Created'; data: Record<string, never> }
  | { type: 'Added'; data: { item: string } }
  | { type: 'Closed'; data: Record<string, never> }
  | { type: 'Reopened'; data: Record<string, never> }
  | { type: 'Noted'; data: { count: number } };

const initialState = (): ListState => ({ created: false, items: [], closed: false, notes: 0 });

function evolve(state: ListState, event: ListEvent): ListState {
  switch (event.type) {
    case 'Created':
      return { ...state, created: true };
    case 'Added':
      return { ...state, items: [...state.items, event.data.item] };
    case 'Closed':
      return { ...state, closed: true };
    case 'Reopened':
      return { ...state, closed: false };
    case 'Noted':
      return { ...state, notes: state.notes + event.data.count };
  }
}

function decide(command: ListCommand, state: ListState): ListEvent[] {
  if (command.type === 'Create') {
    if (state.created) throw new IllegalStateError('already created');
    return [{ type: 'Created', data: {} }];
  }
  if (!state.created) throw new NotFoundError('no such list');
  switch (command.type) {
    case 'Add':
      if (state.closed) throw new IllegalStateError('closed');
      return state.items.includes(command.item) ? [] : [{ type: 'Added', data: { item: command.item } }];
    case 'AddPair':
      if (state.closed) throw new IllegalStateError('closed');
      return [command.first, command.second]
        .filter((item, index, pair) => !state.items.includes(item) && pair.indexOf(item) === index)
        .map((item) => ({ type: 'Added', data: { item } }));
    case 'Close':
      return state.closed ? [] : [{ type: 'Closed', data: {} }];
    case 'Reopen':
      if (!state.closed) throw new IllegalStateError('open');
      return [{ type: 'Reopened', data: {} }];
    case 'Note':
      return [{ type: 'Noted', data: { count: state.notes + 1 } }];
  }
}

const decider: Decider<ListCommand, ListEvent, ListState> = { initialState, evolve, decide: (command, state) => decide(command, state) };
const codec: EventCodec = { decode: (recorded) => ({ type: recorded.type, data: recorded.data }), schemaVersion: () => 1 };
const clock = () => new Date('2025-05-01T08:00:00Z');
const actors: Actor[] = [
  { userId: 'anna', role: 'quality' },
  { userId: 'bert', role: 'quality' },
];

/**
 * Another writer that slips appends in right before the executor appends: after whatever it read
 * or held, the widest window a command has.
 */
class InterferingStore {
  private pending = new Map<string, number>();
  readonly store: EventStore;

  constructor(
    private readonly inner: EventStore,
    private readonly other: CommandExecutor,
  ) {
    this.store = new Proxy(inner, {
      get: (target, property, receiver) =>
        property === 'appendToStream' ? this.appendToStream.bind(this) : Reflect.get(target, property, receiver),
    });
  }

  interfere(streamId: string, times: number): void {
    this.pending.set(streamId, times);
  }

  private async appendToStream(streamId: string, events: readonly EventToAppend[], options?: { readonly expectedRevision?: ExpectedRevision }): Promise<AppendResult> {
    const times = this.pending.get(streamId) ?? 0;
    if (times > 0) {
      this.pending.set(streamId, times - 1);
      const bert = metadataFor(actors[1]!);
      await this.other.execute(decider, streamId, { type: 'Note' }, bert).catch(() => this.other.execute(decider, streamId, { type: 'Create' }, bert));
    }
    return this.inner.appendToStream(streamId, events, options);
  }
}

function metadataFor(actor: Actor, extra: Partial<CommandMetadata> = {}): CommandMetadata {
  return { actor, correlationId: 'c', causationId: 'c', ...extra };
}

/** Mulberry32: a seeded sequence, so a failure replays. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Step =
  | { kind: 'command'; streamId: string; command: ListCommand; metadata: CommandMetadata; options: ExecuteOptions; interference: number }
  | { kind: 'foreign'; streamId: string };

function randomSteps(seed: number, count: number): Step[] {
  const next = random(seed);
  const pick = <T>(values: readonly T[]): T => values[Math.floor(next() * values.length)]!;
  const items = ['a', 'b', 'c', 'd', 'e', 'f', 'g'];
  const steps: Step[] = [];
  // Revisions the twins are at, so that If-Match is sometimes right and sometimes stale.
  for (let index = 0; index < count; index++) {
    const streamId = pick(['list-1', 'list-2', 'list-3', 'list-4', 'list-5']);
    if (next() < 0.1) {
      steps.push({ kind: 'foreign', streamId });
      continue;
    }
    const command = pick<ListCommand>([
      { type: 'Create' },
      { type: 'Create' },
      { type: 'Add', item: pick(items) },
      { type: 'Add', item: pick(items) },
      { type: 'Add', item: pick(items) },
      { type: 'AddPair', first: pick(items), second: pick(items) },
      { type: 'Close' },
      { type: 'Reopen' },
    ]);
    const keyed = next() < 0.35;
    const ifMatch = next() < 0.1;
    steps.push({
      kind: 'command',
      streamId,
      command,
      metadata: metadataFor(pick(actors), {
        ...(keyed ? { idempotencyKey: pick(['k1', 'k2', 'k3', 'k4']) } : {}),
        ...(ifMatch ? { expectedRevision: Math.floor(next() * 8) - 1 } : {}),
      }),
      options: command.type === 'Create' && next() < 0.5 ? { mustBeNew: true } : {},
      interference: next() < 0.2 ? 1 + Math.floor(next() * 5) : 0,
    });
  }
  return steps;
}

/** One store with an executor under test, an interfering writer and a plain foreign writer. */
function world(cachedStreams: number) {
  const inner = SqliteEventStore.inMemory();
  const foreign = new CommandExecutor(inner, codec, clock, { cachedStreams: 0 });
  const interfering = new InterferingStore(inner, foreign);
  const executor = new CommandExecutor(interfering.store, codec, clock, { cachedStreams });
  return { inner, foreign, interfering, executor };
}

async function run(subject: ReturnType<typeof world>, step: Step): Promise<unknown> {
  if (step.kind === 'foreign') {
    return subject.foreign.execute(decider, step.streamId, { type: 'Note' }, metadataFor(actors[1]!)).then(
      (result) => ({ foreign: result.revision }),
      (error: Error) => ({ foreignError: error.message }),
    );
  }
  subject.interfering.interfere(step.streamId, step.interference);
  try {
    const result = await subject.executor.execute(decider, step.streamId, step.command, step.metadata, step.options);
    const stored = await subject.inner.readStream(step.streamId);
    const revisionOf = new Map(stored.map((event) => [event.id, event.revision]));
    return {
      revision: result.revision,
      position: result.position,
      replayed: result.replayed,
      appended: result.appendedEventIds.map((id) => revisionOf.get(id)),
      state: result.state,
    };
  } catch (error) {
    return { error: (error as Error).constructor.name, message: (error as Error).message };
  } finally {
    subject.interfering.interfere(step.streamId, 0);
  }
}

describe('CommandExecutor with cached stream state', () => {
  it.each([
    [1, 1_000],
    [2, 1_000],
    [3, 2],
    [4, 1],
  ])('decides exactly like a full read and fold (seed %i, %i cached streams)', async (seed, cachedStreams) => {
    const cached = world(cachedStreams);
    const uncached = world(0);
    const outcomes = { cached: [] as unknown[], uncached: [] as unknown[] };
    for (const step of randomSteps(seed, 400)) {
      outcomes.cached.push(await run(cached, step));
      outcomes.uncached.push(await run(uncached, step));
      if (step.kind === 'command') {
        // The state a command reports is the full fold of the store afterwards (unless another
        // writer slipped in after a read that then appended nothing: that answer is as of the read).
        const last = outcomes.cached.at(-1) as { state?: unknown; appended?: unknown[]; replayed?: boolean };
        if (last.state !== undefined && (step.interference === 0 || (last.appended?.length && !last.replayed))) {
          expect(last.state).toEqual((await cached.executor.load(decider, step.streamId)).state);
        }
      }
    }
    expect(outcomes.cached).toEqual(outcomes.uncached);
    // The runs really met every path the cache has to get right.
    const kinds = outcomes.cached.map((outcome) => {
      const value = outcome as { error?: string; replayed?: boolean; foreign?: number; appended?: unknown[] };
      if (value.error !== undefined) return value.error;
      if (value.foreign !== undefined) return 'foreign';
      if (value.replayed) return 'replayed';
      return value.appended?.length ? 'appended' : 'no-op';
    });
    for (const kind of ['WrongExpectedVersionError', 'ConcurrencyError', 'ValidationError', 'IllegalStateError', 'foreign', 'replayed', 'appended', 'no-op']) {
      expect(kinds).toContain(kind);
    }
    for (const streamId of ['list-1', 'list-2', 'list-3', 'list-4', 'list-5']) {
      const stored = await cached.inner.readStream(streamId);
      expect(verifyChain(streamId, stored).ok).toBe(true);
      expect(stored.map((event) => [event.type, event.data, event.revision])).toEqual(
        (await uncached.inner.readStream(streamId)).map((event) => [event.type, event.data, event.revision]),
      );
    }
    await Promise.all([cached.inner.close(), uncached.inner.close()]);
  });

  it("decides on the revision it holds without reading, and after another writer's append reads only the events after it", async () => {
    const store = SqliteEventStore.inMemory();
    const reads: (number | undefined)[] = [];
    const spied = new Proxy(store, {
      get: (target, property, receiver) =>
        property === 'readStream'
          ? (streamId: string, options?: ReadStreamOptions) => {
              reads.push(options?.fromRevision);
              return target.readStream(streamId, options);
            }
          : Reflect.get(target, property, receiver),
    });
    const executor = new CommandExecutor(spied, codec, clock);
    const other = new CommandExecutor(store, codec, clock, { cachedStreams: 0 });
    const anna = metadataFor(actors[0]!);
    await executor.execute(decider, 'list-1', { type: 'Create' }, anna, { mustBeNew: true });
    await executor.execute(decider, 'list-1', { type: 'Add', item: 'a' }, anna);
    await other.execute(decider, 'list-1', { type: 'Add', item: 'b' }, anna);
    const result = await executor.execute(decider, 'list-1', { type: 'Add', item: 'c' }, anna);
    // The registration reads the empty stream; 'a' is decided on the view it left; 'c' on the same
    // view is refused by the store ('b' came first) and decided again on the events after it.
    expect(reads).toEqual([undefined, 2]);
    expect(result.state.items).toEqual(['a', 'b', 'c']);
    expect(result.revision).toBe(3);
    expect(verifyChain('list-1', await store.readStream('list-1')).ok).toBe(true);
    await store.close();
  });

  it("decides again on the stream's events when its cached view refuses a command another writer made possible", async () => {
    const store = SqliteEventStore.inMemory();
    const executor = new CommandExecutor(store, codec, clock);
    const other = new CommandExecutor(store, codec, clock, { cachedStreams: 0 });
    const anna = metadataFor(actors[0]!);
    await executor.execute(decider, 'list-1', { type: 'Create' }, anna, { mustBeNew: true });
    await other.execute(decider, 'list-1', { type: 'Close' }, anna);
    // The cached view has the list open, where a reopen is refused; the stream has it closed.
    const result = await executor.execute(decider, 'list-1', { type: 'Reopen' }, anna);
    expect(result.appendedEventIds).toHaveLength(1);
    expect(result.state.closed).toBe(false);
    expect(result.revision).toBe(2);
    await store.close();
  });

  it('answers a retried request from a key used before the last cached revision', async () => {
    const store = SqliteEventStore.inMemory();
    const executor = new CommandExecutor(store, codec, clock);
    const anna = metadataFor(actors[0]!);
    await executor.execute(decider, 'list-1', { type: 'Create' }, anna);
    const first = await executor.execute(decider, 'list-1', { type: 'AddPair', first: 'a', second: 'b' }, { ...anna, idempotencyKey: 'k' });
    for (const item of ['c', 'd', 'e']) await executor.execute(decider, 'list-1', { type: 'Add', item }, { ...anna, idempotencyKey: `k-${item}` });
    const retried = await executor.execute(decider, 'list-1', { type: 'AddPair', first: 'a', second: 'b' }, { ...anna, idempotencyKey: 'k' });
    expect(retried).toMatchObject({ replayed: true, revision: first.revision, position: first.position, appendedEventIds: first.appendedEventIds });
    await expect(executor.execute(decider, 'list-1', { type: 'Close' }, { ...anna, idempotencyKey: 'k' })).rejects.toThrow('Idempotency-Key');
    await store.close();
  });

  it('refuses a stream that must be new but exists as taken, before deciding', async () => {
    const store = SqliteEventStore.inMemory();
    const executor = new CommandExecutor(store, codec, clock);
    const anna = metadataFor(actors[0]!);
    await executor.execute(decider, 'list-1', { type: 'Create' }, anna, { mustBeNew: true });
    // Without the check the decider would answer "already created" and a caller could not move on.
    await expect(executor.execute(decider, 'list-1', { type: 'Create' }, anna, { mustBeNew: true })).rejects.toBeInstanceOf(
      WrongExpectedVersionError,
    );
    await store.close();
  });
});

describe('CommandExecutor event ids', () => {
  const uuidV7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

  it('are UUIDv7, increasing in the order the events are appended', async () => {
    const store = SqliteEventStore.inMemory();
    const executor = new CommandExecutor(store, codec, clock);
    const anna = metadataFor(actors[0]!);
    await executor.execute(decider, 'list-ids', { type: 'Create' }, anna);
    await executor.execute(decider, 'list-ids', { type: 'AddPair', first: 'a', second: 'b' }, anna);
    await executor.execute(decider, 'list-other', { type: 'Create' }, anna);

    const ids = (await store.readAll()).map((event) => event.id);
    expect(ids).toHaveLength(4);
    for (const id of ids) expect(id).toMatch(uuidV7);
    expect([...ids].sort()).toEqual(ids);
    await store.close();
  });

  it("are UUIDv7 on an Idempotency-Key's claim too", () => {
    const claim = new IdempotencyRecords(SqliteEventStore.inMemory()).claim(actors[0]!, 'k-1', 'list-ids', 'hash', 'no_stream');
    expect(claim.events[0]?.id).toMatch(uuidV7);
  });
});

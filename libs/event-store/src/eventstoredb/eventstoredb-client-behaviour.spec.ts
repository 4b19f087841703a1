import { EventEmitter } from 'node:events';
import { randomUUID } from 'node:crypto';
import {
  type AllStreamResolvedEvent,
  type AppendResult as ClientAppendResult,
  EventStoreDBClient,
  type Position,
  WrongExpectedVersionError as ClientWrongExpectedVersionError,
} from '@eventstore/db-client';
import { StoreUnavailableError } from '@qms/domain-kernel';
import { AppendInterruptedError, WriteNotStoredError, WrongExpectedVersionError } from '../errors';
import type { RecordedEvent, StreamWrite } from '../event-store.port';
import { EventStoreDbEventStore } from './eventstoredb-event-store';
import { NO_POSITION } from './eventstoredb-mapping';
import { EventStoreDbAllSubscription } from './eventstoredb-subscription';

/*
 * The adapter against the client's documented behaviour, with the client's methods replaced:
 * what can be checked without a server (the contract suite covers the server itself).
 */

const URL = 'esdb://localhost:2113?tls=false';
const event = () => ({ id: randomUUID(), type: 'Happened', data: {}, metadata: {} });
const write = (streamId: string, extra: Partial<StreamWrite> = {}): StreamWrite => ({ streamId, events: [event()], expectedRevision: 'no_stream', ...extra });
const appended = (commit: bigint | undefined, revision = 0n): ClientAppendResult => ({
  success: true,
  nextExpectedRevision: revision,
  ...(commit === undefined ? {} : { position: { commit, prepare: commit } }),
});
const refusal = () => Object.assign(Object.create(ClientWrongExpectedVersionError.prototype) as ClientWrongExpectedVersionError, { actualVersion: 0n });
const connectionLost = () => Object.assign(new Error('14 UNAVAILABLE: Connection dropped'), { code: 14 });

describe('EventStoreDbEventStore appends (client methods replaced)', () => {
  let store: EventStoreDbEventStore;
  let append: jest.SpyInstance;
  let inFlight = 0;
  let mostInFlight = 0;
  let calls: string[] = [];

  /** Answers each append after a turn of the event loop, so concurrent appends would overlap. */
  function answer(decide: (streamId: string) => ClientAppendResult | Error) {
    append.mockImplementation(async (streamId: string) => {
      calls.push(streamId);
      inFlight += 1;
      mostInFlight = Math.max(mostInFlight, inFlight);
      await new Promise((resolve) => setImmediate(resolve));
      inFlight -= 1;
      const outcome = decide(streamId);
      if (outcome instanceof Error) throw outcome;
      return outcome;
    });
  }

  beforeEach(() => {
    store = EventStoreDbEventStore.connect(URL);
    append = jest.spyOn(EventStoreDBClient.prototype, 'appendToStream');
    calls = [];
    inFlight = 0;
    mostInFlight = 0;
  });
  afterEach(async () => {
    jest.restoreAllMocks();
    await store.close();
  });

  it('appends a batch one write after the other, in order', async () => {
    let position = 100n;
    answer(() => appended((position += 10n)));
    const outcomes = await store.appendToStreams(['a', 'b', 'c', 'd'].map((streamId) => write(streamId)));
    expect(calls).toEqual(['a', 'b', 'c', 'd']);
    expect(mostInFlight).toBe(1);
    expect(outcomes.map((outcome) => (outcome.ok ? outcome.result.position : undefined))).toEqual([110, 120, 130, 140]);
  });

  it('stops at the first failure and reports which writes were stored', async () => {
    answer((streamId) => (streamId === 'c' ? connectionLost() : appended(200n)));
    const error = await store.appendToStreams(['a', 'b', 'c', 'd', 'e'].map((streamId) => write(streamId))).catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(AppendInterruptedError);
    expect(error).toBeInstanceOf(StoreUnavailableError);
    const interrupted = error as AppendInterruptedError;
    expect(interrupted.failedStreamId).toBe('c');
    expect(interrupted.outcomes.map((outcome) => outcome.ok)).toEqual([true, true]);
    expect(calls).toEqual(['a', 'b', 'c']);
  });

  it('with stopAtRefusal, attempts nothing after a refused write', async () => {
    answer((streamId) => (streamId === 'b' ? refusal() : appended(300n)));
    const outcomes = await store.appendToStreams(['a', 'b', 'c'].map((streamId) => write(streamId)), { stopAtRefusal: true });
    expect(calls).toEqual(['a', 'b']);
    expect(outcomes[0]?.ok).toBe(true);
    expect(outcomes[1]?.ok === false && outcomes[1].error).toBeInstanceOf(WrongExpectedVersionError);
    expect(outcomes[2]?.ok === false && outcomes[2].error).toBeInstanceOf(WriteNotStoredError);
  });

  it('without it, a refused unit skips only its own later writes', async () => {
    answer((streamId) => (streamId === 'claim-1' ? refusal() : appended(400n)));
    const outcomes = await store.appendToStreams([
      write('claim-1'),
      write('record-1', { withPrevious: true }),
      write('claim-2'),
      write('record-2', { withPrevious: true }),
    ]);
    expect(calls).toEqual(['claim-1', 'claim-2', 'record-2']);
    expect(outcomes.map((outcome) => outcome.ok)).toEqual([false, false, true, true]);
    expect(outcomes[1]?.ok === false && outcomes[1].error).toBeInstanceOf(WriteNotStoredError);
  });

  it("takes the append's position from the append result, without reading the event back", async () => {
    answer(() => appended(5_000n, 2n));
    const read = jest.spyOn(EventStoreDBClient.prototype, 'readStream');
    const result = await store.appendToStream('s', [event(), event(), event()], { expectedRevision: 'no_stream' });
    expect(result).toEqual({ nextExpectedRevision: 2, position: 5_000 });
    expect(read).not.toHaveBeenCalled();
  });

  it.each([
    ['the no-position sentinel of servers before 22.6', NO_POSITION],
    ['no position at all', undefined],
  ])('refuses %s with one line asking for 22.6 or later', async (_, commit) => {
    answer(() => appended(commit));
    const error = await store.appendToStream('s', [event()]).catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(StoreUnavailableError);
    expect((error as Error).message).toMatch(/^EventStoreDB returned the append to s without its log position .*EventStoreDB 22\.6 or later\.$/);
    expect((error as Error).message).not.toContain('\n');
  });
});

/** The client's catch-up subscription as the adapter sees it: a stream of events plus signals. */
class FakeSource extends EventEmitter {
  readableLength = 0;
  readonly pause = jest.fn();
  readonly resume = jest.fn();
  readonly unsubscribe = jest.fn(async () => undefined);
  constructor(readonly options: { fromPosition: unknown; filter: { checkpointReached: (subscription: unknown, position: Position) => void } }) {
    super();
  }
  send(commit: bigint): void {
    this.emit('data', resolved(commit));
  }
}

function resolved(commit: bigint): AllStreamResolvedEvent {
  return {
    event: {
      id: randomUUID(),
      streamId: 'complaint-CC-2026-0001',
      type: 'ComplaintRegistered',
      revision: 0n,
      created: new Date('2026-03-06T09:00:00Z'),
      data: {},
      metadata: {},
      isJson: true,
      position: { commit, prepare: commit },
    },
  } as unknown as AllStreamResolvedEvent;
}

describe('EventStoreDbAllSubscription (client replaced)', () => {
  let sources: FakeSource[];
  const client = {
    subscribeToAll: (options: FakeSource['options']) => {
      const source = new FakeSource(options);
      sources.push(source);
      return source;
    },
  } as unknown as EventStoreDBClient;
  const subscribe = (fromPosition = 0) =>
    new EventStoreDbAllSubscription(client, fromPosition, 100, (error) => (error instanceof StoreUnavailableError ? error : new StoreUnavailableError(String(error))), () => undefined, {
      retryDelayMs: 1,
      maxRetries: 3,
    });
  const positions = (batch: readonly RecordedEvent[] | undefined) => batch?.map((recorded) => recorded.position);

  beforeEach(() => {
    sources = [];
  });

  it("says it caught up from the server's signal, not from a short batch", async () => {
    const subscription = subscribe();
    const iterator = subscription[Symbol.asyncIterator]();
    const first = iterator.next();
    sources[0]!.emit('confirmation');
    sources[0]!.send(10n);
    sources[0]!.send(20n);
    expect(positions((await first).value as RecordedEvent[])).toEqual([10, 20]);
    expect(subscription.caughtUp).toBe(false);

    const second = iterator.next();
    sources[0]!.send(30n);
    sources[0]!.emit('caughtUp');
    expect(positions((await second).value as RecordedEvent[])).toEqual([30]);
    expect(subscription.caughtUp).toBe(true);
    await subscription.close();
  });

  it('resubscribes from the last position after a dropped subscription, without duplicates', async () => {
    const subscription = subscribe();
    const iterator = subscription[Symbol.asyncIterator]();
    const first = iterator.next();
    sources[0]!.emit('confirmation');
    sources[0]!.send(10n);
    expect(positions((await first).value as RecordedEvent[])).toEqual([10]);

    const second = iterator.next();
    sources[0]!.emit('error', connectionLost());
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(sources).toHaveLength(2);
    expect(sources[1]!.options.fromPosition).toEqual({ commit: 10n, prepare: 10n });
    sources[1]!.send(10n);
    sources[1]!.send(20n);
    expect(positions((await second).value as RecordedEvent[])).toEqual([20]);
    await subscription.close();
  });

  it("resumes after the server's last filtered checkpoint", async () => {
    const subscription = subscribe();
    const iterator = subscription[Symbol.asyncIterator]();
    const first = iterator.next();
    sources[0]!.emit('confirmation');
    sources[0]!.send(10n);
    await first;
    sources[0]!.options.filter.checkpointReached(sources[0], { commit: 50n, prepare: 50n });
    const second = iterator.next();
    sources[0]!.emit('close');
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(sources[1]!.options.fromPosition).toEqual({ commit: 50n, prepare: 50n });
    sources[1]!.send(60n);
    expect(positions((await second).value as RecordedEvent[])).toEqual([60]);
    await subscription.close();
  });

  it('fails at once when the first subscribe never got going', async () => {
    const subscription = subscribe();
    const iterator = subscription[Symbol.asyncIterator]();
    const first = iterator.next();
    sources[0]!.emit('error', connectionLost());
    await expect(first).rejects.toBeInstanceOf(StoreUnavailableError);
    expect(sources).toHaveLength(1);
  });

  it('gives up after the configured number of failed resubscriptions', async () => {
    const subscription = subscribe();
    const iterator = subscription[Symbol.asyncIterator]();
    const first = iterator.next();
    sources[0]!.emit('confirmation');
    for (let attempt = 0; attempt <= 3; attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      sources.at(-1)!.emit('error', connectionLost());
    }
    await expect(first).rejects.toBeInstanceOf(StoreUnavailableError);
    expect(sources).toHaveLength(4);
  });

  it("refuses an old server's no-position sentinel with one line", async () => {
    const subscription = subscribe();
    const iterator = subscription[Symbol.asyncIterator]();
    const first = iterator.next();
    sources[0]!.emit('confirmation');
    sources[0]!.send(NO_POSITION);
    const error = await first.catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(StoreUnavailableError);
    expect((error as Error).message).toMatch(/22\.6 or later/);
  });
});

describe('EventStoreDbEventStore reads of $all (client reads replaced)', () => {
  /** $all of 2,500 records, every seventh a system event, positions 100 apart, a second apart. */
  const log = Array.from({ length: 2_500 }, (_, index) => {
    const record = resolved(BigInt((index + 1) * 100));
    const system = index % 7 === 3;
    return {
      event: {
        ...record.event!,
        type: system ? '$statsCollected' : 'ComplaintRegistered',
        streamId: system ? '$stats-node' : 'complaint-CC-2026-0001',
        created: new Date(Date.UTC(2026, 2, 6) + index * 1_000),
      },
    };
  });
  const commitOf = (record: AllStreamResolvedEvent) => record.event!.position.commit;
  const ours = (after: number) => log.filter((record) => Number(commitOf(record)) > after && !record.event.type.startsWith('$'));
  let store: EventStoreDbEventStore;

  beforeEach(() => {
    store = EventStoreDbEventStore.connect(URL);
    jest.spyOn(EventStoreDBClient.prototype, 'readAll').mockImplementation(((options: { fromPosition: Position | 'start'; maxCount: number }) => {
      // The client's fromPosition is inclusive, as the server's.
      const from = options.fromPosition === 'start' ? 0n : options.fromPosition.commit;
      return (async function* () {
        yield* log.filter((record) => commitOf(record) >= from).slice(0, options.maxCount);
      })();
    }) as unknown as EventStoreDBClient['readAll']);
  });

  afterEach(async () => {
    jest.restoreAllMocks();
    await store.close();
  });

  it('counts our events across pages, skipping system events and the record at the position itself', async () => {
    for (const after of [0, 100, 400, 123_400]) {
      const expected = ours(after);
      expect(await store.tailAfter(after, 10_000)).toEqual({ events: expected.length, firstRecordedAt: expected[0]?.event?.created });
    }
    expect(ours(0).length).toBeGreaterThan(2_000);
  });

  it('stops counting at the limit, still saying when the first was recorded', async () => {
    const expected = ours(100);
    expect(await store.tailAfter(100, 1_500)).toEqual({ events: 1_500, firstRecordedAt: expected[0]?.event?.created });
    expect(await store.tailAfter(100, 0)).toEqual({ events: 0, firstRecordedAt: expected[0]?.event?.created });
  });

  it('reads our events the same way: across pages, after the position, up to maxCount', async () => {
    const ids = (records: readonly AllStreamResolvedEvent[]) => records.map((record) => record.event?.id);
    expect((await store.readAll({ fromPosition: 100, maxCount: 1_500 })).map((event) => event.id)).toEqual(ids(ours(100).slice(0, 1_500)));
    expect((await store.readAll({ fromPosition: 400 })).map((event) => event.id)).toEqual(ids(ours(400)));
    expect(await store.readAll({ fromPosition: 100, maxCount: 0 })).toEqual([]);
  });

  it('finds nothing after the last record', async () => {
    expect(await store.tailAfter(250_000, 10)).toEqual({ events: 0, firstRecordedAt: null });
  });
});

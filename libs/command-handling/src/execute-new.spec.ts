import { randomUUID } from 'node:crypto';
import { type Actor, type Decider, IllegalStateError, ValidationError } from '@qms/domain-kernel';
import { type AppendToStreamsOptions, type EventStore, SqliteEventStore, type StreamWrite, type StreamWriteOutcome } from '@qms/event-store';
import { FakeEventStore } from '../../testing/src/fake-event-store';
import { type CommandMetadata, CommandExecutor } from './command-executor';
import type { EventCodec } from './event-codec.port';
import { recordStreamId } from './idempotency-records';

/** A ticket created once with a title: the shape of a return or a customer notification. */
type TicketCommand = { type: 'Open'; ticketId: string; title: string };
type TicketEvent = { type: 'Opened'; data: { ticketId: string; title: string } };
type TicketState = { readonly opened: boolean; readonly title: string | undefined };

const decider: Decider<TicketCommand, TicketEvent, TicketState> = {
  initialState: () => ({ opened: false, title: undefined }),
  evolve: (_, event) => ({ opened: true, title: event.data.title }),
  decide: (command, state) => {
    if (state.opened) throw new IllegalStateError('already opened');
    return [{ type: 'Opened', data: { ticketId: command.ticketId, title: command.title } }];
  },
};
const codec: EventCodec = { decode: (recorded) => ({ type: recorded.type, data: recorded.data }), schemaVersion: () => 1 };
const clock = () => new Date('2025-05-01T08:00:00Z');
const actor: Actor = { userId: 'u-warehouse', role: 'warehouse' };
const streamIdOf = (id: string) => `ticket-${id}`;
const open = (title: string) => (ticketId: string): TicketCommand => ({ type: 'Open', ticketId, title });
const keyed = (key: string, body: string): CommandMetadata => ({
  actor,
  correlationId: 'c',
  causationId: 'c',
  idempotencyKey: key,
  requestFingerprint: `fingerprint of ${body}`,
});

async function ticketStreams(store: EventStore): Promise<string[]> {
  const events = await store.readAll();
  return [...new Set(events.map((event) => event.streamId).filter((streamId) => streamId.startsWith('ticket-')))];
}

/**
 * The store of a process killed in the middle of a batched append, as EventStoreDB leaves it
 * (writes one after the other): the first `survive` writes of the next batch are stored, then the
 * process dies (the call never answers).
 */
function crashingAfter(store: EventStore, survive: number) {
  let armed = true;
  return new Proxy(store, {
    get: (target, property, receiver) =>
      property === 'appendToStreams'
        ? async (writes: readonly StreamWrite[], options?: AppendToStreamsOptions): Promise<StreamWriteOutcome[]> => {
            if (!armed) return target.appendToStreams(writes, options);
            armed = false;
            await target.appendToStreams(writes.slice(0, survive), options);
            throw new Error('process killed');
          }
        : Reflect.get(target, property, receiver),
  });
}

describe('CommandExecutor.executeNew: one record per Idempotency-Key', () => {
  describe.each([
    ['SQLite (claim and record in one transaction)', () => SqliteEventStore.inMemory()],
    ['a store appending one write after the other (EventStoreDB order)', () => new FakeEventStore()],
  ])('on %s', (_, createStore) => {
    let store: EventStore;
    beforeEach(() => {
      store = createStore();
    });
    afterEach(() => store.close());

    it('gives 20 concurrent requests with one key and body one record and the same answer', async () => {
      const executor = new CommandExecutor(store, codec, clock);
      const results = await Promise.all(
        Array.from({ length: 20 }, () => executor.executeNew(decider, randomUUID, streamIdOf, open('dented housing'), keyed('k-1', 'dented'))),
      );
      expect(await ticketStreams(store)).toHaveLength(1);
      expect(new Set(results.map((result) => result.id)).size).toBe(1);
      expect(new Set(results.map((result) => JSON.stringify([result.streamId, result.revision, result.position, result.appendedEventIds]))).size).toBe(1);
      expect(results.filter((result) => !result.replayed)).toHaveLength(1);
    });

    it('gives two processes racing with one key one record', async () => {
      const processes = [new CommandExecutor(store, codec, clock), new CommandExecutor(store, codec, clock)];
      const results = await Promise.all(
        Array.from({ length: 10 }, (__, index) =>
          processes[index % 2]!.executeNew(decider, randomUUID, streamIdOf, open('dented housing'), keyed('k-2', 'dented')),
        ),
      );
      expect(await ticketStreams(store)).toHaveLength(1);
      expect(new Set(results.map((result) => result.id)).size).toBe(1);
    });

    it('refuses the key for a different body with a 400 naming Idempotency-Key, and creates nothing more', async () => {
      const executor = new CommandExecutor(store, codec, clock);
      const outcomes = await Promise.allSettled(
        Array.from({ length: 10 }, (__, index) =>
          executor.executeNew(decider, randomUUID, streamIdOf, open(`defect ${index}`), keyed('k-3', `defect ${index}`)),
        ),
      );
      expect(outcomes.filter((outcome) => outcome.status === 'fulfilled')).toHaveLength(1);
      const refusals = outcomes.flatMap((outcome) => (outcome.status === 'rejected' ? [outcome.reason as unknown] : []));
      expect(refusals).toHaveLength(9);
      for (const refusal of refusals) {
        expect(refusal).toBeInstanceOf(ValidationError);
        expect((refusal as ValidationError).fieldErrors[0]?.field).toBe('Idempotency-Key');
      }
      expect(await ticketStreams(store)).toHaveLength(1);
    });
  });

  it('on SQLite stores the claim and the record together or not at all', async () => {
    const store = SqliteEventStore.inMemory();
    const claim = recordStreamId(actor, 'k-4');
    await store.appendToStream('ticket-taken', [{ id: randomUUID(), type: 'Opened', data: {}, metadata: {} }]);
    const outcomes = await store.appendToStreams([
      { streamId: claim, events: [{ id: randomUUID(), type: 'IdempotencyKeyUsed', data: { streamId: 'ticket-taken' }, metadata: {} }], expectedRevision: 'no_stream' },
      { streamId: 'ticket-taken', events: [{ id: randomUUID(), type: 'Opened', data: {}, metadata: {} }], expectedRevision: 'no_stream', withPrevious: true },
    ]);
    expect(outcomes.map((outcome) => outcome.ok)).toEqual([false, false]);
    expect(await store.readStream(claim)).toEqual([]);
    await store.close();
  });

  it('completes the record when a process died between the claim and the record (EventStoreDB order)', async () => {
    const store = new FakeEventStore();
    const dying = new CommandExecutor(crashingAfter(store, 1), codec, clock);
    await expect(dying.executeNew(decider, randomUUID, streamIdOf, open('dented housing'), keyed('k-5', 'dented'))).rejects.toThrow('process killed');
    expect(await store.readStream(recordStreamId(actor, 'k-5'))).toHaveLength(1);
    expect(await ticketStreams(store)).toEqual([]);

    const restarted = new CommandExecutor(store, codec, clock);
    const retried = await restarted.executeNew(decider, randomUUID, streamIdOf, open('dented housing'), keyed('k-5', 'dented'));
    const again = await restarted.executeNew(decider, randomUUID, streamIdOf, open('dented housing'), keyed('k-5', 'dented'));

    const [claim] = await store.readStream(recordStreamId(actor, 'k-5'));
    expect(retried.streamId).toBe(claim?.data['streamId']);
    expect(await ticketStreams(store)).toEqual([retried.streamId]);
    expect(again).toMatchObject({ id: retried.id, replayed: true, position: retried.position });
  });

  it('answers a retry after a crash before anything was stored with one record', async () => {
    const store = SqliteEventStore.inMemory();
    const dying = new CommandExecutor(crashingAfter(store, 0), codec, clock);
    await expect(dying.executeNew(decider, randomUUID, streamIdOf, open('dented housing'), keyed('k-6', 'dented'))).rejects.toThrow('process killed');
    const restarted = new CommandExecutor(store, codec, clock);
    const first = await restarted.executeNew(decider, randomUUID, streamIdOf, open('dented housing'), keyed('k-6', 'dented'));
    const second = await restarted.executeNew(decider, randomUUID, streamIdOf, open('dented housing'), keyed('k-6', 'dented'));
    expect(first.replayed).toBe(false);
    expect(second).toMatchObject({ id: first.id, replayed: true });
    expect(await ticketStreams(store)).toEqual([first.streamId]);
    await store.close();
  });
});

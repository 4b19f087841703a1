import { CommandExecutor, IdempotencyRecords } from '@qms/command-handling';
import { complaintStreamId, DEFAULT_DEADLINE_POLICY_CONFIG, formatComplaintNumber } from '@qms/complaint-domain';
import { ValidationError } from '@qms/domain-kernel';
import { defaultEventCatalogue } from '@qms/event-catalogue';
import { AppendInterruptedError, type AppendToStreamsOptions, type EventStore, SqliteEventStore, type StreamWrite } from '@qms/event-store';
import type { RequestContext } from '../auth/request-context';
import { FakeEventStore } from '../../../../libs/testing/src/fake-event-store';
import { ComplaintNumberAllocator } from './complaint-number-allocator';
import { RegisterComplaintCommand } from './complaint.commands';
import { RegisterComplaintHandler } from './complaint.handlers';

const clock = () => new Date('2025-02-01T00:00:00Z');
const context: RequestContext = { actor: { userId: 'u-sales', role: 'sales' }, correlationId: 'c', causationId: 'c' };

const registration = (defectDescription: string, overrides: Record<string, unknown> = {}) =>
  new RegisterComplaintCommand(
    {
      customerId: 'ACME',
      customerContact: 'Ms. Li, +86 21 5555 0101',
      partNo: 'P-100',
      lot: 'L-2412-07',
      defectDescription,
      quantityAffected: 12,
      severity: 'normal',
      channel: 'email',
      receivedAt: '2025-01-03T09:00:00.000Z',
      returnNeeded: true,
      customerProductionAffected: false,
      customerDeadline: null,
      occurredAt: '2025-01-03T09:00:00.000Z',
      ...overrides,
    },
    context,
  );

/** One API process: its own executor, allocator and handler over the shared store. */
function process(store: EventStore) {
  const executor = new CommandExecutor(store, defaultEventCatalogue(), clock);
  return new RegisterComplaintHandler(executor, new ComplaintNumberAllocator(store), new IdempotencyRecords(store), DEFAULT_DEADLINE_POLICY_CONFIG);
}

/** Counts the store's batched appends and refused writes, and can fail the next batch. */
function watched(store: EventStore) {
  const batches: number[] = [];
  const refused: string[] = [];
  let failNext = false;
  const proxy = new Proxy(store, {
    get: (target, property, receiver) =>
      property === 'appendToStreams'
        ? (writes: readonly StreamWrite[], options?: AppendToStreamsOptions) => {
            batches.push(writes.length);
            if (failNext) {
              failNext = false;
              return Promise.reject(new Error('disk full'));
            }
            return target.appendToStreams(writes, options).then((outcomes) => {
              outcomes.forEach((outcome, index) => outcome.ok || refused.push(writes[index]!.streamId));
              return outcomes;
            });
          }
        : Reflect.get(target, property, receiver),
  });
  return { store: proxy, batches, refused, failNextBatch: () => (failNext = true) };
}

async function registeredNumbers(store: EventStore): Promise<string[]> {
  const events = await store.readAll();
  return events.filter((event) => event.type === 'ComplaintRegistered').map((event) => String(event.data['complaintNumber']));
}

const numbers = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, index) => formatComplaintNumber(2025, from + index));

describe('ComplaintNumberAllocator', () => {
  let store: SqliteEventStore;
  beforeEach(() => {
    store = SqliteEventStore.inMemory();
  });
  afterEach(() => store.close());

  it('gives 50 parallel registrations 50 consecutive numbers, in far fewer commits', async () => {
    const { store: counted, batches } = watched(store);
    const handler = process(counted);
    const results = await Promise.all(Array.from({ length: 50 }, (_, index) => handler.execute(registration(`defect ${index}`))));
    expect(results.map((result) => result.streamId).sort()).toEqual(numbers(1, 50).map(complaintStreamId));
    expect((await registeredNumbers(store)).sort()).toEqual(numbers(1, 50));
    expect(batches.reduce((sum, size) => sum + size, 0)).toBe(50);
    expect(batches.length).toBeLessThan(50);
    for (const result of results) {
      expect(result.revision).toBe(0);
      expect((result.state as { number: string }).number).toBe(result.streamId.replace(/^complaint-/, ''));
    }
  });

  it('uses no number for a refused registration in a group', async () => {
    const handler = process(store);
    const outcomes = await Promise.allSettled([
      handler.execute(registration('first')),
      handler.execute(registration('second')),
      handler.execute(registration('', {})),
      handler.execute(registration('fourth')),
    ]);
    expect(outcomes.map((outcome) => outcome.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'fulfilled']);
    expect((outcomes[2] as PromiseRejectedResult).reason).toBeInstanceOf(ValidationError);
    expect((await registeredNumbers(store)).sort()).toEqual(numbers(1, 3));
  });

  it('stays gap-free and duplicate-free with another process registering at the same time', async () => {
    const { store: counted, refused } = watched(store);
    const first = process(counted);
    const second = process(counted);
    // The second process learns its first free number now, then falls behind the first one.
    await second.execute(registration('warm-up'));
    const results = await Promise.all(
      Array.from({ length: 60 }, (_, index) => (index % 3 === 0 ? second : first).execute(registration(`defect ${index}`))),
    );
    const streamIds = results.map((result) => result.streamId);
    expect(new Set(streamIds).size).toBe(60);
    expect((await registeredNumbers(store)).sort()).toEqual(numbers(1, 61));
    // Both processes claimed numbers the other had taken: the fallback path ran.
    expect(refused.length).toBeGreaterThan(0);
    // And a process whose next number is stale moves past the numbers taken behind its back.
    const late = await second.execute(registration('late'));
    expect(late.streamId).toBe(complaintStreamId(formatComplaintNumber(2025, 62)));
  });

  it('rejects a group whose commit fails and numbers the next registrations without a gap', async () => {
    const { store: failing, failNextBatch } = watched(store);
    const handler = process(failing);
    await handler.execute(registration('before'));
    failNextBatch();
    // 'a' goes first and alone; 'b' queues behind it and is numbered after the failure.
    const outcomes = await Promise.allSettled([handler.execute(registration('a')), handler.execute(registration('b'))]);
    expect(outcomes.map((outcome) => outcome.status)).toEqual(['rejected', 'fulfilled']);
    expect((outcomes[0] as PromiseRejectedResult).reason).toEqual(new Error('disk full'));
    await Promise.all([handler.execute(registration('c')), handler.execute(registration('d'))]);
    expect((await registeredNumbers(store)).sort()).toEqual(numbers(1, 4));
  });

  it('answers the registrations a store without transactions stored before failing, and leaves no gap', async () => {
    const sequential = new FakeEventStore();
    const handler = process(sequential);
    await handler.execute(registration('before'));
    let failNext = true;
    const interrupting = new Proxy(sequential, {
      get: (target, property, receiver) =>
        property === 'appendToStreams'
          ? async (writes: readonly StreamWrite[], options?: AppendToStreamsOptions) => {
              if (!failNext || writes.length < 3) return target.appendToStreams(writes, options);
              failNext = false;
              // The first two land, then the connection drops (what EventStoreDB can leave).
              const stored = await target.appendToStreams(writes.slice(0, 2), options);
              throw new AppendInterruptedError(stored, writes[2]!.streamId, new Error('connection reset'));
            }
          : Reflect.get(target, property, receiver),
    });
    const interrupted = process(interrupting);
    await interrupted.execute(registration('warm-up'));
    const outcomes = await Promise.allSettled(['a', 'b', 'c', 'd', 'e'].map((defect) => interrupted.execute(registration(defect))));
    expect(failNext).toBe(false);
    const answered = outcomes.flatMap((outcome) => (outcome.status === 'fulfilled' ? [outcome.value.streamId] : []));
    const failed = outcomes.flatMap((outcome) => (outcome.status === 'rejected' ? [outcome.reason as unknown] : []));
    expect(failed.length).toBeGreaterThan(0);
    for (const error of failed) expect(error).toBeInstanceOf(AppendInterruptedError);
    // Every stored complaint was answered as registered: none reported failed that exists.
    const stored = (await registeredNumbers(sequential)).map(complaintStreamId).filter((streamId) => !streamId.endsWith('0001') && !streamId.endsWith('0002'));
    expect(stored.sort()).toEqual([...answered].sort());
    await Promise.all([interrupted.execute(registration('f')), interrupted.execute(registration('g'))]);
    expect((await registeredNumbers(sequential)).sort()).toEqual(numbers(1, 2 + answered.length + 2));
  });

  describe('with an Idempotency-Key', () => {
    const keyed = (defect: string, key: string) => {
      const command = registration(defect);
      return new RegisterComplaintCommand(command.data, { ...context, idempotencyKey: key, requestFingerprint: `request ${defect}` });
    };

    it('gives 20 concurrent registrations with one key one complaint and one answer, and 10 bodies 1 created and 9 refused', async () => {
      const handler = process(store);
      const same = await Promise.all(Array.from({ length: 20 }, () => handler.execute(keyed('cracked housing', 'k-1'))));
      expect(new Set(same.map((result) => JSON.stringify([result.streamId, result.revision, result.position, result.appendedEventIds]))).size).toBe(1);
      const different = await Promise.allSettled(Array.from({ length: 10 }, (_, index) => handler.execute(keyed(`defect ${index}`, 'k-2'))));
      expect(different.filter((outcome) => outcome.status === 'fulfilled')).toHaveLength(1);
      expect(different.filter((outcome) => outcome.status === 'rejected' && outcome.reason instanceof ValidationError)).toHaveLength(9);
      expect((await registeredNumbers(store)).sort()).toEqual(numbers(1, 2));
    });

    it('keeps one complaint per key and gap-free numbers with two processes registering keyed and unkeyed at once', async () => {
      const first = process(store);
      const second = process(store);
      const results = await Promise.all(
        Array.from({ length: 40 }, (_, index) =>
          (index % 2 === 0 ? first : second).execute(index % 4 < 2 ? keyed(`defect ${index % 8}`, `k-${index % 8}`) : registration(`plain ${index}`)),
        ),
      );
      const byKey = new Map<string, Set<string>>();
      results.forEach((result, index) => {
        if (index % 4 < 2) byKey.set(`k-${index % 8}`, (byKey.get(`k-${index % 8}`) ?? new Set()).add(result.streamId));
      });
      // 20 keyed requests over 4 keys (k-0, k-1, k-4, k-5) and 20 without a key.
      expect([...byKey.values()].map((streams) => streams.size)).toEqual([1, 1, 1, 1]);
      expect((await registeredNumbers(store)).sort()).toEqual(numbers(1, 4 + 20));
    });

    describe('on a store appending one write after the other (EventStoreDB order)', () => {
      let sequential: FakeEventStore;
      beforeEach(() => {
        sequential = new FakeEventStore();
      });

      /** The process dies after the claim is stored and before the complaint is. */
      function dyingAfterClaim(target: EventStore): EventStore {
        let armed = true;
        return new Proxy(target, {
          get: (inner, property, receiver) =>
            property === 'appendToStreams'
              ? async (writes: readonly StreamWrite[], options?: AppendToStreamsOptions) => {
                  if (!armed || writes.length < 2) return inner.appendToStreams(writes, options);
                  armed = false;
                  await inner.appendToStreams(writes.slice(0, 1), options);
                  throw new Error('process killed');
                }
              : Reflect.get(inner, property, receiver),
        });
      }

      it('registers the claimed number on the retry after a crash between claim and complaint', async () => {
        await process(sequential).execute(registration('before'));
        await expect(process(dyingAfterClaim(sequential)).execute(keyed('cracked housing', 'k-crash'))).rejects.toThrow('process killed');
        expect(await registeredNumbers(sequential)).toEqual(numbers(1, 1));

        const restarted = process(sequential);
        const retried = await restarted.execute(keyed('cracked housing', 'k-crash'));
        const again = await restarted.execute(keyed('cracked housing', 'k-crash'));
        expect(retried.streamId).toBe(complaintStreamId(formatComplaintNumber(2025, 2)));
        expect(again).toMatchObject({ streamId: retried.streamId, replayed: true });
        expect((await registeredNumbers(sequential)).sort()).toEqual(numbers(1, 2));
      });

      it('moves the claim to a new number when another registration took the claimed one meanwhile', async () => {
        await expect(process(dyingAfterClaim(sequential)).execute(keyed('cracked housing', 'k-late'))).rejects.toThrow('process killed');
        const other = await process(sequential).execute(registration('someone else'));
        expect(other.streamId).toBe(complaintStreamId(formatComplaintNumber(2025, 1)));

        const retried = await Promise.all([process(sequential).execute(keyed('cracked housing', 'k-late')), process(sequential).execute(keyed('cracked housing', 'k-late'))]);
        expect(new Set(retried.map((result) => result.streamId))).toEqual(new Set([complaintStreamId(formatComplaintNumber(2025, 2))]));
        expect((await registeredNumbers(sequential)).sort()).toEqual(numbers(1, 2));
      });
    });
  });
});

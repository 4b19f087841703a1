import { randomUUID } from 'node:crypto';
import { ConcurrencyError } from '@qms/domain-kernel';
import {
  WriteNotStoredError,
  WrongExpectedVersionError,
  type AllSubscription,
  type EventStore,
  type EventToAppend,
  type JsonObject,
  type JsonValue,
  type RecordedEvent,
} from '@qms/event-store';

/**
 * The behaviour every EventStore adapter must share (EventStoreDB's semantics). Each test writes
 * to streams of its own, so the suite also passes against a shared, non-empty server.
 */
export function describeEventStoreContract(name: string, factory: () => Promise<EventStore>): void {
  describe(`EventStore contract: ${name}`, () => {
    let store: EventStore;

    beforeAll(async () => {
      store = await factory();
    });

    afterAll(async () => {
      await store?.close();
    });

    describe('appending and reading a stream', () => {
      it('gives consecutive revisions and increasing positions, and reads back what was written', async () => {
        const first = newStream('order');
        const second = newStream('order');
        const written = [
          newEvent('ComplaintRegistered', {
            count: 1,
            ratio: 0.25,
            open: true,
            owner: null,
            tags: ['a', 'b'],
          }),
          newEvent('ComplaintAssigned', { nested: { depth: { level: 2 } } }),
          newEvent('ComplaintClosed', {}, { correlationId: 'c-1', actor: 'u-7' }),
        ];
        const before = Date.now();

        const a = await store.appendToStream(first, written, { expectedRevision: 'no_stream' });
        const b = await store.appendToStream(second, [newEvent('Other'), newEvent('Other')]);
        const more = newEvent('ComplaintReopened', { reason: 'customer call' });
        const c = await store.appendToStream(first, [more], { expectedRevision: 2 });

        expect([a.nextExpectedRevision, b.nextExpectedRevision, c.nextExpectedRevision]).toEqual([2, 1, 3]);
        expect(a.position).toBeLessThan(b.position);
        expect(b.position).toBeLessThan(c.position);

        const read = await store.readStream(first);
        expect(read.map(summary)).toEqual(
          [...written, more].map((event, revision) => ({ ...event, streamId: first, revision })),
        );
        expectStrictlyIncreasing(read.map((event) => event.position));
        expect(read[2]?.position).toBe(a.position);
        expect(read[3]?.position).toBe(c.position);
        for (const event of read) {
          expect(event.recordedAt).toBeInstanceOf(Date);
          // The store's clock may be another machine's: only a gross error is a failure.
          expect(Math.abs(event.recordedAt.getTime() - before)).toBeLessThan(5 * 60_000);
        }
      });

      it('reads forwards and backwards from a revision, up to maxCount', async () => {
        const stream = newStream('paging');
        await store.appendToStream(stream, newEvents(10), { expectedRevision: 'no_stream' });
        const revisions = async (options: Parameters<EventStore['readStream']>[1]) =>
          (await store.readStream(stream, options)).map((event) => event.revision);

        expect(await revisions({})).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
        expect(await revisions({ fromRevision: 3, maxCount: 4 })).toEqual([3, 4, 5, 6]);
        expect(await revisions({ fromRevision: 8, maxCount: 10 })).toEqual([8, 9]);
        expect(await revisions({ fromRevision: 10 })).toEqual([]);
        expect(await revisions({ direction: 'backwards' })).toEqual([9, 8, 7, 6, 5, 4, 3, 2, 1, 0]);
        expect(await revisions({ direction: 'backwards', fromRevision: 5, maxCount: 3 })).toEqual([5, 4, 3]);
        expect(await revisions({ direction: 'backwards', maxCount: 1 })).toEqual([9]);
      });

      it('reads a stream that does not exist as empty', async () => {
        expect(await store.readStream(newStream('missing'))).toEqual([]);
        expect(await store.readStream(newStream('missing'), { direction: 'backwards' })).toEqual([]);
      });

      it('round-trips Chinese, emoji and right-to-left text in stream ids, data and metadata', async () => {
        const stream = newStream('客户投诉-😀');
        const data = {
          zh: '客户投诉：尺寸超差，已启动 8D 报告（D3 临时遏制措施）',
          emoji: '👍🏽 🚗💨 👨‍👩‍👧‍👦 🇩🇪',
          rtl: 'مرحبا بالعالم — שלום עולם',
          mixed: 'part ‏עברית‎ 123 中文 ok',
          combining: 'e\u0301 vs é',
          键名: { 列表: ['一', '二', '三'] },
        };
        const metadata = { operator: '张伟', note: '✓ ✗ ‼' };
        const event = newEvent('CommentAdded', data, metadata);
        const from = await store.headPosition();
        await store.appendToStream(stream, [event], { expectedRevision: 'no_stream' });

        const [read] = await store.readStream(stream);
        expect(read && summary(read)).toEqual({ ...event, streamId: stream, revision: 0 });
        const [fromAll] = (await store.readAll({ fromPosition: from })).filter((e) => e.id === event.id);
        expect(fromAll?.data).toEqual(data);
        expect(fromAll?.streamId).toBe(stream);
      });

      it('appends 10,000 events in one append, atomically and in order', async () => {
        const stream = newStream('bulk');
        const events = newEvents(10_000);

        const result = await store.appendToStream(stream, events, { expectedRevision: 'no_stream' });

        expect(result.nextExpectedRevision).toBe(9_999);
        const read = await store.readStream(stream);
        expect(read).toHaveLength(10_000);
        expect(read.every((event, index) => event.revision === index && event.id === events[index]?.id)).toBe(
          true,
        );
        expectStrictlyIncreasing(read.map((event) => event.position));
        expect(read[9_999]?.position).toBe(result.position);
      });
    });

    describe('batched appends to many streams', () => {
      it('lands every write that matches and refuses only the one that conflicts', async () => {
        const taken = newStream('batch');
        await store.appendToStream(taken, [newEvent('Existing')], { expectedRevision: 'no_stream' });
        const fresh = Array.from({ length: 50 }, () => newStream('batch'));
        const writes = [
          ...fresh.map((streamId) => ({ streamId, events: [newEvent('Imported')], expectedRevision: 'no_stream' as const })),
          { streamId: taken, events: [newEvent('Imported')], expectedRevision: 'no_stream' as const },
        ];
        const outcomes = await store.appendToStreams(writes);
        expect(outcomes.slice(0, 50).every((outcome) => outcome.ok)).toBe(true);
        const refused = outcomes[50];
        expect(refused?.ok).toBe(false);
        expect(refused && !refused.ok ? refused.error : undefined).toBeInstanceOf(WrongExpectedVersionError);
        expect(await store.readStream(taken)).toHaveLength(1);
        for (const streamId of fresh) expect(await store.readStream(streamId)).toHaveLength(1);
        const positions = outcomes.flatMap((outcome) => (outcome.ok ? [outcome.result.position] : []));
        expect(new Set(positions).size).toBe(50);
      });

      it('with stopAtRefusal stores a prefix: nothing after the first refused write', async () => {
        const taken = newStream('prefix');
        await store.appendToStream(taken, [newEvent('Existing')], { expectedRevision: 'no_stream' });
        const [before, after] = [newStream('prefix'), newStream('prefix')];
        const outcomes = await store.appendToStreams(
          [before, taken, after].map((streamId) => ({ streamId, events: [newEvent('Imported')], expectedRevision: 'no_stream' as const })),
          { stopAtRefusal: true },
        );
        expect(outcomes.map((outcome) => outcome.ok)).toEqual([true, false, false]);
        expect(outcomes[1]?.ok === false ? outcomes[1].error : undefined).toBeInstanceOf(WrongExpectedVersionError);
        expect(outcomes[2]?.ok === false ? outcomes[2].error : undefined).toBeInstanceOf(WriteNotStoredError);
        expect(await store.readStream(before)).toHaveLength(1);
        expect(await store.readStream(after)).toEqual([]);
      });

      it('never stores a write whose earlier write in its unit (withPrevious) was refused', async () => {
        const claimed = newStream('claim');
        await store.appendToStream(claimed, [newEvent('Claimed')], { expectedRevision: 'no_stream' });
        const record = newStream('record');
        const other = newStream('record');
        const outcomes = await store.appendToStreams([
          { streamId: claimed, events: [newEvent('Claimed')], expectedRevision: 'no_stream' },
          { streamId: record, events: [newEvent('Recorded')], expectedRevision: 'no_stream', withPrevious: true },
          { streamId: other, events: [newEvent('Recorded')], expectedRevision: 'no_stream' },
        ]);
        expect(outcomes.map((outcome) => outcome.ok)).toEqual([false, false, true]);
        expect(outcomes[1]?.ok === false ? outcomes[1].error : undefined).toBeInstanceOf(WriteNotStoredError);
        expect(await store.readStream(record)).toEqual([]);
        expect(await store.readStream(claimed)).toHaveLength(1);
      });

      it('is idempotent when the same batch is sent again', async () => {
        const streams = Array.from({ length: 5 }, () => newStream('batch-retry'));
        const writes = streams.map((streamId) => ({ streamId, events: [newEvent('Imported')], expectedRevision: 'no_stream' as const }));
        const first = await store.appendToStreams(writes);
        const head = await store.headPosition();
        const second = await store.appendToStreams(writes);
        expect(second).toEqual(first);
        expect(await store.headPosition()).toBe(head);
      });
    });

    describe('expected revision', () => {
      it('accepts each kind when it matches', async () => {
        const stream = newStream('expected');
        expect(
          (await store.appendToStream(stream, [newEvent()], { expectedRevision: 'no_stream' }))
            .nextExpectedRevision,
        ).toBe(0);
        expect(
          (await store.appendToStream(stream, [newEvent()], { expectedRevision: 'stream_exists' }))
            .nextExpectedRevision,
        ).toBe(1);
        expect(
          (await store.appendToStream(stream, [newEvent()], { expectedRevision: 1 })).nextExpectedRevision,
        ).toBe(2);
        expect(
          (await store.appendToStream(stream, [newEvent()], { expectedRevision: 'any' }))
            .nextExpectedRevision,
        ).toBe(3);
        expect((await store.appendToStream(stream, [newEvent()])).nextExpectedRevision).toBe(4);
        expect(
          (await store.appendToStream(newStream('any'), [newEvent()], { expectedRevision: 'any' }))
            .nextExpectedRevision,
        ).toBe(0);
      });

      it.each([
        ['no_stream on an existing stream', 'no_stream', true, 1],
        ['stream_exists on a missing stream', 'stream_exists', false, 'no_stream'],
        ['a revision on a missing stream', 0, false, 'no_stream'],
        ['a revision below the current one', 0, true, 1],
        ['a revision above the current one', 5, true, 1],
      ] as const)(
        'rejects %s with the actual revision and writes nothing',
        async (_, expected, exists, actual) => {
          const stream = newStream('wrong');
          if (exists) await store.appendToStream(stream, newEvents(2), { expectedRevision: 'no_stream' });
          const before = await store.readStream(stream);

          const error = await failureOf(
            store.appendToStream(stream, [newEvent()], { expectedRevision: expected }),
          );

          expect(error).toBeInstanceOf(WrongExpectedVersionError);
          expect(error).toBeInstanceOf(ConcurrencyError);
          expect(error).toMatchObject({ streamId: stream, expected, actual });
          expect(await store.readStream(stream)).toEqual(before);
        },
      );

      it('lets exactly one of 20 concurrent appenders at the same revision win', async () => {
        const stream = newStream('race');
        await store.appendToStream(stream, [newEvent()], { expectedRevision: 'no_stream' });
        const contenders = Array.from({ length: 20 }, () => newEvent('Contended'));

        const outcomes = await Promise.allSettled(
          contenders.map((event) => store.appendToStream(stream, [event], { expectedRevision: 0 })),
        );

        const won = outcomes.filter((outcome) => outcome.status === 'fulfilled');
        const lost = outcomes.flatMap((outcome) => (outcome.status === 'rejected' ? [outcome.reason] : []));
        expect(won).toHaveLength(1);
        expect(lost).toHaveLength(19);
        for (const error of lost) {
          expect(error).toBeInstanceOf(WrongExpectedVersionError);
          expect((error as WrongExpectedVersionError).actual).toBe(1);
        }
        const read = await store.readStream(stream);
        expect(read).toHaveLength(2);
        const winner = contenders[outcomes.findIndex((outcome) => outcome.status === 'fulfilled')];
        expect(read[1]?.id).toBe(winner?.id);
      });
    });

    describe('idempotent retries', () => {
      it('returns the original result and writes nothing when the same ids come again at the same revision', async () => {
        const stream = newStream('retry');
        const from = await store.headPosition();
        const firstBatch = newEvents(3);
        const original = await store.appendToStream(stream, firstBatch, { expectedRevision: 'no_stream' });
        const next = [newEvent()];
        const appended = await store.appendToStream(stream, next, { expectedRevision: 2 });

        expect(await store.appendToStream(stream, firstBatch, { expectedRevision: 'no_stream' })).toEqual(
          original,
        );
        expect(await store.appendToStream(stream, next, { expectedRevision: 2 })).toEqual(appended);

        const ids = [...firstBatch, ...next].map((event) => event.id);
        expect((await store.readStream(stream)).map((event) => event.id)).toEqual(ids);
        const fromAll = await store.readAll({ fromPosition: from });
        expect(fromAll.filter((event) => event.streamId === stream).map((event) => event.id)).toEqual(ids);
      });

      it('refuses ids that are stored but do not line up, and writes nothing', async () => {
        const stream = newStream('retry-mismatch');
        const [a, b] = newEvents(2) as [EventToAppend, EventToAppend];
        await store.appendToStream(stream, [a, b], { expectedRevision: 'no_stream' });

        const different = await failureOf(
          store.appendToStream(stream, [a, newEvent()], { expectedRevision: 'no_stream' }),
        );
        const longer = await failureOf(
          store.appendToStream(stream, [a, b, newEvent()], { expectedRevision: 'no_stream' }),
        );

        expect(different).toBeInstanceOf(ConcurrencyError);
        expect(longer).toBeInstanceOf(ConcurrencyError);
        expect((await store.readStream(stream)).map((event) => event.id)).toEqual([a.id, b.id]);
      });
    });

    describe('reading all events', () => {
      it('reads strictly after a position, up to maxCount', async () => {
        const stream = newStream('all');
        const events = newEvents(5);
        await store.appendToStream(stream, events, { expectedRevision: 'no_stream' });
        const positions = (await store.readStream(stream)).map((event) => event.position);
        const [, p1, , p3, p4] = positions as [number, number, number, number, number];

        const page = await store.readAll({ fromPosition: p1, maxCount: 2 });
        expect(page.map((event) => event.id)).toEqual([events[2]?.id, events[3]?.id]);
        expect(page.map((event) => event.position)).toEqual([positions[2], positions[3]]);

        const rest = await store.readAll({ fromPosition: p3 });
        expect(rest[0]?.id).toBe(events[4]?.id);
        expectStrictlyIncreasing(rest.map((event) => event.position));
        expect((await store.readAll({ fromPosition: p4 })).every((event) => event.position > p4)).toBe(true);

        const [firstEver] = await store.readAll({ maxCount: 1 });
        expect(firstEver?.position).toBeGreaterThan(0);
        expect(firstEver?.position).toBeLessThanOrEqual(positions[0]!);
      });

      it('reads only the event types asked for, maxCount counting those, in log order', async () => {
        const stream = newStream('types');
        const other = newStream('types-other');
        const before = await store.headPosition();
        const kinds = ['Kept', 'Skipped', 'AlsoKept', 'Skipped', 'Kept', 'Kept'];
        for (const [index, type] of kinds.entries()) {
          await store.appendToStream(index % 2 === 0 ? stream : other, [newEvent(type, { index })]);
        }

        const kept = await store.readAll({ fromPosition: before, eventTypes: ['Kept', 'AlsoKept'] });
        expect(kept.map((event) => [event.type, event.data['index']])).toEqual([['Kept', 0], ['AlsoKept', 2], ['Kept', 4], ['Kept', 5]]);
        expectStrictlyIncreasing(kept.map((event) => event.position));
        // A page of two matching events, then the rest after the last one returned.
        const page = await store.readAll({ fromPosition: before, maxCount: 2, eventTypes: ['Kept', 'AlsoKept'] });
        expect(page.map((event) => event.data['index'])).toEqual([0, 2]);
        const rest = await store.readAll({ fromPosition: page[1]?.position, eventTypes: ['Kept', 'AlsoKept'] });
        expect(rest.map((event) => event.data['index'])).toEqual([4, 5]);
        // Each event whole, as an unfiltered read returns it.
        const unfiltered = (await store.readAll({ fromPosition: before })).filter((event) => event.type !== 'Skipped');
        expect(kept.map(summary)).toEqual(unfiltered.map(summary));
        expect(await store.readAll({ fromPosition: before, eventTypes: [] })).toEqual([]);
        expect(await store.readAll({ fromPosition: before, eventTypes: ['NeverAppended'] })).toEqual([]);
      });

      it('gives the metadata keys asked for as stored, and nothing that is not in the metadata', async () => {
        const stream = newStream('keys');
        const before = await store.headPosition();
        const metadata = { schemaVersion: 2, actor: { userId: 'u1', role: 'quality' }, note: 'text', hash: 'ab'.repeat(32) };
        await store.appendToStream(stream, [newEvent('Keyed', { n: 1 }, metadata), newEvent('Keyed', { n: 2 }, { note: 'only' })]);

        const read = await store.readAll({ fromPosition: before, metadataKeys: ['schemaVersion', 'actor', 'missing'], eventTypes: ['Keyed'] });
        const whole = await store.readAll({ fromPosition: before });
        expect(read.map((event) => event.data)).toEqual([{ n: 1 }, { n: 2 }]);
        expect(read.map(({ id, position, streamId, revision, type }) => ({ id, position, streamId, revision, type }))).toEqual(
          whole.map(({ id, position, streamId, revision, type }) => ({ id, position, streamId, revision, type })),
        );
        expect(read.map((event) => event.recordedAt.toISOString())).toEqual(whole.map((event) => event.recordedAt.toISOString()));
        read.forEach((event, index) => {
          const stored = whole[index]?.metadata ?? {};
          // The keys asked for, as stored; a store may also return the others, never anything else.
          for (const key of ['schemaVersion', 'actor']) expect(event.metadata[key]).toEqual(stored[key]);
          for (const [key, value] of Object.entries(event.metadata)) expect(stored[key]).toEqual(value);
          expect(Object.hasOwn(event.metadata, 'missing')).toBe(false);
        });
        await expect(store.readAll({ metadataKeys: ['a.b'] })).rejects.toThrow(RangeError);
      });

      it('gives the first metadata key asked for as stored, whatever its value and wherever it stands', async () => {
        const stream = newStream('leading-key');
        const before = await store.headPosition();
        const values: JsonValue[] = [1, 9, 12, 99, 123, 0, -1, 1.5, 2e3, '7', null, true, { v: 1 }, [1, 2]];
        const metadatas: JsonObject[] = [
          ...values.flatMap((value): JsonObject[] => [{ schemaVersion: value, actor: 'a' }, { schemaVersion: value }, { actor: 'a', schemaVersion: value }]),
          { actor: 'a' },
          {},
        ];
        await store.appendToStream(stream, metadatas.map((metadata, index) => newEvent('Versioned', { index }, metadata)));

        const read = await store.readAll({ fromPosition: before, metadataKeys: ['schemaVersion'], eventTypes: ['Versioned'] });
        expect(read.map((event) => event.metadata['schemaVersion'] ?? 'absent')).toEqual(metadatas.map((metadata) => metadata['schemaVersion'] ?? 'absent'));
      });

      it('reports the head position: that of the last event appended', async () => {
        const before = await store.headPosition();
        const result = await store.appendToStream(newStream('head'), newEvents(3));
        const after = await store.headPosition();

        expect(before).toBeLessThan(result.position);
        expect(after).toBeGreaterThanOrEqual(result.position);
      });

      it('measures the tail after a position: its events counted up to a limit, and when the first was recorded', async () => {
        const stream = newStream('tail');
        await store.appendToStream(stream, newEvents(5), { expectedRevision: 'no_stream' });
        const written = await store.readStream(stream);
        const [, p1, , p3, p4] = written.map((event) => event.position) as [number, number, number, number, number];

        expect(await store.tailAfter(p1, 3)).toEqual({ events: 3, firstRecordedAt: written[2]?.recordedAt });
        expect(await store.tailAfter(p1, 2)).toEqual({ events: 2, firstRecordedAt: written[2]?.recordedAt });
        expect(await store.tailAfter(p3, 1)).toEqual({ events: 1, firstRecordedAt: written[4]?.recordedAt });
        expect(await store.tailAfter(p1, 0)).toEqual({ events: 0, firstRecordedAt: written[2]?.recordedAt });
        const head = await store.headPosition();
        expect(head).toBeGreaterThanOrEqual(p4);
        expect(await store.tailAfter(head, 10)).toEqual({ events: 0, firstRecordedAt: null });
        await expect(store.tailAfter(-1, 10)).rejects.toThrow(RangeError);
      });

      it('passes a health check', async () => {
        await expect(store.checkHealth()).resolves.toBeUndefined();
      });
    });

    describe('subscription to all events', () => {
      it('catches up, then follows live appends: every event exactly once, in order', async () => {
        const stream = newStream('live');
        const from = await store.headPosition();
        const stored = newEvents(3);
        await store.appendToStream(stream, stored, { expectedRevision: 'no_stream' });

        const subscription = store.subscribeToAll({ fromPosition: from, maxBatchSize: 2 });
        const received = follow(subscription, (event) => event.streamId === stream);
        await received.waitFor(3);

        const live = [newEvent(), newEvent(), newEvent()];
        await store.appendToStream(stream, [live[0]!], { expectedRevision: 2 });
        await store.appendToStream(stream, live.slice(1), { expectedRevision: 3 });
        await received.waitFor(6);
        // A duplicate of anything above would arrive before this sentinel.
        const sentinel = newEvent('Sentinel');
        await store.appendToStream(stream, [sentinel], { expectedRevision: 5 });
        await received.waitFor(7);
        await subscription.close();
        await received.done;

        expect(received.events.map((event) => event.id)).toEqual(
          [...stored, ...live, sentinel].map((event) => event.id),
        );
        expect(received.events.map((event) => event.revision)).toEqual([0, 1, 2, 3, 4, 5, 6]);
        expectStrictlyIncreasing(received.events.map((event) => event.position));
        expect(Math.max(...received.batchSizes)).toBeLessThanOrEqual(2);
      });

      it('catches up over many batches, never larger than maxBatchSize', async () => {
        const stream = newStream('catch-up');
        const from = await store.headPosition();
        const events = newEvents(45);
        await store.appendToStream(stream, events.slice(0, 20), { expectedRevision: 'no_stream' });
        await store.appendToStream(stream, events.slice(20), { expectedRevision: 19 });

        const subscription = store.subscribeToAll({ fromPosition: from, maxBatchSize: 10 });
        const received = follow(subscription, (event) => event.streamId === stream);
        await received.waitFor(45);
        await subscription.close();
        await received.done;

        expect(received.events.map((event) => event.id)).toEqual(events.map((event) => event.id));
        expect(Math.max(...received.batchSizes)).toBeLessThanOrEqual(10);
      });

      it('starts strictly after the checkpoint', async () => {
        const stream = newStream('checkpoint');
        const events = newEvents(4);
        await store.appendToStream(stream, events, { expectedRevision: 'no_stream' });
        const checkpoint = (await store.readStream(stream))[1]!.position;

        const subscription = store.subscribeToAll({ fromPosition: checkpoint });
        const received = follow(subscription, (event) => event.streamId === stream);
        await received.waitFor(2);
        await subscription.close();
        await received.done;

        expect(received.events.map((event) => event.id)).toEqual([events[2]?.id, events[3]?.id]);
      });

      it('ends the iteration cleanly when closed, also while waiting for events', async () => {
        const subscription = store.subscribeToAll({ fromPosition: await store.headPosition() });
        const received = follow(subscription, () => true);
        await new Promise((resolve) => setTimeout(resolve, 50));

        await subscription.close();

        await expect(
          withTimeout(received.done, 5_000, 'the closed subscription to end'),
        ).resolves.toBeUndefined();
      });

      it('yields nothing when closed before being iterated', async () => {
        const subscription = store.subscribeToAll();
        await subscription.close();
        const batches: unknown[] = [];
        for await (const batch of subscription) batches.push(batch);
        expect(batches).toEqual([]);
      });
    });
  });
}

// ----------------------------------------------------------------------------------------------
// helpers

function newStream(label: string): string {
  return `contract-${label}-${randomUUID()}`;
}

function newEvent(type = 'ThingHappened', data: JsonObject = {}, metadata: JsonObject = {}): EventToAppend {
  return { id: randomUUID(), type, data, metadata };
}

function newEvents(count: number): EventToAppend[] {
  return Array.from({ length: count }, (_, index) => newEvent('ThingHappened', { index }));
}

function summary(event: RecordedEvent) {
  const { id, type, data, metadata, streamId, revision } = event;
  return { id, type, data, metadata, streamId, revision };
}

function expectStrictlyIncreasing(values: readonly number[]): void {
  const sorted = [...new Set(values)].sort((a, b) => a - b);
  expect(values).toEqual(sorted);
}

async function failureOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('Expected the operation to fail, but it succeeded.');
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`Timed out after ${ms} ms waiting for ${what}.`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

interface Follower {
  readonly events: RecordedEvent[];
  readonly batchSizes: number[];
  /** Settles when the iteration ends; rejects if it failed. */
  readonly done: Promise<void>;
  waitFor(count: number, timeoutMs?: number): Promise<void>;
}

/** Consumes a subscription in the background, keeping the events `keep` selects. */
function follow(subscription: AllSubscription, keep: (event: RecordedEvent) => boolean): Follower {
  const events: RecordedEvent[] = [];
  const batchSizes: number[] = [];
  let failure: unknown;
  let notify: (() => void) | undefined;
  const done = (async () => {
    for await (const batch of subscription) {
      batchSizes.push(batch.length);
      events.push(...batch.filter(keep));
      notify?.();
    }
  })();
  done.catch((error: unknown) => {
    failure = error;
    notify?.();
  });
  return {
    events,
    batchSizes,
    done,
    async waitFor(count, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      while (events.length < count) {
        if (failure !== undefined) throw failure;
        if (Date.now() > deadline) {
          throw new Error(
            `Timed out waiting for ${count} events from the subscription; got ${events.length}.`,
          );
        }
        await new Promise<void>((resolve) => {
          notify = resolve;
          setTimeout(resolve, 50);
        });
      }
    },
  };
}

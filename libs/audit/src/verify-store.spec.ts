import { randomUUID } from 'node:crypto';
import { type EventStore, type EventToAppend, type JsonObject, SqliteEventStore } from '@qms/event-store';
import { eventHash, GENESIS_HASH } from './hash-chain';
import { verifyStore, verifyStream, type VerifyProgress } from './verify-store';

/** Appends one chained event, as the command executor does. */
async function appendChained(store: EventStore, streamId: string, data: JsonObject): Promise<void> {
  const [last] = await store.readStream(streamId, { direction: 'backwards', maxCount: 1 });
  const previousHash = typeof last?.metadata['hash'] === 'string' ? last.metadata['hash'] : GENESIS_HASH;
  const revision = (last?.revision ?? -1) + 1;
  const draft = { id: randomUUID(), type: 'Happened', data, metadata: { previousHash } };
  const hash = eventHash({ ...draft, streamId, revision }, previousHash);
  const event: EventToAppend = { ...draft, metadata: { previousHash, hash } };
  await store.appendToStream(streamId, [event], { expectedRevision: last ? last.revision : 'no_stream' });
}

/** The store as a reader sees it after someone edited one stored event. */
function withAlteredEvent(store: EventStore, streamId: string, revision: number): EventStore {
  const alter = <T extends { streamId: string; revision: number; data: JsonObject }>(event: T): T =>
    event.streamId === streamId && event.revision === revision ? { ...event, data: { ...event.data, n: -1 } } : event;
  return Object.assign(Object.create(store) as EventStore, {
    readAll: async (options?: Parameters<EventStore['readAll']>[0]) => (await store.readAll(options)).map(alter),
    readStream: async (id: string, options?: Parameters<EventStore['readStream']>[1]) => (await store.readStream(id, options)).map(alter),
  });
}

describe('verifyStore and verifyStream', () => {
  let store: SqliteEventStore;
  beforeEach(async () => {
    store = SqliteEventStore.inMemory();
    for (let n = 0; n < 7; n++) await appendChained(store, n % 3 === 0 ? 'complaint-A' : 'survey-B', { n });
    await store.appendToStream('idempotency-x', [{ id: randomUUID(), type: 'IdempotencyKeyUsed', data: { streamId: 'complaint-A' }, metadata: {} }]);
  });
  afterEach(async () => {
    await store.close();
  });

  it('reads the global log in pages and reports progress up to the head', async () => {
    const progress: VerifyProgress[] = [];
    const result = await verifyStore(store, { pageSize: 3, onProgress: (step) => progress.push(step) });
    expect(result).toMatchObject({ ok: true, streamsChecked: 3, eventsChecked: 8, unchainedStreams: 1, headPosition: await store.headPosition() });
    expect(progress.map((step) => step.eventsChecked)).toEqual([0, 3, 6, 8]);
    expect(progress.at(-1)?.position).toBe(result.headPosition);
  });

  it('stops at the head seen when it started', async () => {
    const head = await store.headPosition();
    let appended = false;
    const result = await verifyStore(store, {
      pageSize: 2,
      onProgress: () => {
        if (!appended) {
          appended = true;
          void appendChained(store, 'complaint-A', { n: 99 });
        }
      },
    });
    expect(result.headPosition).toBe(head);
    expect(result.eventsChecked).toBe(8);
  });

  it('names the altered event, once per tampered stream', async () => {
    const breaks: unknown[] = [];
    const result = await verifyStore(withAlteredEvent(store, 'survey-B', 1), { pageSize: 2, onBreak: (found) => breaks.push(found) });
    const [altered] = await store.readStream('survey-B', { fromRevision: 1, maxCount: 1 });
    expect(result.ok).toBe(false);
    expect(result.breaks).toEqual([{ streamId: 'survey-B', revision: 1, eventId: altered?.id, position: altered?.position, reason: expect.any(String) }]);
    expect(breaks).toEqual(result.breaks);
  });

  it('keeps a bounded number of streams in memory and gives the same verdict', async () => {
    const unbounded = await verifyStore(store, { pageSize: 2, rememberedStreams: Number.POSITIVE_INFINITY });
    expect(await verifyStore(store, { pageSize: 2, rememberedStreams: 1 })).toEqual(unbounded);
    const altered = withAlteredEvent(store, 'complaint-A', 1);
    const tampered = await verifyStore(altered, { pageSize: 2, rememberedStreams: Number.POSITIVE_INFINITY });
    expect(tampered.breaks).toHaveLength(1);
    expect(await verifyStore(altered, { pageSize: 2, rememberedStreams: 1 })).toEqual(tampered);
  });

  it('gives the event loop a turn between pages', async () => {
    let turned = false;
    setImmediate(() => {
      turned = true;
    });
    const seenByPage: boolean[] = [];
    await verifyStore(store, { pageSize: 2, onProgress: () => seenByPage.push(turned) });
    expect(seenByPage[0]).toBe(false);
    expect(seenByPage.at(-1)).toBe(true);
  });

  it('verifies one stream page by page', async () => {
    expect(await verifyStream(store, 'survey-B', { pageSize: 2 })).toMatchObject({ ok: true, streamId: 'survey-B', eventsChecked: 4, lastRevision: 3 });
    const tampered = await verifyStream(withAlteredEvent(store, 'survey-B', 3), 'survey-B', { pageSize: 2 });
    expect(tampered).toMatchObject({ ok: false, breaks: [{ revision: 3 }] });
    expect(await verifyStream(store, 'complaint-none')).toMatchObject({ ok: true, eventsChecked: 0, lastRevision: -1 });
  });
});

import { MongoClient } from 'mongodb';
import type { RecordedEvent } from '@qms/event-store';
import { MongoReadStore, shadowCollection, type StoredDocument } from '@qms/read-store';
import { FakeEventStore } from '../../testing/src/fake-event-store';
import { describeWithMongo, uniqueTestName } from '../../testing/src/ferretdb';
import { ProjectionEngine } from './projection-engine';
import type { ProjectedDocument, Projection } from './projection';

type CountEvent = {
  readonly type: 'Counted';
  readonly data: { readonly key: string; readonly amount: number };
};

interface Count extends ProjectedDocument {
  readonly total: number;
}

const counts = (version: number): Projection<CountEvent> => ({
  name: 'counts',
  version,
  eventTypes: ['Counted'],
  collections: [
    { name: 'counts', indexes: [{ fields: [{ field: 'total', direction: 'desc' }] }] },
    { name: 'countTotals' },
  ],
  documentIds: (event) => [event.data.key],
  evolve: (document, event, id) => ({
    _id: id,
    total: ((document as Count | null)?.total ?? 0) + event.data.amount * version,
  }),
  async afterBatch(changes, store) {
    let sum = 0;
    for await (const count of store.stream<Count>('counts')) sum += count.total;
    await store.bulkWrite('countTotals', { upserts: [{ _id: 'all', sum, changed: changes.length }] });
  },
});

/** The engine over MongoDB (FerretDB in CI): journal, shadow and checkpoint collections included. */
describeWithMongo('ProjectionEngine on MongoDB', (url) => {
  const client = new MongoClient(url, { serverSelectionTimeoutMS: 5000 });
  const dbName = uniqueTestName('qms_engine');

  afterAll(async () => {
    await client.db(dbName).dropDatabase();
    await client.close();
  });

  it('follows the log, then rebuilds a new version into shadows and swaps them in', async () => {
    const store = MongoReadStore.withClient(client, { dbName, collectionPrefix: 'e1_' });
    const events = new FakeEventStore({ positionStep: 3 });
    const decodeEvent = (recorded: RecordedEvent) =>
      ({ type: recorded.type, data: recorded.data }) as unknown as CountEvent;
    const append = (key: string, amount: number) =>
      events.append('s', { type: 'Counted', data: { key, amount } });
    const options = {
      eventStore: events,
      readStore: store,
      decodeEvent,
      batchSize: 4,
      retry: { initialDelayMs: 5, maxDelayMs: 20 },
    };

    const v1 = new ProjectionEngine<CountEvent>({ ...options, projections: [counts(1)] });
    v1.start();
    for (let i = 0; i < 10; i++) await append(`k${i % 3}`, i);
    const head = await events.headPosition();
    try {
      expect(await v1.waitForPosition(head, 10_000)).toBe(true);
    } finally {
      await v1.stop();
    }
    expect(await store.get('countTotals', 'all')).toMatchObject({ sum: 45 });

    const v2 = new ProjectionEngine<CountEvent>({ ...options, projections: [counts(2)] });
    v2.start();
    try {
      await waitUntil(async () => (await store.getCheckpoint('counts'))?.version === 2);
      expect(await v2.waitForPosition(head, 10_000)).toBe(true);
    } finally {
      await v2.stop();
    }
    const rows = (
      await store.find<StoredDocument & { total: number }>('counts', {
        sort: [{ field: 'total', direction: 'desc' }],
      })
    ).items;
    expect(rows.map((row) => [row._id, row.total])).toEqual(
      [
        ['k0', 36],
        ['k1', 24],
        ['k2', 30],
      ].sort((a, b) => (b[1] as number) - (a[1] as number)),
    );
    expect(await store.get('countTotals', 'all')).toMatchObject({ sum: 90 });
    expect(await store.count(shadowCollection('counts'))).toBe(0);
    expect(await store.count('counts__journal')).toBe(0);
    expect(await store.getCheckpoint('counts__rebuild')).toBeNull();
  });
});

async function waitUntil(condition: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

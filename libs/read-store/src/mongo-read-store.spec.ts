import { MongoClient } from 'mongodb';
import { StoreUnavailableError } from '@qms/domain-kernel';
import {
  describeWithMongo,
  mongoTestCompatibility,
  startOutageProxy,
  uniqueTestName,
} from '../../testing/src/ferretdb';
import { describeReadStoreContract } from '../../testing/src/read-store-contract';
import { MongoReadStore } from './mongo-read-store';

describeWithMongo('MongoReadStore', (url) => {
  const dbName = uniqueTestName('qms_read_store');
  const compatibility = mongoTestCompatibility();
  const client = new MongoClient(url, { serverSelectionTimeoutMS: 5000 });
  let tests = 0;

  afterAll(async () => {
    await client.db(dbName).dropDatabase();
    await client.close();
  });

  describeReadStoreContract('MongoReadStore', () => ({
    // A prefix per test keeps tests apart inside the run's own database.
    store: MongoReadStore.withClient(client, { dbName, collectionPrefix: `t${++tests}_`, compatibility }),
  }));

  it('ensures indexes again on a collection holding data, creating only the missing ones', async () => {
    const store = MongoReadStore.withClient(client, { dbName, collectionPrefix: 'reindex_', compatibility });
    const byReceived = { fields: [{ field: 'receivedAt', direction: 'desc' as const }] };
    const byCustomer = {
      fields: [
        { field: 'customerId', direction: 'asc' as const },
        { field: 'receivedAt', direction: 'desc' as const },
      ],
    };
    const keys = async (): Promise<string[]> =>
      (await client.db(dbName).collection('reindex_rows').listIndexes().toArray())
        .map((index) => JSON.stringify(index['key']))
        .sort();

    await store.ensureIndexes('rows', [byReceived]);
    await store.bulkWrite('rows', {
      upserts: Array.from({ length: 50 }, (_, i) => ({
        _id: `r${i}`,
        customerId: `c${i % 3}`,
        receivedAt: `2024-01-${String(1 + (i % 28)).padStart(2, '0')}`,
      })),
    });
    await store.ensureIndexes('rows', [byReceived]);
    await store.ensureIndexes('rows', [byReceived, byCustomer]);
    await store.ensureIndexes('rows', [byCustomer, byReceived]);

    expect(await keys()).toEqual(
      [{ _id: 1 }, { receivedAt: -1, _id: 1 }, { customerId: 1, receivedAt: -1, _id: 1 }]
        .map((key) => JSON.stringify(key))
        .sort(),
    );
    // The connection survived: the store still answers, through the indexes.
    const page = await store.find('rows', {
      filter: { customerId: { eq: 'c1' } },
      sort: [{ field: 'receivedAt', direction: 'desc' }],
      limit: 2,
    });
    expect(page.items).toHaveLength(2);
    expect(await store.count('rows')).toBe(50);
  });

  it('replaces more existing documents in one commit than FerretDB takes in one bulk write', async () => {
    const store = MongoReadStore.withClient(client, { dbName, collectionPrefix: 'large_', compatibility });
    const rows = (revision: number) =>
      Array.from({ length: 130 }, (_, i) => ({ _id: `r${String(i).padStart(3, '0')}`, revision }));
    await store.commit({
      writes: [
        { collection: 'rows', upserts: rows(1) },
        { collection: 'more', upserts: rows(1) },
      ],
    });
    await store.commit({
      writes: [
        { collection: 'rows', upserts: rows(2) },
        { collection: 'more', upserts: rows(2) },
      ],
      checkpoint: { name: 'large', checkpoint: { position: 2, version: 1 } },
    });
    expect(await store.count('rows', { revision: { eq: 2 } })).toBe(130);
    expect(await store.count('more', { revision: { eq: 2 } })).toBe(130);
    expect(await store.getCheckpoint('large')).toEqual({ position: 2, version: 1 });
  });

  it('names the unreachable server in a StoreUnavailableError', async () => {
    const store = MongoReadStore.create({ url: 'mongodb://127.0.0.1:9/', serverSelectionTimeoutMS: 300 });
    try {
      await expect(store.checkHealth()).rejects.toBeInstanceOf(StoreUnavailableError);
      await expect(store.get('rows', 'a')).rejects.toThrow(
        /Read store unavailable: MongoDB at 127\.0\.0\.1:9/,
      );
      await expect(store.bulkWrite('rows', { upserts: [{ _id: 'a' }] })).rejects.toBeInstanceOf(
        StoreUnavailableError,
      );
    } finally {
      await store.close();
    }
  });

  it('recovers once MongoDB is back, also when it was down from the start', async () => {
    const proxy = await startOutageProxy(url, { startCut: true });
    const store = MongoReadStore.create({
      url: proxy.url,
      dbName,
      collectionPrefix: 'outage_',
      serverSelectionTimeoutMS: 300,
      compatibility,
    });
    try {
      await expect(store.bulkWrite('rows', { upserts: [{ _id: 'a' }] })).rejects.toBeInstanceOf(
        StoreUnavailableError,
      );
      await expect(store.get('rows', 'a')).rejects.toBeInstanceOf(StoreUnavailableError);

      proxy.restore();
      await store.bulkWrite('rows', { upserts: [{ _id: 'a' }] });
      expect(await store.get('rows', 'a')).toEqual({ _id: 'a' });

      proxy.cut();
      await expect(store.getCheckpoint('p')).rejects.toBeInstanceOf(StoreUnavailableError);
      proxy.restore();
      await store.saveCheckpoint('p', { position: 3, version: 1 });
      expect(await store.getCheckpoint('p')).toEqual({ position: 3, version: 1 });
    } finally {
      await store.close();
      await proxy.close();
    }
  });
});

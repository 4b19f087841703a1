import { MongoClient } from 'mongodb';
import { StoreUnavailableError } from '@qms/domain-kernel';
import { describeWithMongo, startOutageProxy, uniqueTestName } from '../../../testing/src/ferretdb';
import { describeReadStoreContract } from '../../../testing/src/read-store-contract';
import { MongoReadStore } from './mongo-read-store';

describeWithMongo('MongoReadStore', (url) => {
  const dbName = uniqueTestName('qms_read_store');
  const client = new MongoClient(url, { serverSelectionTimeoutMS: 5000 });
  let tests = 0;

  afterAll(async () => {
    await client.db(dbName).dropDatabase();
    await client.close();
  });

  describeReadStoreContract('MongoReadStore', () => ({
    // A prefix per test keeps tests apart inside the run's own database.
    store: MongoReadStore.withClient(client, { dbName, collectionPrefix: `t${++tests}_` }),
  }));

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

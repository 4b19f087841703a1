import { MongoClient, MongoServerError, type Db } from 'mongodb';
import { describeWithMongo, uniqueTestName } from '../../testing/src/ferretdb';

/**
 * What the read store relies on from the official driver, proven against the server behind
 * MONGO_URL (FerretDB in CI, MongoDB in production). Where FerretDB 1.x lacks a feature the test
 * pins the gap down, so that it fails the day the gap closes or a real MongoDB answers otherwise.
 */
describeWithMongo('mongodb driver through MONGO_URL', (url) => {
  const client = new MongoClient(url, { serverSelectionTimeoutMS: 5000 });
  const dbName = uniqueTestName('qms_driver');
  let db: Db;
  let ferretDb = false;

  beforeAll(async () => {
    db = client.db(dbName);
    const info = await client.db('admin').command({ buildInfo: 1 });
    ferretDb = typeof info['ferretdbVersion'] === 'string';
  });

  afterAll(async () => {
    await db.dropDatabase();
    await client.close();
  });

  it('inserts and finds with a filter, a sort and a limit', async () => {
    const rows = db.collection<{ _id: string; customer: string; quantity: number }>('find_rows');
    await rows.insertMany([
      { _id: 'a', customer: 'acme', quantity: 3 },
      { _id: 'b', customer: 'acme', quantity: 9 },
      { _id: 'c', customer: 'bolt', quantity: 5 },
      { _id: 'd', customer: 'acme', quantity: 1 },
    ]);
    const found = await rows
      .find({ customer: { $eq: 'acme' }, quantity: { $gte: 2 } })
      .sort({ quantity: -1, _id: 1 })
      .limit(1)
      .toArray();
    expect(found).toEqual([{ _id: 'b', customer: 'acme', quantity: 9 }]);
  });

  it('upserts with $set and $inc', async () => {
    const counters = db.collection<{ _id: string; name?: string; count?: number }>('counters');
    const first = await counters.updateOne(
      { _id: 'x' },
      { $set: { name: 'first' }, $inc: { count: 2 } },
      { upsert: true },
    );
    const second = await counters.updateOne(
      { _id: 'x' },
      { $set: { name: 'second' }, $inc: { count: 3 } },
      { upsert: true },
    );
    expect([first.upsertedCount, second.matchedCount, second.modifiedCount]).toEqual([1, 1, 1]);
    expect(await counters.findOne({ _id: 'x' })).toEqual({ _id: 'x', name: 'second', count: 5 });
  });

  it('creates a unique index that refuses a duplicate', async () => {
    const numbers = db.collection<{ _id: string; number: string }>('numbers');
    await numbers.createIndex({ number: 1 }, { unique: true, name: 'number_unique' });
    await numbers.insertOne({ _id: '1', number: 'CC-2024-0001' });
    const duplicate = await numbers
      .insertOne({ _id: '2', number: 'CC-2024-0001' })
      .catch((error: unknown) => error);
    expect(duplicate).toBeInstanceOf(MongoServerError);
    expect((duplicate as MongoServerError).code).toBe(11000);
    expect((await numbers.indexes()).map((index) => index.name)).toContain('number_unique');
  });

  it('runs an unordered bulkWrite of replaceOne upserts and deletes, then counts', async () => {
    const rows = db.collection<{ _id: string; v: number }>('bulk_rows');
    await rows.insertMany([
      { _id: 'keep', v: 0 },
      { _id: 'gone', v: 0 },
    ]);
    const result = await rows.bulkWrite(
      [
        { replaceOne: { filter: { _id: 'keep' }, replacement: { v: 1 }, upsert: true } },
        { replaceOne: { filter: { _id: 'new' }, replacement: { v: 2 }, upsert: true } },
        { deleteOne: { filter: { _id: 'gone' } } },
      ],
      { ordered: false },
    );
    expect([result.matchedCount, result.upsertedCount, result.deletedCount]).toEqual([1, 1, 1]);
    expect(await rows.countDocuments({})).toBe(2);
    expect(await rows.countDocuments({ v: { $gt: 1 } })).toBe(1);
  });

  it('renames a collection, and over an existing one with dropTarget where the server supports it', async () => {
    await db.collection('rename_shadow').insertOne({ _id: 'new' } as never);
    await db.collection('rename_live').insertOne({ _id: 'old' } as never);

    const withDropTarget = await db
      .renameCollection('rename_shadow', 'rename_live', { dropTarget: true })
      .then(() => 'renamed')
      .catch((error: unknown) => error);
    if (ferretDb) {
      // FerretDB 1.24: NotImplemented (238) for dropTarget; MongoReadStore.swap falls back to
      // drop + rename there.
      expect(withDropTarget).toBeInstanceOf(MongoServerError);
      expect((withDropTarget as MongoServerError).code).toBe(238);
      await db.dropCollection('rename_live');
      await db.renameCollection('rename_shadow', 'rename_live');
    } else {
      expect(withDropTarget).toBe('renamed');
    }
    expect(await db.collection('rename_live').find().toArray()).toEqual([{ _id: 'new' }]);
    const names = (await db.listCollections({}, { nameOnly: true }).toArray()).map((entry) => entry.name);
    expect(names).not.toContain('rename_shadow');
  });

  it('has no change streams on FerretDB 1.x (the read side does not use them)', async () => {
    if (!ferretDb) return;
    const stream = db.collection('watched').watch();
    const failure = await stream.tryNext().catch((error: unknown) => error);
    await stream.close();
    expect((failure as MongoServerError).code).toBe(238);
  });
});

import type { RecordedEvent } from '@qms/event-store';
import { SqliteReadStore, shadowCollection, type ReadStore, type StoredDocument } from '@qms/read-store';
import { FakeEventStore } from '../../testing/src/fake-event-store';
import { canonicalJson } from '@qms/audit';
import {
  compareReadModels,
  firstDifference,
  logUpTo,
  readModelChecksum,
  verifyProjection,
} from './compare';
import type { ProjectedDocument, Projection } from './projection';
import { ProjectionEngine } from './projection-engine';

type CountEvent = { readonly type: 'Counted'; readonly data: { readonly key: string; readonly amount: number } };
interface Count extends ProjectedDocument {
  readonly total: number;
  readonly seen: readonly number[];
}

const counts: Projection<CountEvent> = {
  name: 'counts',
  eventTypes: ['Counted'],
  collections: [{ name: 'counts' }, { name: 'countTotals' }],
  documentIds: (event) => [event.data.key],
  evolve: (document, event, id) => ({
    _id: id,
    total: ((document as Count | null)?.total ?? 0) + event.data.amount,
    seen: [...((document as Count | null)?.seen ?? []), event.data.amount],
  }),
  async afterBatch(_changes, store) {
    let sum = 0;
    for await (const count of store.stream<Count>('counts')) sum += count.total;
    await store.bulkWrite('countTotals', { upserts: [{ _id: 'all', sum }] });
  },
};
const decode = (recorded: RecordedEvent) => ({ type: recorded.type, data: recorded.data }) as unknown as CountEvent;

async function put<D extends StoredDocument>(store: ReadStore, collection: string, ...documents: D[]): Promise<void> {
  await store.bulkWrite(collection, { upserts: documents });
}

describe('canonicalJson and firstDifference', () => {
  it('writes equal documents alike whatever their key order', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { y: 2, x: 1 }], c: null } })).toBe(canonicalJson({ a: { c: null, d: [1, { x: 1, y: 2 }] }, b: 1 }));
    expect(canonicalJson({ a: [1, 2] })).not.toBe(canonicalJson({ a: [2, 1] }));
  });

  it('names the first path at which two documents differ', () => {
    expect(firstDifference({ a: 1, b: { c: [1, 2, { d: 'x' }] } }, { a: 1, b: { c: [1, 2, { d: 'y' }] } })).toBe('b.c[2].d');
    expect(firstDifference({ a: 1 }, { a: 1, z: null })).toBe('z');
    expect(firstDifference({ a: [1] }, { a: [1, 2] })).toBe('a[1]');
    expect(firstDifference({ a: { b: 1 } }, { a: { b: 1 } })).toBeNull();
  });
});

describe('compareReadModels', () => {
  it('finds missing, extra and changed documents, with the field that differs', async () => {
    const expected = SqliteReadStore.open({ path: ':memory:' });
    const actual = SqliteReadStore.open({ path: ':memory:' });
    await put(expected, 'counts', { _id: 'a', total: 1, _position: 3 } as StoredDocument, { _id: 'b', total: 2 } as StoredDocument, { _id: 'c', total: 3 } as StoredDocument);
    await put(actual, 'counts', { _position: 3, total: 1, _id: 'a' } as StoredDocument, { _id: 'c', total: 4 } as StoredDocument, { _id: 'd', total: 5 } as StoredDocument);
    await put(expected, 'countTotals', { _id: 'all', sum: 6 } as StoredDocument);
    await put(actual, 'countTotals', { _id: 'all', sum: 6 } as StoredDocument);

    const result = await compareReadModels(expected, actual, ['counts', 'countTotals']);
    expect(result).toEqual({
      equal: false,
      differenceCount: 3,
      documentsCompared: 4,
      differences: [
        { collection: 'counts', id: 'b', kind: 'missing' },
        { collection: 'counts', id: 'c', kind: 'changed', path: 'total' },
        { collection: 'counts', id: 'd', kind: 'extra' },
      ],
    });
    expect((await compareReadModels(expected, actual, ['counts'], { maxDifferences: 1 })).differences).toHaveLength(1);
    expect(await compareReadModels(expected, expected, ['counts', 'countTotals'])).toMatchObject({ equal: true, differences: [] });
  });

  it('compares _position too, unless told to ignore a field', async () => {
    const expected = SqliteReadStore.open({ path: ':memory:' });
    const actual = SqliteReadStore.open({ path: ':memory:' });
    await put(expected, 'counts', { _id: 'a', total: 1, _position: 3 } as StoredDocument);
    await put(actual, 'counts', { _id: 'a', total: 1, _position: 4 } as StoredDocument);
    expect((await compareReadModels(expected, actual, ['counts'])).differences).toEqual([{ collection: 'counts', id: 'a', kind: 'changed', path: '_position' }]);
    expect((await compareReadModels(expected, actual, ['counts'], { ignoreFields: ['_position'] })).equal).toBe(true);
  });

  it('compares shadow copies in the same store by their logical names', async () => {
    const store = SqliteReadStore.open({ path: ':memory:' });
    await put(store, 'counts', { _id: 'a', total: 1 } as StoredDocument);
    await put(store, shadowCollection('counts'), { _id: 'a', total: 1 } as StoredDocument);
    const shadow = { store, physical: shadowCollection };
    expect((await compareReadModels(store, shadow, ['counts'])).equal).toBe(true);
    await put(store, shadowCollection('counts'), { _id: 'a', total: 2 } as StoredDocument);
    expect((await compareReadModels(store, shadow, ['counts'])).differences).toEqual([{ collection: 'counts', id: 'a', kind: 'changed', path: 'total' }]);
  });
});

describe('readModelChecksum', () => {
  it('is the same for equal copies written in any order, and differs when one document does', async () => {
    const one = SqliteReadStore.open({ path: ':memory:' });
    const two = SqliteReadStore.open({ path: ':memory:' });
    await put(one, 'counts', { _id: 'a', total: 1, seen: [1] } as StoredDocument, { _id: 'b', total: 2, seen: [2] } as StoredDocument);
    await put(two, 'counts', { _id: 'b', seen: [2], total: 2 } as StoredDocument);
    await put(two, 'counts', { _id: 'a', seen: [1], total: 1 } as StoredDocument);
    const first = await readModelChecksum(one, ['counts', 'countTotals']);
    expect(first).toEqual(await readModelChecksum(two, ['counts', 'countTotals']));
    expect(first.documents).toBe(2);
    await put(two, 'counts', { _id: 'a', seen: [1], total: 3 } as StoredDocument);
    expect((await readModelChecksum(two, ['counts', 'countTotals'])).checksum).not.toBe(first.checksum);
  });
});

describe('logUpTo', () => {
  it('ends the log at a position, for reads and the head alike, and refuses appends', async () => {
    const events = new FakeEventStore({ positionStep: 2 });
    await events.append('s', ...Array.from({ length: 6 }, (_, i) => ({ type: 'Counted', data: { key: 'k', amount: i } })));
    const view = logUpTo(events, 7);
    expect(await view.headPosition()).toBe(7);
    expect((await view.readAll()).map((event) => event.position)).toEqual([2, 4, 6]);
    expect(await view.readAll({ fromPosition: 6 })).toEqual([]);
    expect((await view.readStream('s')).map((event) => event.revision)).toEqual([0, 1, 2]);
    await expect(view.appendToStream('s', [])).rejects.toThrow(/read-only/);
  });
});

describe('verifyProjection', () => {
  const setup = async () => {
    const events = new FakeEventStore({ positionStep: 3 });
    const live = SqliteReadStore.open({ path: ':memory:' });
    const engine = new ProjectionEngine<CountEvent>({ eventStore: events, readStore: live, projections: [counts], decodeEvent: decode, batchSize: 4 });
    const append = async (n: number) => {
      const positions = await events.append('s', ...Array.from({ length: n }, (_, i) => ({ type: 'Counted', data: { key: `k${i % 3}`, amount: i } })));
      expect(await engine.waitForPosition(positions[positions.length - 1] ?? 0, 5000)).toBe(true);
    };
    engine.start();
    return { events, live, engine, append };
  };

  it('finds a live copy equal to a rebuild up to its checkpoint, and names a tampered document', async () => {
    const { events, live, engine, append } = await setup();
    try {
      await append(20);
      const scratch = SqliteReadStore.open({ path: ':memory:' });
      const options = { eventStore: events, live, scratch, projection: counts, decodeEvent: decode };
      expect(await verifyProjection(options)).toMatchObject({ equal: true, settled: true, attempts: 1, eventsReplayed: 20, position: 60 });
      const tampered = await live.get<Count>('counts', 'k1');
      await put<Count>(live, 'counts', { ...(tampered as Count), total: -1 });
      expect(await verifyProjection(options)).toMatchObject({
        equal: false,
        settled: true,
        differences: [{ collection: 'counts', id: 'k1', kind: 'changed', path: 'total' }],
      });
    } finally {
      await engine.stop();
    }
  });

  it('compares again when the live copy moved on during a comparison', async () => {
    const { events, live, engine, append } = await setup();
    try {
      await append(8);
      let moved = false;
      // The live copy advances while the first comparison reads it.
      const moving: ReadStore = Object.assign(Object.create(live) as ReadStore, {
        stream: <D extends StoredDocument>(collection: string) => {
          if (!moved) {
            moved = true;
            return (async function* () {
              await append(5);
              yield* live.stream<D>(collection);
            })();
          }
          return live.stream<D>(collection);
        },
      });
      const result = await verifyProjection({ eventStore: events, live: moving, scratch: SqliteReadStore.open({ path: ':memory:' }), projection: counts, decodeEvent: decode });
      expect(result).toMatchObject({ equal: true, settled: true, attempts: 2, eventsReplayed: 13 });
    } finally {
      await engine.stop();
    }
  });
});

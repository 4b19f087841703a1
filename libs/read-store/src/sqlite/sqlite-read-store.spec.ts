import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import fc from 'fast-check';
import { StoreUnavailableError } from '@qms/domain-kernel';
import { describeReadStoreContract } from '../../../testing/src/read-store-contract';
import { streamByPages } from '../paged-stream';
import type { Filter, FindQuery, IndexSpec, Page, SortKey, StoredDocument } from '../read-store.port';
import { shadowCollection } from '../read-store.port';
import { SqliteReadStore } from './sqlite-read-store';

const opened: SqliteReadStore[] = [];

/** A document of any shape, as the port's StoredDocument. */
const doc = (document: StoredDocument & Record<string, unknown>): StoredDocument => document;

/** A store in memory, closed after the test. */
function memoryStore(): SqliteReadStore {
  const store = SqliteReadStore.open({ path: ':memory:' });
  opened.push(store);
  return store;
}

afterEach(async () => {
  for (const store of opened.splice(0)) await store.close();
});

describeReadStoreContract('SqliteReadStore in memory', () => {
  const store = SqliteReadStore.open({ path: ':memory:' });
  return { store, dispose: () => store.close() };
});

describeReadStoreContract('SqliteReadStore on a file', () => {
  const folder = mkdtempSync(join(tmpdir(), 'qms-read-store-'));
  const store = SqliteReadStore.open({ path: join(folder, 'read-models.db') });
  return {
    store,
    async dispose() {
      await store.close();
      rmSync(folder, { recursive: true, force: true });
    },
  };
});

describe('SqliteReadStore', () => {
  describe('indexed and unindexed queries answer as a brute-force filter and sort', () => {
    // Few distinct values, so that ties, equal prefixes and empty ranges are common.
    const value = fc.oneof(
      fc.constant(undefined),
      fc.constant(null),
      fc.integer({ min: 0, max: 4 }),
      fc.constantFrom('a', 'b', 'c'),
      fc.boolean(),
    );
    // t may hold arrays; it is filtered on, not sorted on (sort fields hold scalars).
    const document = fc.record({
      id: fc.integer({ min: 0, max: 40 }),
      x: value,
      y: value,
      z: value,
      t: fc.oneof(
        value,
        fc.array(
          value.filter((item) => item !== undefined),
          { maxLength: 3 },
        ),
        fc.record({ x: value }, { requiredKeys: [] }),
      ),
    });
    const field = fc.constantFrom('x', 'y', 'z');
    const scalar = fc.oneof(
      fc.constant(null),
      fc.integer({ min: 0, max: 4 }),
      fc.constantFrom('a', 'b', 'c'),
      fc.boolean(),
    );
    const bound = fc.oneof(fc.integer({ min: -1, max: 5 }), fc.constantFrom('a', 'b', 'c', 'd'));
    const condition = fc.oneof(
      scalar.map((eq) => ({ eq })),
      fc.array(scalar, { maxLength: 3 }).map((values) => ({ in: values })),
      fc.record({ gte: bound, lt: bound }, { requiredKeys: ['gte'] }),
      fc.record({ gt: bound, lte: bound }, { requiredKeys: ['lte'] }),
      fc.record({ gt: bound, gte: bound, lt: bound, lte: bound }, { requiredKeys: ['lt'] }),
      fc.boolean().map((exists) => ({ exists })),
    );
    const sortKey = fc.record({ field, direction: fc.constantFrom('asc' as const, 'desc' as const) });
    const query = fc.record({
      filter: fc.dictionary(fc.constantFrom('x', 'y', 'z', 't', 't.x'), condition, { maxKeys: 2 }),
      sort: fc.uniqueArray(sortKey, { maxLength: 2, selector: (key) => key.field }),
      limit: fc.integer({ min: 1, max: 7 }),
    });
    const indexes: IndexSpec[] = [
      { fields: [{ field: 'x', direction: 'asc' }] },
      { fields: [{ field: 'x', direction: 'desc' }] },
      {
        fields: [
          { field: 'y', direction: 'asc' },
          { field: 'x', direction: 'desc' },
        ],
      },
      {
        fields: [
          { field: 'z', direction: 'desc' },
          { field: 'y', direction: 'asc' },
        ],
      },
      {
        fields: [
          { field: 'x', direction: 'asc' },
          { field: 'y', direction: 'asc' },
          { field: 'z', direction: 'asc' },
        ],
      },
      // Arrays and objects have keys of their own; a path may run through a non-object.
      { fields: [{ field: 't', direction: 'asc' }] },
      // Pages in these orders among the documents holding a value of t are chosen from t's elements.
      {
        fields: [
          { field: 't', direction: 'asc' },
          { field: 'x', direction: 'desc' },
        ],
      },
      {
        fields: [
          { field: 't', direction: 'desc' },
          { field: 'y', direction: 'asc' },
          { field: 'z', direction: 'asc' },
        ],
      },
      { fields: [{ field: 't.x', direction: 'asc' }] },
    ];
    const toDocument = (raw: {
      id: number;
      x: unknown;
      y: unknown;
      z: unknown;
      t: unknown;
    }): StoredDocument => {
      const stored: Record<string, unknown> = { _id: `d${raw.id}` };
      for (const key of ['x', 'y', 'z', 't'] as const) if (raw[key] !== undefined) stored[key] = raw[key];
      return stored as unknown as StoredDocument;
    };

    it('over random documents, writes, filters, sorts and pages', async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.array(fc.array(document, { maxLength: 30 }), { minLength: 1, maxLength: 4 }),
          fc.array(fc.integer({ min: 0, max: 40 }), { maxLength: 10 }),
          fc.array(query, { minLength: 1, maxLength: 4 }),
          async (batches, deletions, queries) => {
            const indexed = memoryStore();
            // Indexed after its first batch: its indexes are built over the stored documents.
            const indexedLater = memoryStore();
            const plain = memoryStore();
            const stored = new Map<string, StoredDocument>();
            await indexed.ensureIndexes(ROWS, indexes);
            for (const [round, batch] of batches.entries()) {
              if (round === 1) await indexedLater.ensureIndexes(ROWS, indexes);
              const upserts = [...new Map(batch.map((raw) => [raw.id, toDocument(raw)])).values()];
              const deletes =
                round === 1
                  ? [...new Set(deletions)]
                      .map((id) => `d${id}`)
                      .filter((id) => !upserts.some((u) => u._id === id))
                  : [];
              for (const store of [indexed, indexedLater, plain]) await store.bulkWrite(ROWS, { upserts, deletes });
              for (const document of upserts) stored.set(document._id, document);
              for (const id of deletes) stored.delete(id);
              for (const raw of queries) {
                const q = raw as FindQuery;
                const expected = bruteForce([...stored.values()], q);
                expect(await allPages(indexed, q)).toEqual(expected);
                expect(await allPages(indexedLater, q)).toEqual(expected);
                expect(await allPages(plain, q)).toEqual(expected);
                expect(await indexed.count(ROWS, q.filter as Filter)).toBe(
                  await plain.count(ROWS, q.filter as Filter),
                );
              }
            }
          },
        ),
        { numRuns: 150, endOnFailure: true },
      );
    });
  });

  describe('pages sorted by id alone, or within a department and severity, answer as a brute-force filter and sort', () => {
    // Numbers cluster by r as complaint numbers do by receipt, unpadded as CC-2026-9999 before
    // CC-2026-10000, so a narrow r range is a stretch of ids that string order splits in two.
    const raw = fc.record({
      n: fc.integer({ min: 1, max: 12_000 }),
      suffix: fc.constantFrom('', '', '', '-1', '\uFF21', '\u{1F600}'),
      r: fc.oneof(
        { weight: 12, arbitrary: fc.integer({ min: -1, max: 1 }).map((jitter) => ({ jitter })) },
        { weight: 1, arbitrary: fc.constantFrom(null, undefined, 'x') },
      ),
      d: fc.constantFrom('a', 'b', 'c', null, undefined),
      s: fc.constantFrom('u', 'n', 'n', 'n'),
    });
    const toDocument = (
      { n, suffix, r, d, s }: typeof raw extends fc.Arbitrary<infer Raw> ? Raw : never,
      exotic: boolean,
    ): StoredDocument => {
      const _id = `CC-2026-${n}${exotic || suffix === '-1' ? suffix : ''}`;
      const stored: Record<string, unknown> = { _id, s };
      const value = r !== null && typeof r === 'object' ? Math.floor(n / 500) + r.jitter : r;
      if (value !== undefined) stored['r'] = value;
      if (d !== undefined) stored['d'] = d;
      return stored as unknown as StoredDocument;
    };
    const rCondition = fc.oneof(
      fc
        .tuple(fc.integer({ min: 0, max: 24 }), fc.integer({ min: 1, max: 3 }))
        .map(([gte, width]) => ({ gte, lt: gte + width })),
      fc.integer({ min: 0, max: 24 }).map((gt) => ({ gt })),
      fc.integer({ min: 0, max: 24 }).map((lte) => ({ lte })),
      fc.integer({ min: 0, max: 24 }).map((eq) => ({ eq })),
      // Bounds of two types: no index run can be bounded by them.
      fc.integer({ min: 0, max: 24 }).map((gte) => ({ gte, lt: 'y' })),
    );
    const query = fc.record({
      filter: fc.record(
        {
          r: rCondition,
          d: fc.oneof(
            fc.constantFrom('a', 'b', 'c', null).map((eq) => ({ eq })),
            fc.constant({ in: ['a', null] }),
          ),
          s: fc.constantFrom('u', 'n').map((eq) => ({ eq })),
        },
        { requiredKeys: [] },
      ),
      sort: fc.constantFrom<SortKey[]>(
        [{ field: '_id', direction: 'asc' }],
        [{ field: '_id', direction: 'desc' }],
        [{ field: 'r', direction: 'desc' }],
        [{ field: 'r', direction: 'asc' }],
      ),
      limit: fc.integer({ min: 1, max: 10 }),
      skip: fc.integer({ min: 0, max: 3 }),
    });
    const indexes: IndexSpec[] = [
      { fields: [{ field: 'r', direction: 'desc' }] },
      {
        fields: [
          { field: 'd', direction: 'asc' },
          { field: 'r', direction: 'desc' },
        ],
      },
      {
        fields: [
          { field: 'd', direction: 'asc' },
          { field: 's', direction: 'asc' },
          { field: 'r', direction: 'desc' },
        ],
      },
    ];

    it('over random documents, filters, both id orders, skips and every cursor', async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.array(raw, { minLength: 80, maxLength: 300 }),
          fc.boolean(),
          fc.array(query, { minLength: 1, maxLength: 4 }),
          fc.integer({ min: 0, max: 2 ** 31 - 1 }),
          async (raws, exotic, queries, deletionSeed) => {
            const store = memoryStore();
            await store.ensureIndexes(ROWS, indexes);
            const byId = new Map(raws.map((r) => toDocument(r, exotic)).map((d) => [d._id, d]));
            const upserts = [...byId.values()];
            const agreesWithBruteForce = async (stored: readonly StoredDocument[]) => {
              for (const q of queries) {
                const expected = bruteForce(stored, q);
                const { skip, ...unskipped } = q;
                expect(await allPages(store, unskipped)).toEqual(expected);
                const first = await store.find(ROWS, q);
                expect(first.items.map((item) => item._id)).toEqual(expected.slice(skip, skip + q.limit));
                expect(first.nextCursor === null).toBe(expected.length <= skip + q.limit);
              }
            };
            await store.bulkWrite(ROWS, { upserts });
            await agreesWithBruteForce(upserts);
            // Then a third of them go, so that the runs and the id comparison see deletions too.
            const deletes = new Set(
              upserts.filter((_, i) => (i * 7 + deletionSeed) % 3 === 0).map((d) => d._id),
            );
            await store.bulkWrite(ROWS, { deletes: [...deletes] });
            await agreesWithBruteForce(upserts.filter((d) => !deletes.has(d._id)));
          },
        ),
        { numRuns: 80, endOnFailure: true },
      );
    });

    it('takes the rest of a page sorted by id from the narrow run after the last id the walk tested, without repeating it', async () => {
      const store = memoryStore();
      await store.ensureIndexes(ROWS, [{ fields: [{ field: 'r', direction: 'asc' }] }]);
      // One match in every 64 ids: the walk in id order finds one, and its last test is that one.
      // (A range: an equality would fix r, and its run would be in id order itself.)
      const documents = Array.from(
        { length: 1000 },
        (_, i) => ({ _id: `k${String(i).padStart(4, '0')}`, r: i % 64 === 63 ? 1 : 0 }) as StoredDocument,
      );
      await store.bulkWrite(ROWS, { upserts: documents });
      const filter: Filter = { r: { gt: 0 } };
      for (const direction of ['asc', 'desc'] as const) {
        for (const limit of [5, 20]) {
          const query: FindQuery = { filter, sort: [{ field: '_id', direction }], limit };
          expect(await allPages(store, query)).toEqual(bruteForce(documents, query));
        }
      }
    });

    it('pages a month sorted by number as a brute-force sort, across CC-2026-9999 to CC-2026-10000 and a reopened complaint', async () => {
      const store = memoryStore();
      await store.ensureIndexes(ROWS, [{ fields: [{ field: 'receivedAt', direction: 'desc' }] }]);
      const receivedAt = (n: number) => new Date(Date.UTC(2026, 0, 1) + n * 3_600_000).toISOString();
      const documents: StoredDocument[] = [];
      for (let n = 9_000; n < 11_000; n++)
        documents.push({ _id: `CC-2026-${n}`, receivedAt: receivedAt(n - 9_000) } as StoredDocument);
      // Reopened late in the month: its number is an old one's.
      documents.push({ _id: 'CC-2026-8552-1', receivedAt: receivedAt(1_500) } as StoredDocument);
      // Ids ordered differently by code point (MongoDB) than by UTF-16 unit, where the walk in id
      // order has given up and the page comes from the month's run.
      const exotic = [
        'CC-2026-9950\uFF21',
        'CC-2026-9950\u{1F600}',
        'CC-2026-10650\uFF21',
        'CC-2026-10650\u{1F600}',
      ];
      for (const _id of exotic) documents.push({ _id, receivedAt: receivedAt(1_000) } as StoredDocument);
      await store.bulkWrite(ROWS, { upserts: documents });
      const filter: Filter = { receivedAt: { gte: receivedAt(900), lt: receivedAt(1_600) } };
      for (const direction of ['asc', 'desc'] as const) {
        const sort: SortKey[] = [{ field: '_id', direction }];
        const expected = bruteForce(documents, { filter, sort, limit: 50 });
        expect(expected).toHaveLength(705);
        expect(expected.slice(0, 2)).toEqual(
          direction === 'asc' ? ['CC-2026-10000', 'CC-2026-10001'] : ['CC-2026-9999', 'CC-2026-9998'],
        );
        expect(await allPages(store, { filter, sort, limit: 50 })).toEqual(expected);
      }
      // Two of those ids go; the two left must still be ordered by code point.
      const deletes = ['CC-2026-9950\uFF21', 'CC-2026-9950\u{1F600}'];
      await store.bulkWrite(ROWS, { deletes });
      const kept = documents.filter((document) => !deletes.includes(document._id));
      for (const direction of ['asc', 'desc'] as const) {
        const query: FindQuery = { filter, sort: [{ field: '_id', direction }], limit: 50 };
        expect(await allPages(store, query)).toEqual(bruteForce(kept, query));
      }
    });
  });

  describe('streams without a sort answer exactly as paging through find', () => {
    // Ids whose UTF-16 order differs from their code-point order, so the id sort is tested too.
    const id = fc
      .array(fc.constantFrom('a', 'Z', '\uFF21', '\u{1F600}', '中'), { minLength: 1, maxLength: 3 })
      .map((parts) => parts.join(''));
    const value = fc.oneof(
      fc.constant(undefined),
      fc.constant(null),
      fc.integer({ min: 0, max: 3 }),
      fc.constantFrom('a', 'b'),
    );
    const field = fc.constantFrom('x', 'y');
    const scalar = fc.oneof(fc.constant(null), fc.integer({ min: 0, max: 3 }), fc.constantFrom('a', 'b'));
    const condition = fc.oneof(
      scalar.map((eq) => ({ eq })),
      fc.array(scalar, { maxLength: 3 }).map((values) => ({ in: values })),
      fc.record(
        { gte: fc.integer({ min: 0, max: 3 }), lt: fc.integer({ min: 0, max: 4 }) },
        { requiredKeys: ['lt'] },
      ),
      fc.boolean().map((exists) => ({ exists })),
    );
    const query = fc.record(
      {
        filter: fc.dictionary(field, condition, { maxKeys: 2 }),
        skip: fc.integer({ min: 0, max: 5 }),
        limit: fc.integer({ min: 1, max: 12 }),
        sort: fc.constant([{ field: '_id', direction: 'asc' as const }]),
      },
      { requiredKeys: ['filter'] },
    );
    const indexes: IndexSpec[] = [
      { fields: [{ field: 'x', direction: 'asc' }] },
      {
        fields: [
          { field: 'y', direction: 'desc' },
          { field: 'x', direction: 'asc' },
        ],
      },
    ];
    const collect = async (documents: AsyncIterable<StoredDocument>): Promise<string[]> => {
      const ids: string[] = [];
      for await (const document of documents) ids.push(document._id);
      return ids;
    };

    it('over random documents, filters, skips and limits', async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.array(fc.record({ id, x: value, y: value }), { maxLength: 60 }),
          fc.array(query, { minLength: 1, maxLength: 4 }),
          async (raws, queries) => {
            const indexed = memoryStore();
            await indexed.ensureIndexes(ROWS, indexes);
            const upserts = [...new Map(raws.map((raw) => [raw.id, raw])).values()].map(({ id, x, y }) => {
              const stored: Record<string, unknown> = { _id: id };
              if (x !== undefined) stored['x'] = x;
              if (y !== undefined) stored['y'] = y;
              return stored as unknown as StoredDocument;
            });
            await indexed.bulkWrite(ROWS, { upserts });
            for (const q of queries as FindQuery[]) {
              // Pages of three: the paged path with its cursors, next to the one-pass stream.
              const paged = await collect(streamByPages((page) => indexed.find(ROWS, page), q, 3));
              expect(await collect(indexed.stream(ROWS, q))).toEqual(paged);
              const { sort: _sort, ...unsorted } = q;
              expect(await collect(indexed.stream(ROWS, unsorted))).toEqual(paged);
            }
          },
        ),
        { numRuns: 200, endOnFailure: true },
      );
    });

    it('orders ids by code point when it sorts the matches of a narrow run', async () => {
      const store = memoryStore();
      await store.ensureIndexes(ROWS, indexes);
      const wanted = ['a', 'z', '\uFF21', '\u{1F600}'];
      await store.bulkWrite(ROWS, {
        upserts: [
          ...[...wanted].reverse().map((_id) => ({ _id, x: 1 })),
          ...Array.from({ length: 100 }, (_, i) => ({ _id: `other${i}`, x: 2 })),
        ],
      });
      // A range: its run is in x order, not id order, so the matches are sorted.
      expect(await collect(store.stream(ROWS, { filter: { x: { gte: 1, lt: 2 } } }))).toEqual(wanted);
    });

    it('is a snapshot: writes during the stream neither break it nor show up in it', async () => {
      const store = memoryStore();
      await store.ensureIndexes(ROWS, indexes);
      await store.bulkWrite(ROWS, {
        upserts: Array.from({ length: 10 }, (_, i) => ({ _id: `r${i}`, x: i % 2 })),
      });
      const seen: string[] = [];
      for await (const document of store.stream(ROWS, { filter: { x: { eq: 0 } } })) {
        seen.push(document._id);
        await store.bulkWrite(ROWS, { upserts: [{ _id: `r${seen.length}a`, x: 0 }], deletes: ['r8'] });
      }
      expect(seen).toEqual(['r0', 'r2', 'r4', 'r6', 'r8']);
    });

    it('still refuses a bad query', async () => {
      const store = memoryStore();
      await expect(collect(store.stream(ROWS, { filter: { $where: { eq: 1 } } }))).rejects.toThrow(/filter/);
    });
  });

  describe('indexes SQLite uses', () => {
    const newestFirst: SortKey[] = [{ field: 'receivedAt', direction: 'desc' }];
    let store: SqliteReadStore;

    beforeEach(async () => {
      store = memoryStore();
      await store.ensureIndexes(ROWS, [
        { fields: newestFirst },
        { fields: [{ field: 'customerId', direction: 'asc' }, ...newestFirst] },
        {
          fields: [
            { field: 'closedAt', direction: 'asc' },
            { field: 'receivedAt', direction: 'asc' },
          ],
        },
      ]);
      await store.bulkWrite(ROWS, {
        upserts: Array.from({ length: 200 }, (_, i) => ({
          _id: `CC-${String(i).padStart(4, '0')}`,
          customerId: `c${i % 7}`,
          receivedAt: `2024-${String((i % 12) + 1).padStart(2, '0')}-01`,
          closedAt: i % 3 === 0 ? null : '2025-01-01',
        })),
      });
    });

    const plan = async (query: FindQuery): Promise<string> =>
      (await store.explainFind(ROWS, query)).join(' | ');

    it.each<[string, FindQuery, RegExp]>([
      ['a sorted page', { sort: newestFirst, limit: 50 }, /^SCAN rows USING COVERING INDEX rows__ix_\w+$/],
      [
        'an equality with the sort after it',
        { filter: { customerId: { eq: 'c3' } }, sort: newestFirst, limit: 50 },
        /^SEARCH rows USING COVERING INDEX rows__ix_\w+ \(<expr>=\?\)$/,
      ],
      [
        'a range on the sort field',
        { filter: { receivedAt: { gte: '2024-03', lt: '2024-05' } }, sort: newestFirst, limit: 50 },
        /^SEARCH rows USING COVERING INDEX rows__ix_\w+ \(<expr>>\? AND <expr><\?\)$/,
      ],
      [
        'null equality, then a range (open complaints received before a date)',
        {
          filter: { closedAt: { eq: null }, receivedAt: { lt: '2024-06' } },
          sort: [{ field: 'receivedAt', direction: 'asc' }],
        },
        /USING INDEX rows__ix_\w+ \(<expr>=\? AND <expr>>\? AND <expr><\?\)/,
      ],
    ])('chooses the rows of %s from an index, without sorting', async (_label, query, expected) => {
      const steps = await plan(query);
      expect(steps).toMatch(expected);
      expect(steps).not.toMatch(/TEMP B-TREE/);
    });

    it('chooses a page of many matches sorted on another key from the index alone, reading only the page', async () => {
      // As a live collection has it: the index before the documents, so no statistics yet (with
      // them, SQLite may as well walk the receivedAt index and test two rows in three).
      const { items } = await store.find(ROWS);
      await store.drop(ROWS);
      await store.ensureIndexes(ROWS, [{ fields: [{ field: 'closedAt', direction: 'asc' as const }, ...newestFirst] }]);
      await store.bulkWrite(ROWS, { upserts: items });
      const query: FindQuery = { filter: { closedAt: { gt: '2024' } }, sort: newestFirst, limit: 5 };
      // The sort key is in the index: the matches are sorted on index entries, not documents.
      expect(await plan(query)).toMatch(/^SEARCH rows USING COVERING INDEX rows__ix_\w+ \(<expr>>\? AND <expr><\?\) \| USE TEMP B-TREE FOR ORDER BY$/);
      const expected = [...(await store.find<StoredDocument & { receivedAt: string }>(ROWS, { filter: query.filter })).items]
        .sort((a, b) => (a.receivedAt === b.receivedAt ? (a._id < b._id ? -1 : 1) : a.receivedAt < b.receivedAt ? 1 : -1))
        .slice(0, 5);
      expect((await store.find(ROWS, query)).items).toEqual(expected);
    });

    it('starts the next page at the cursor in the index', async () => {
      const first = await store.find(ROWS, {
        filter: { customerId: { eq: 'c3' } },
        sort: newestFirst,
        limit: 5,
      });
      const steps = await plan({
        filter: { customerId: { eq: 'c3' } },
        sort: newestFirst,
        limit: 5,
        after: first.nextCursor ?? '',
      });
      expect(steps).toMatch(/^SEARCH rows USING COVERING INDEX rows__ix_\w+ \(<expr>=\? AND <expr><\?\)$/);
    });

    it('keeps using the index for a field once an array was stored there, and still finds the array', async () => {
      await store.bulkWrite(ROWS, {
        upserts: [{ _id: 'multi', customerId: ['c3', 'c4'], receivedAt: '2024-01-01' }],
      });
      expect(await plan({ filter: { customerId: { eq: 'c3' } } })).toMatch(/INDEX rows__ix_\w+/);
      const found = await store.find(ROWS, { filter: { customerId: { eq: 'c4' } }, sort: newestFirst });
      expect(found.items.map((item) => item._id)).toContain('multi');
    });

    it('plans by statistics taken when indexes are built over a filled table, and keeps them through the swap', async () => {
      const folder = mkdtempSync(join(tmpdir(), 'qms-read-store-'));
      const path = join(folder, 'read-models.db');
      const writer = SqliteReadStore.open({ path });
      opened.push(writer);
      // Five years of complaints, each closed a month after receipt. Those received in June 2021
      // and still open at its end: the month's range on receivedAt is the narrow one.
      const shadow = shadowCollection('facts');
      const day = 24 * 3600 * 1000;
      const facts = Array.from({ length: 3000 }, (_, i) => {
        const received = Date.UTC(2020, 0, 1) + (i % 1826) * day;
        return { _id: `CC-${String(i).padStart(5, '0')}`, receivedAt: new Date(received).toISOString(), closedAt: new Date(received + 30 * day).toISOString() };
      });
      await writer.bulkWrite(shadow, { upserts: facts });
      await writer.ensureIndexes(shadow, [{ fields: [{ field: 'receivedAt', direction: 'asc' }] }, { fields: [{ field: 'closedAt', direction: 'desc' }] }]);
      const openAtEndOfJune2021 = { filter: { receivedAt: { gte: '2021-06-01', lt: '2021-07-01' }, closedAt: { gte: '2021-07-01' } } };
      const indexOf = async (on: SqliteReadStore, collection: string, query: FindQuery) => /INDEX (\w+)/.exec((await on.explainFind(collection, query)).join(' | '))?.[1];
      const receivedIndex = await indexOf(writer, shadow, { filter: { receivedAt: { gte: '2021-06-01', lt: '2021-07-01' } } });
      const closedIndex = await indexOf(writer, shadow, { filter: { closedAt: { gte: '2021-06-01', lt: '2021-06-10' } } });
      expect(new Set([receivedIndex, closedIndex]).size).toBe(2);
      expect(await indexOf(writer, shadow, openAtEndOfJune2021)).toBe(receivedIndex);

      expect(await writer.swap('facts')).toBe(true);
      // A connection opened after the swap, as the API's readers are.
      const reader = SqliteReadStore.open({ path, readonly: true });
      opened.push(reader);
      expect(await indexOf(reader, 'facts', openAtEndOfJune2021)).toBe(receivedIndex);
      const expected = facts.filter((fact) => fact.receivedAt >= '2021-06-01' && fact.receivedAt < '2021-07-01' && fact.closedAt >= '2021-07-01');
      expect((await reader.find('facts', openAtEndOfJune2021)).items).toEqual(expected);
      // The statistics went with the table: a connection that loads them finds them under its name.
      const raw = new Database(path, { readonly: true });
      const statisticsOf = (table: string) => raw.prepare<[string], { idx: string }>('SELECT idx FROM sqlite_stat1 WHERE tbl = ? ORDER BY idx').all(table).map((row) => row.idx);
      expect(statisticsOf('facts')).toEqual([closedIndex, receivedIndex, 'sqlite_autoindex_facts_1'].sort());
      expect(statisticsOf(shadow)).toEqual([]);
      raw.close();
      rmSync(folder, { recursive: true, force: true });
    });

    it('creates each index once, and a rebuilt collection keeps its indexes through the swap', async () => {
      const specs = [{ fields: newestFirst }];
      await store.ensureIndexes(ROWS, specs);
      await store.ensureIndexes(shadowCollection(ROWS), specs);
      await store.bulkWrite(shadowCollection(ROWS), { upserts: [{ _id: 'a', receivedAt: '2024-01-01' }] });
      expect(await store.swap(ROWS)).toBe(true);
      expect(await plan({ sort: newestFirst, limit: 5 })).toMatch(/USING COVERING INDEX rows__rebuild__ix_\w+/);
      // The next rebuild's shadow finds the name of its index taken by the live table's.
      await store.ensureIndexes(shadowCollection(ROWS), specs);
      await store.bulkWrite(shadowCollection(ROWS), { upserts: [{ _id: 'b', receivedAt: '2024-02-01' }] });
      expect(await store.swap(ROWS)).toBe(true);
      await store.ensureIndexes(ROWS, specs);
      expect(await plan({ sort: newestFirst, limit: 5 })).toMatch(/USING COVERING INDEX rows__rebuild__ix_\w+_2/);
      expect((await store.find(ROWS)).items).toEqual([{ _id: 'b', receivedAt: '2024-02-01' }]);
    });
  });

  describe('array elements of indexed fields', () => {
    const newestFirst: SortKey[] = [{ field: 'receivedAt', direction: 'desc' }];
    const byMonths: IndexSpec = { fields: [{ field: 'months', direction: 'asc' }, ...newestFirst] };
    // Months a complaint was overdue at; every seventh one in 2024-05.
    const complaints = Array.from({ length: 300 }, (_, i) => ({
      _id: `CC-${String(i).padStart(4, '0')}`,
      receivedAt: `2024-${String((i % 12) + 1).padStart(2, '0')}-${String((i % 28) + 1).padStart(2, '0')}`,
      months: i % 7 === 0 ? ['2024-04', '2024-05'] : i % 5 === 0 ? ['2024-06'] : [],
    }));
    const inMay: FindQuery = { filter: { months: { in: ['2024-05', 'from/0/24292'] } }, sort: newestFirst, limit: 10 };
    const expectedInMay = complaints
      .filter((complaint) => complaint.months.includes('2024-05'))
      .sort((a, b) => (a.receivedAt === b.receivedAt ? (a._id < b._id ? -1 : 1) : a.receivedAt < b.receivedAt ? 1 : -1))
      .map((complaint) => complaint._id);
    const allPagesOf = async (store: SqliteReadStore, query: FindQuery): Promise<string[]> => {
      const found: string[] = [];
      let after: string | null = null;
      do {
        const page: Page<StoredDocument> = await store.find(ROWS, { ...query, ...(after === null ? {} : { after }) });
        found.push(...page.items.map((item) => item._id));
        after = page.nextCursor;
      } while (after !== null);
      return found;
    };
    /** Rows of the collection's element tables (`_elements_<collection>__<signature>`). */
    const elementRows = (store: SqliteReadStore, collection: string): number => {
      // The store's own connection: an in-memory file is not shared.
      const db = (store as unknown as { db: Database.Database }).db;
      const prefix = `_elements_${collection}__`;
      const tables = db
        .prepare<[], { name: string }>("SELECT name FROM sqlite_schema WHERE type = 'table'")
        .all()
        .map((row) => row.name)
        .filter((name) => name.startsWith(prefix) && /^[0-9a-f]{12}$/.test(name.slice(prefix.length)));
      return tables.reduce((n, table) => n + (db.prepare(`SELECT count(*) AS n FROM "${table}"`).get() as { n: number }).n, 0);
    };

    it('finds the documents holding a value from the element index, without reading the others', async () => {
      for (const indexFirst of [true, false]) {
        const store = memoryStore();
        if (indexFirst) await store.ensureIndexes(ROWS, [byMonths, { fields: newestFirst }]);
        await store.bulkWrite(ROWS, { upserts: complaints });
        // Built over the filled table, as after a rebuild's replay: the elements are copied in then.
        if (!indexFirst) await store.ensureIndexes(ROWS, [byMonths, { fields: newestFirst }]);
        // The page, in the index's order: chosen from index entries alone, sorted on their keys.
        const steps = (await store.explainFind(ROWS, inMay)).join(' | ');
        expect(steps).toMatch(/SEARCH element USING COVERING INDEX _elements_rows__\w{12}__ix_by_key \(key=\?\)/);
        expect(steps).not.toMatch(/SCAN rows|SEARCH rows USING INDEX/);
        // In another order, the matches are still found from the element index.
        const byId = (await store.explainFind(ROWS, { ...inMay, sort: [] })).join(' | ');
        expect(byId).toMatch(/SEARCH _elements_rows__\w{12} USING COVERING INDEX _elements_rows__\w{12}__ix_by_key \(key=\?\)/);
        expect(byId).not.toMatch(/SCAN rows/);
        expect((await store.find(ROWS, { filter: inMay.filter })).items.map((item) => item._id)).toEqual([...expectedInMay].sort());
        expect(await allPagesOf(store, inMay)).toEqual(expectedInMay);
        expect(await store.count(ROWS, inMay.filter)).toBe(expectedInMay.length);
        expect(elementRows(store, ROWS)).toBe(complaints.reduce((n, complaint) => n + complaint.months.length, 0));
      }
    });

    it('pages the holders of some values in an element index\'s order as a brute-force filter and sort', async () => {
      const scalar = fc.oneof(fc.constant(null), fc.integer({ min: 0, max: 3 }), fc.constantFrom('a', 'b'), fc.boolean());
      const row = fc.record({
        id: fc.integer({ min: 0, max: 30 }),
        t: fc.oneof(fc.constant(undefined), scalar, fc.array(scalar, { maxLength: 4 })),
        x: fc.oneof(fc.constant(undefined), scalar),
        y: fc.oneof(fc.constant(undefined), fc.integer({ min: 0, max: 2 })),
      });
      const orders: SortKey[][] = [[], [{ field: 'x', direction: 'desc' }], [{ field: 'x', direction: 'asc' }, { field: 'y', direction: 'desc' }]];
      const held = fc.oneof(scalar.map((eq) => ({ eq })), fc.array(scalar, { minLength: 1, maxLength: 4 }).map((values) => ({ in: values })));
      await fc.assert(
        fc.asyncProperty(
          fc.array(row, { maxLength: 40 }),
          fc.array(fc.record({ t: held, y: fc.option(fc.integer({ min: 0, max: 2 }), { nil: undefined }), order: fc.integer({ min: 0, max: 2 }), limit: fc.integer({ min: 1, max: 4 }) }), { minLength: 1, maxLength: 5 }),
          async (rows, queries) => {
            const store = memoryStore();
            await store.ensureIndexes(ROWS, orders.map((order) => ({ fields: [{ field: 't', direction: 'asc' as const }, ...order] })));
            const documents = [...new Map(rows.map((raw) => {
              const document: StoredDocument & Record<string, unknown> = { _id: `d${raw.id}` };
              for (const key of ['t', 'x', 'y'] as const) if (raw[key] !== undefined) document[key] = raw[key];
              return [raw.id, document];
            })).values()];
            await store.bulkWrite(ROWS, { upserts: documents });
            for (const raw of queries) {
              const query: FindQuery = { filter: { t: raw.t, ...(raw.y === undefined ? {} : { y: { eq: raw.y } }) }, sort: orders[raw.order], limit: raw.limit };
              expect(await allPages(store, query)).toEqual(bruteForce(documents, query));
              if (documents.some((document) => Array.isArray((document as { t?: unknown }).t))) {
                expect((await store.explainFind(ROWS, query)).join(' | ')).toMatch(/SEARCH element USING COVERING INDEX/);
              }
            }
          },
        ),
        { numRuns: 200, endOnFailure: true },
      );
    });

    it('follows rewrites and deletions, and leaves no element of a deleted document behind', async () => {
      const store = memoryStore();
      await store.ensureIndexes(ROWS, [byMonths]);
      await store.bulkWrite(ROWS, { upserts: complaints });
      const [first, second, third] = expectedInMay as [string, string, string];
      await store.bulkWrite(ROWS, {
        upserts: [{ _id: first, receivedAt: '2024-01-01', months: ['2024-04'] }, { _id: 'CC-9999', receivedAt: '2023-01-01', months: ['2024-05', '2024-05'] }],
        deletes: [second],
      });
      await store.commit({ writes: [{ collection: ROWS, deletes: [third] }] });
      expect(await allPagesOf(store, inMay)).toEqual([...expectedInMay.slice(3), 'CC-9999']);
      const monthsHeld = complaints.filter((complaint) => ![first, second, third].includes(complaint._id)).reduce((n, complaint) => n + complaint.months.length, 0);
      // The first keeps one month, CC-9999 holds its repeated month once.
      expect(elementRows(store, ROWS)).toBe(monthsHeld + 1 + 1);
    });

    it('swaps a rebuilt collection in with its elements, and drops them with it', async () => {
      const store = memoryStore();
      await store.ensureIndexes(ROWS, [byMonths]);
      await store.bulkWrite(ROWS, { upserts: [{ _id: 'old', receivedAt: '2020-01-01', months: ['2024-05'] }] });
      for (const round of [1, 2]) {
        const shadow = shadowCollection(ROWS);
        await store.bulkWrite(shadow, { upserts: complaints });
        await store.ensureIndexes(shadow, [byMonths]);
        expect(await store.swap(ROWS)).toBe(true);
        // The second shadow finds the live elements' index name taken, and takes another.
        expect((await store.explainFind(ROWS, inMay)).join(' | ')).toMatch(round === 1 ? /_elements_rows__rebuild__\w{12}__ix_by_key \(/ : /_elements_rows__rebuild__\w{12}__ix_by_key_2 \(/);
        expect(await allPagesOf(store, inMay)).toEqual(expectedInMay);
        expect(elementRows(store, shadowCollection(ROWS))).toBe(0);
      }
      await store.drop(ROWS);
      expect(elementRows(store, ROWS)).toBe(0);
      // Indexed anew, a field's first array starts its elements again.
      await store.ensureIndexes(ROWS, [byMonths]);
      await store.bulkWrite(ROWS, { upserts: complaints.slice(0, 8) });
      expect(await allPagesOf(store, inMay)).toEqual(['CC-0007', 'CC-0000']);
      await store.clear();
      expect(elementRows(store, ROWS)).toBe(0);
    });
  });

  describe('on a file', () => {
    let folder: string;
    let path: string;

    beforeEach(() => {
      folder = mkdtempSync(join(tmpdir(), 'qms-read-store-'));
      path = join(folder, 'data', 'read-models.db');
    });

    afterEach(() => {
      rmSync(folder, { recursive: true, force: true });
    });

    it('opens a file written before origins were recorded: no origin, its checkpoints kept, and one can be recorded', async () => {
      const writer = SqliteReadStore.open({ path });
      await writer.saveCheckpoint('list', { position: 12, version: 1 });
      await writer.close();
      // As the previous version left it: the same schema without the origin table.
      const raw = new Database(path);
      raw.exec('DROP TABLE read_model_origin');
      raw.close();

      const reader = SqliteReadStore.open({ path, readonly: true });
      opened.push(reader);
      expect(await reader.getOrigin()).toBeNull();
      const reopened = SqliteReadStore.open({ path });
      opened.push(reopened);
      expect(await reopened.getOrigin()).toBeNull();
      expect(await reopened.listCheckpoints()).toEqual(new Map([['list', { position: 12, version: 1 }]]));
      const origin = {
        firstEventId: 'c8a4a1f0-93b4-4c39-9a53-41c9f5b0e0d1',
        firstPosition: 1,
        recordedAt: '2026-12-06T08:00:00.000Z',
      };
      await reopened.saveOrigin(origin);
      expect(await reader.getOrigin()).toEqual(origin);
    });

    it('opens a file of schema 1, whose indexed arrays have no elements yet, and copies them in when the indexes are ensured', async () => {
      const byTags: IndexSpec = { fields: [{ field: 'tags', direction: 'asc' }] };
      const writer = SqliteReadStore.open({ path });
      await writer.ensureIndexes(ROWS, [byTags]);
      await writer.bulkWrite(ROWS, { upserts: [{ _id: 'a', tags: ['x', 'y'] }, { _id: 'b', tags: ['y'] }, { _id: 'c', tags: 'x' }] });
      await writer.close();
      // As schema 1 left it: the index on tags, no record of indexed fields, no elements.
      const raw = new Database(path);
      const elementTables = raw.prepare<[], { name: string }>("SELECT name FROM sqlite_schema WHERE type = 'table' AND name LIKE '\\_elements\\_%' ESCAPE '\\'").all();
      expect(elementTables).toHaveLength(1);
      for (const { name } of elementTables) raw.exec(`DROP TABLE "${name}"`);
      raw.exec('DROP TABLE _index_specs; PRAGMA user_version = 1');
      raw.close();

      expect(() => SqliteReadStore.open({ path, readonly: true })).toThrow(/schema 1, this application reads schema 2/);
      const reopened = SqliteReadStore.open({ path });
      opened.push(reopened);
      // Until the indexes are ensured, arrays are read from each document.
      const tagged = async () => (await reopened.find(ROWS, { filter: { tags: { eq: 'x' } } })).items.map((item) => item._id);
      expect(await tagged()).toEqual(['a', 'c']);
      expect((await reopened.explainFind(ROWS, { filter: { tags: { eq: 'x' } } })).join(' | ')).not.toMatch(/_elements_rows__/);
      await reopened.ensureIndexes(ROWS, [byTags]);
      expect((await reopened.explainFind(ROWS, { filter: { tags: { eq: 'x' } } })).join(' | ')).toMatch(/_elements_rows__/);
      expect(await tagged()).toEqual(['a', 'c']);
      // A writer of schema 1 would not keep the elements: the file now refuses it.
      const version = new Database(path, { readonly: true });
      expect(version.pragma('user_version', { simple: true })).toBe(2);
      version.close();
    });

    it('reads, queries and rewrites documents an earlier version stored as JSON text, beside the binary ones it stores now', async () => {
      const writer = SqliteReadStore.open({ path });
      await writer.saveCheckpoint('list', { position: 2, version: 1 });
      await writer.close();
      // As the previous version left a collection: documents as JSON text, an index over them.
      const earlier = new Database(path);
      earlier.exec('CREATE TABLE rows (id TEXT PRIMARY KEY NOT NULL, doc TEXT NOT NULL)');
      const insert = earlier.prepare('INSERT INTO rows (id, doc) VALUES (?, ?)');
      insert.run('a', JSON.stringify({ _id: 'a', n: 3, tags: ['x'], note: 'π \u2028 "quoted"' }));
      insert.run('b', JSON.stringify({ _id: 'b', n: 1, tags: ['y'], note: null }));
      earlier.close();

      const store = SqliteReadStore.open({ path });
      opened.push(store);
      await store.ensureIndexes(ROWS, [{ fields: [{ field: 'n', direction: 'asc' }] }]);
      await store.bulkWrite(ROWS, { upserts: [{ _id: 'c', n: 2, tags: ['x'], note: 'new' }, { _id: 'b', n: 4, tags: ['y'], note: null }] });

      const stored = new Database(path, { readonly: true });
      const kinds = stored.prepare<[], { id: string; kind: string }>('SELECT id, typeof(doc) AS kind FROM rows ORDER BY id').all();
      stored.close();
      expect(kinds).toEqual([
        { id: 'a', kind: 'text' },
        { id: 'b', kind: 'blob' },
        { id: 'c', kind: 'blob' },
      ]);
      expect(await store.get(ROWS, 'a')).toEqual({ _id: 'a', n: 3, tags: ['x'], note: 'π \u2028 "quoted"' });
      expect([...(await store.getMany(ROWS, ['a', 'c'])).keys()].sort()).toEqual(['a', 'c']);
      const byN = await store.find(ROWS, { sort: [{ field: 'n', direction: 'asc' }] });
      expect(byN.items.map((document) => document._id)).toEqual(['c', 'a', 'b']);
      const tagged = await store.find(ROWS, { filter: { tags: { eq: 'x' }, n: { gte: 2 } }, sort: [{ field: 'n', direction: 'desc' }] });
      expect(tagged.items.map((document) => document._id)).toEqual(['a', 'c']);
    });

    it('keeps documents and checkpoints across a reopen, in WAL mode', async () => {
      const writer = SqliteReadStore.open({ path });
      await writer.commit({
        writes: [{ collection: ROWS, upserts: [doc({ _id: 'a', n: 1 })] }],
        checkpoint: { name: 'list', checkpoint: { position: 41, version: 3 } },
      });
      await writer.close();

      const reopened = SqliteReadStore.open({ path });
      opened.push(reopened);
      expect(await reopened.getCheckpoint('list')).toEqual({ position: 41, version: 3 });
      expect(await reopened.get(ROWS, 'a')).toEqual(doc({ _id: 'a', n: 1 }));
      const raw = new Database(path, { readonly: true });
      expect(raw.pragma('journal_mode', { simple: true })).toBe('wal');
      raw.close();
    });

    it('lets a reader connection see committed data only, and refuse to write', async () => {
      const writer = SqliteReadStore.open({ path });
      opened.push(writer);
      await writer.bulkWrite(ROWS, { upserts: [{ _id: 'a' }] });
      const reader = SqliteReadStore.open({ path, readonly: true });
      opened.push(reader);
      expect(await reader.count(ROWS)).toBe(1);

      // A transaction in progress on another connection to the file: the reader keeps the last commit.
      const raw = new Database(path);
      raw.exec('BEGIN IMMEDIATE');
      raw.prepare('INSERT INTO rows (id, doc) VALUES (?, ?)').run('b', JSON.stringify({ _id: 'b' }));
      expect(await reader.count(ROWS)).toBe(1);
      raw.exec('COMMIT');
      raw.close();
      expect(await reader.count(ROWS)).toBe(2);

      await expect(reader.bulkWrite(ROWS, { upserts: [{ _id: 'c' }] })).rejects.toThrow(/readonly/);
    });

    it('answers StoreUnavailableError once closed, and refuses a reader on a file no writer created', async () => {
      const writer = SqliteReadStore.open({ path });
      await writer.close();
      await expect(writer.checkHealth()).rejects.toBeInstanceOf(StoreUnavailableError);
      await expect(writer.get(ROWS, 'a')).rejects.toThrow(/Read store unavailable/);
      expect(() => SqliteReadStore.open({ path: join(folder, 'missing.db'), readonly: true })).toThrow();
    });
  });
});

const ROWS = 'rows';

/**
 * The reference the planner must agree with: every document tested, then sorted, for the
 * conditions those tests generate (scalars only: eq, in, ranges bracketed by type).
 */
function bruteForce(documents: readonly StoredDocument[], query: FindQuery): string[] {
  // A dotted path walks objects only, as queries address fields.
  const raw = (document: StoredDocument, field: string): unknown =>
    field.split('.').reduce<unknown>(
      (value, name) =>
        value !== null && typeof value === 'object' && !Array.isArray(value)
          ? (value as Record<string, unknown>)[name]
          : undefined,
      document,
    );
  const compare = (a: unknown, b: unknown): number => {
    const rank = typeRank(a) - typeRank(b);
    if (rank !== 0) return rank;
    if (typeof a === 'number' && typeof b === 'number') return a - b;
    if (typeof a === 'string' && typeof b === 'string') return compareStrings(a, b);
    if (typeof a === 'boolean' && typeof b === 'boolean') return Number(a) - Number(b);
    return 0;
  };
  // MongoDB's rules, written out one by one: a condition on an array field looks at its elements.
  const equal = (value: unknown, wanted: unknown): boolean =>
    wanted === null ? value === null || value === undefined : value === wanted;
  const holding = (value: unknown, test: (item: unknown) => boolean): boolean =>
    test(value) || (Array.isArray(value) && value.some((item) => item !== undefined && test(item)));
  const within = (value: unknown, op: string, bound: unknown): boolean => {
    if (typeof value !== typeof bound) return false;
    const order = compare(value, bound);
    return op === 'gt' ? order > 0 : op === 'gte' ? order >= 0 : op === 'lt' ? order < 0 : order <= 0;
  };
  const matches = (document: StoredDocument) =>
    Object.entries(query.filter ?? {}).every(([field, condition]) => {
      const value = raw(document, field);
      if ('eq' in condition) return holding(value, (item) => equal(item, condition.eq));
      if ('in' in condition)
        return holding(value, (item) => condition.in.some((wanted) => equal(item, wanted)));
      if ('exists' in condition) return (value !== undefined) === condition.exists;
      return Object.entries(condition as Record<string, unknown>).every(([op, bound]) =>
        holding(value, (item) => within(item, op, bound)),
      );
    });
  const sort = [...(query.sort ?? []), { field: '_id', direction: 'asc' as const }];
  return documents
    .filter(matches)
    .sort((a, b) => {
      for (const key of sort) {
        const order = compare(raw(a, key.field), raw(b, key.field));
        if (order !== 0) return key.direction === 'asc' ? order : -order;
      }
      return 0;
    })
    .map((document) => document._id);
}

async function allPages(store: SqliteReadStore, query: FindQuery): Promise<string[]> {
  const ids: string[] = [];
  let after: string | undefined;
  const cursorsSeen = new Set<string>();
  // A limit of 1 over 300 documents takes 300 pages; only a cursor met twice means a loop.
  for (;;) {
    const page = await store.find(ROWS, { ...query, ...(after === undefined ? {} : { after }) });
    ids.push(...page.items.map((item) => item._id));
    if (page.nextCursor === null) return ids;
    if (cursorsSeen.has(page.nextCursor)) throw new Error(`paging returned cursor ${page.nextCursor} twice`);
    cursorsSeen.add(page.nextCursor);
    after = page.nextCursor;
  }
}

/**
 * The order MongoDB gives to values of different types (BSON comparison order): missing and
 * null, numbers, strings, objects, arrays, booleans.
 */
function typeRank(value: unknown): number {
  if (value === undefined || value === null) return 0;
  switch (typeof value) {
    case 'number':
      return 1;
    case 'string':
      return 2;
    case 'boolean':
      return 5;
    default:
      return Array.isArray(value) ? 4 : 3;
  }
}

/**
 * Strings compare by code point, as MongoDB compares UTF-8 bytes without a collation. JavaScript's
 * `<` compares UTF-16 units, which disagrees when a surrogate pair meets a character in
 * U+E000..U+FFFF (e.g. an emoji against a CJK compatibility ideograph).
 */
function compareStrings(a: string, b: string): number {
  if (a === b) return 0;
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) return codePointOrder(x) - codePointOrder(y);
  }
  return a.length - b.length;
}

function codePointOrder(unit: number): number {
  if (unit >= 0xd800 && unit <= 0xdfff) return unit + 0x2000;
  if (unit >= 0xe000) return unit - 0x800;
  return unit;
}

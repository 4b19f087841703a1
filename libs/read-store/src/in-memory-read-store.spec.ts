import fc from 'fast-check';
import { describeReadStoreContract } from '../../testing/src/read-store-contract';
import { InMemoryReadStore } from './in-memory-read-store';
import { streamByPages } from './paged-stream';
import { compareStrings, typeRank } from './values';
import type { Filter, FindQuery, IndexSpec, Page, SortKey, StoredDocument } from './read-store.port';

describeReadStoreContract('InMemoryReadStore', () => ({ store: new InMemoryReadStore() }));

describe('InMemoryReadStore', () => {
  it('hands out frozen documents', async () => {
    const store = new InMemoryReadStore();
    await store.bulkWrite(ROWS, { upserts: [{ _id: 'a', nested: { n: 1 } }] });
    const document = (await store.get(ROWS, 'a')) as unknown as { nested: { n: number } };
    expect(Object.isFrozen(document.nested)).toBe(true);
    expect(() => {
      document.nested.n = 2;
    }).toThrow(TypeError);
  });

  describe('indexed queries answer exactly as unindexed ones', () => {
    // Few distinct values, so that ties, equal prefixes and empty ranges are common.
    const value = fc.oneof(
      fc.constant(undefined),
      fc.constant(null),
      fc.integer({ min: 0, max: 4 }),
      fc.constantFrom('a', 'b', 'c'),
      fc.boolean(),
    );
    const document = fc.record({ id: fc.integer({ min: 0, max: 40 }), x: value, y: value, z: value });
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
      filter: fc.dictionary(field, condition, { maxKeys: 2 }),
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
    ];
    const toDocument = (raw: { id: number; x: unknown; y: unknown; z: unknown }): StoredDocument => {
      const stored: Record<string, unknown> = { _id: `d${raw.id}` };
      for (const key of ['x', 'y', 'z'] as const) if (raw[key] !== undefined) stored[key] = raw[key];
      return stored as unknown as StoredDocument;
    };

    it('over random documents, writes, filters, sorts and pages', async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.array(fc.array(document, { maxLength: 30 }), { minLength: 1, maxLength: 4 }),
          fc.array(fc.integer({ min: 0, max: 40 }), { maxLength: 10 }),
          fc.array(query, { minLength: 1, maxLength: 4 }),
          async (batches, deletions, queries) => {
            const indexed = new InMemoryReadStore();
            const plain = new InMemoryReadStore();
            await indexed.ensureIndexes(ROWS, indexes);
            for (const [round, batch] of batches.entries()) {
              const upserts = [...new Map(batch.map((raw) => [raw.id, toDocument(raw)])).values()];
              const deletes =
                round === 1
                  ? [...new Set(deletions)]
                      .map((id) => `d${id}`)
                      .filter((id) => !upserts.some((u) => u._id === id))
                  : [];
              for (const store of [indexed, plain]) await store.bulkWrite(ROWS, { upserts, deletes });
              for (const raw of queries) {
                const q = raw as FindQuery;
                expect(await allPages(indexed, q)).toEqual(await allPages(plain, q));
                expect(await indexed.count(ROWS, q.filter as Filter)).toBe(
                  await plain.count(ROWS, q.filter as Filter),
                );
              }
            }
          },
        ),
        { numRuns: 150 },
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
      { fields: [{ field: 'd', direction: 'asc' }, { field: 'r', direction: 'desc' }] },
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
            const store = new InMemoryReadStore();
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
        { numRuns: 80 },
      );
    });

    it('takes the rest of a page sorted by id from the narrow run after the last id the walk tested, without repeating it', async () => {
      const store = new InMemoryReadStore();
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
      const store = new InMemoryReadStore();
      await store.ensureIndexes(ROWS, [{ fields: [{ field: 'receivedAt', direction: 'desc' }] }]);
      const receivedAt = (n: number) => new Date(Date.UTC(2026, 0, 1) + n * 3_600_000).toISOString();
      const documents: StoredDocument[] = [];
      for (let n = 9_000; n < 11_000; n++)
        documents.push({ _id: `CC-2026-${n}`, receivedAt: receivedAt(n - 9_000) } as StoredDocument);
      // Reopened late in the month: its number is an old one's.
      documents.push({ _id: 'CC-2026-8552-1', receivedAt: receivedAt(1_500) } as StoredDocument);
      // Ids ordered differently by code point (MongoDB) than by UTF-16 unit, where the walk in id
      // order has given up and the page comes from the month's run.
      const exotic = ['CC-2026-9950\uFF21', 'CC-2026-9950\u{1F600}', 'CC-2026-10650\uFF21', 'CC-2026-10650\u{1F600}'];
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
    const value = fc.oneof(fc.constant(undefined), fc.constant(null), fc.integer({ min: 0, max: 3 }), fc.constantFrom('a', 'b'));
    const field = fc.constantFrom('x', 'y');
    const scalar = fc.oneof(fc.constant(null), fc.integer({ min: 0, max: 3 }), fc.constantFrom('a', 'b'));
    const condition = fc.oneof(
      scalar.map((eq) => ({ eq })),
      fc.array(scalar, { maxLength: 3 }).map((values) => ({ in: values })),
      fc.record({ gte: fc.integer({ min: 0, max: 3 }), lt: fc.integer({ min: 0, max: 4 }) }, { requiredKeys: ['lt'] }),
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
      { fields: [{ field: 'y', direction: 'desc' }, { field: 'x', direction: 'asc' }] },
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
            const indexed = new InMemoryReadStore();
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
        { numRuns: 200 },
      );
    });

    it('orders ids by code point when it sorts the matches of a narrow run', async () => {
      const store = new InMemoryReadStore();
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
      const store = new InMemoryReadStore();
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
      const store = new InMemoryReadStore();
      await expect(collect(store.stream(ROWS, { filter: { $where: { eq: 1 } } }))).rejects.toThrow(/filter/);
    });
  });

  describe('at 100,000 documents', () => {
    const store = new InMemoryReadStore();
    const customers = Array.from({ length: 200 }, (_, i) => `customer-${i}`);
    const statuses = ['registered', 'assigned', 'contained', 'actionsPlanned', 'closed'];
    const receivedAt = (i: number) =>
      new Date(Date.UTC(2020, 0, 1) + ((i * 7919) % 100_000) * 1_800_000).toISOString();
    const row = (i: number, revision = 0) => ({
      _id: `CC-${String(i).padStart(6, '0')}`,
      customerId: customers[(i * 31) % customers.length],
      status: statuses[(i + revision) % statuses.length],
      severity: ['minor', 'major', 'critical'][i % 3],
      quantity: (i * 13) % 1000,
      receivedAt: receivedAt(i),
    });

    beforeAll(async () => {
      await store.ensureIndexes(ROWS, [
        { fields: [{ field: 'receivedAt', direction: 'desc' }] },
        {
          fields: [
            { field: 'customerId', direction: 'asc' },
            { field: 'receivedAt', direction: 'desc' },
          ],
        },
        {
          fields: [
            { field: 'status', direction: 'asc' },
            { field: 'receivedAt', direction: 'desc' },
          ],
        },
      ]);
      for (let start = 0; start < 100_000; start += 1000) {
        await store.bulkWrite(ROWS, { upserts: Array.from({ length: 1000 }, (_, i) => row(start + i)) });
      }
    });

    it('answers sorted, filtered pages at 100,000 documents while the projection keeps writing (speed: npm run bench)', async () => {
      const newestFirst: SortKey[] = [{ field: 'receivedAt', direction: 'desc' }];
      const queries: ((i: number) => FindQuery)[] = [
        () => ({ sort: newestFirst, limit: 50 }),
        (i) => ({
          filter: { customerId: { eq: customers[i % customers.length] ?? '' } },
          sort: newestFirst,
          limit: 50,
        }),
        (i) => ({
          filter: {
            status: { eq: statuses[i % statuses.length] ?? '' },
            receivedAt: { gte: '2021-01-01', lt: '2021-07-01' },
          },
          sort: newestFirst,
          limit: 50,
        }),
        (i) => ({
          filter: { severity: { eq: 'critical' }, quantity: { gte: i % 900 } },
          sort: newestFirst,
          limit: 100,
        }),
        () => ({
          filter: { receivedAt: { gte: '2022-03-01', lt: '2022-04-01' } },
          sort: newestFirst,
          limit: 50,
          skip: 50,
        }),
      ];
      let cursor: string | null = null;
      for (let i = 0; i < 500; i++) {
        if (i % 5 === 0) {
          // A projection batch: 100 rows change status, which moves them in the status index.
          await store.bulkWrite(ROWS, {
            upserts: Array.from({ length: 100 }, (_, j) => row((i * 997 + j * 101) % 100_000, i)),
          });
        }
        const query = (queries[i % queries.length] as (i: number) => FindQuery)(i);
        const pageQuery =
          i % 7 === 0 && cursor !== null ? { sort: newestFirst, limit: 50, after: cursor } : query;
        const page: Page<StoredDocument> = await store.find(ROWS, pageQuery);
        cursor = page.nextCursor;
        expect(page.items.length).toBeGreaterThan(0);
        expect(await store.count(ROWS, query.filter)).toBeGreaterThanOrEqual(page.items.length);
      }
    });

    it('streams a filter whose narrowest run is long exactly as paging through find does', async () => {
      const filter: Filter = {
        status: { eq: 'registered' },
        receivedAt: { gte: '2021-01-01', lt: '2023-06-01' },
        severity: { eq: 'major' },
      };
      const paged: string[] = [];
      for await (const document of streamByPages((page) => store.find(ROWS, page), { filter }))
        paged.push(document._id);
      const streamed: string[] = [];
      for await (const document of store.stream(ROWS, { filter })) streamed.push(document._id);
      expect(streamed).toEqual(paged);
      expect(streamed.length).toBe(await store.count(ROWS, filter));
      expect(streamed.length).toBeGreaterThan(1000);
    });

    it('pages the whole list newest first without gaps or repeats', async () => {
      const sort: SortKey[] = [{ field: 'receivedAt', direction: 'desc' }];
      const filter: Filter = { customerId: { eq: 'customer-7' } };
      let previous: { receivedAt: string; _id: string } | null = null;
      let seen = 0;
      for await (const document of store.stream<StoredDocument & { receivedAt: string }>(ROWS, {
        filter,
        sort,
      })) {
        if (previous !== null) {
          const ordered =
            previous.receivedAt > document.receivedAt ||
            (previous.receivedAt === document.receivedAt && previous._id < document._id);
          expect(ordered).toBe(true);
        }
        previous = document;
        seen++;
      }
      expect(seen).toBe(await store.count(ROWS, filter));
      expect(seen).toBe(500);
    });
  });
});

const ROWS = 'rows';

/**
 * The reference the planner must agree with: every document tested, then sorted, for the
 * conditions those tests generate (scalars only: eq, in, ranges bracketed by type).
 */
function bruteForce(documents: readonly StoredDocument[], query: FindQuery): string[] {
  const valueOf = (document: StoredDocument, field: string): unknown =>
    (document as unknown as Record<string, unknown>)[field] ?? null;
  const equal = (value: unknown, wanted: unknown) => value === wanted;
  const compare = (a: unknown, b: unknown): number => {
    const rank = typeRank(a) - typeRank(b);
    if (rank !== 0) return rank;
    if (typeof a === 'number' && typeof b === 'number') return a - b;
    if (typeof a === 'string' && typeof b === 'string') return compareStrings(a, b);
    return 0;
  };
  const within = (value: unknown, op: string, bound: unknown): boolean => {
    if (typeof value !== typeof bound) return false;
    const order = compare(value, bound);
    return op === 'gt' ? order > 0 : op === 'gte' ? order >= 0 : op === 'lt' ? order < 0 : order <= 0;
  };
  const matches = (document: StoredDocument) =>
    Object.entries(query.filter ?? {}).every(([field, condition]) => {
      const value = valueOf(document, field);
      const entries = Object.entries(condition as Record<string, unknown>);
      if ('eq' in condition) return equal(value, condition.eq);
      if ('in' in condition) return (condition.in as unknown[]).some((wanted) => equal(value, wanted));
      return entries.every(([op, bound]) => within(value, op, bound));
    });
  const sort = [...(query.sort ?? []), { field: '_id', direction: 'asc' as const }];
  return documents
    .filter(matches)
    .sort((a, b) => {
      for (const key of sort) {
        const order = compare(valueOf(a, key.field), valueOf(b, key.field));
        if (order !== 0) return key.direction === 'asc' ? order : -order;
      }
      return 0;
    })
    .map((document) => document._id);
}

async function allPages(store: InMemoryReadStore, query: FindQuery): Promise<string[]> {
  const ids: string[] = [];
  let after: string | undefined;
  for (let guard = 0; guard < 100; guard++) {
    const page = await store.find(ROWS, { ...query, ...(after === undefined ? {} : { after }) });
    ids.push(...page.items.map((item) => item._id));
    if (page.nextCursor === null) return ids;
    after = page.nextCursor;
  }
  throw new Error('paging did not end');
}

import { ValidationError } from '@qms/domain-kernel';
import type { Filter, FindQuery, ReadStore, SortKey, StoredDocument } from '@qms/read-store';
import { shadowCollection } from '@qms/read-store';
import { turnsOfTheEventLoopDuring } from './event-loop-turns';

export interface ReadStoreFixture {
  readonly store: ReadStore;
  dispose?(): Promise<void>;
}

/** Makes an empty store per test; isolated from every other test (e.g. its own collection prefix). */
export type ReadStoreFactory = () => Promise<ReadStoreFixture> | ReadStoreFixture;

interface Row extends StoredDocument {
  readonly customerId?: string | null;
  readonly quantity?: number | string;
  readonly receivedAt?: string;
  readonly closed?: boolean;
  readonly part?: { readonly number: string };
  readonly note?: string;
}

const ROWS = 'rows';

/**
 * The behaviour every read-store adapter must have, run against each of them
 * (libs/read-store/src/*-read-store.spec.ts).
 */
export function describeReadStoreContract(name: string, factory: ReadStoreFactory): void {
  describe(`${name} (read-store contract)`, () => {
    let fixture: ReadStoreFixture;
    let store: ReadStore;

    beforeEach(async () => {
      fixture = await factory();
      store = fixture.store;
    });

    afterEach(async () => {
      await fixture.dispose?.();
    });

    const ids = (documents: readonly StoredDocument[]): string[] => documents.map((document) => document._id);
    const findIds = async (query: FindQuery): Promise<string[]> => ids((await store.find(ROWS, query)).items);

    describe('writing', () => {
      it('inserts, replaces whole documents and deletes', async () => {
        await store.bulkWrite<Row>(ROWS, {
          upserts: [{ _id: 'a', customerId: 'c1', note: 'first' }, { _id: 'b' }],
        });
        await store.bulkWrite<Row>(ROWS, {
          upserts: [{ _id: 'a', customerId: 'c2' }],
          deletes: ['b', 'never-stored'],
        });

        expect(await store.get(ROWS, 'a')).toEqual({ _id: 'a', customerId: 'c2' });
        expect(await store.get(ROWS, 'b')).toBeNull();
        expect(await store.count(ROWS)).toBe(1);
      });

      it('returns only the stored documents of getMany', async () => {
        await store.bulkWrite<Row>(ROWS, { upserts: [{ _id: 'a' }, { _id: 'b' }, { _id: 'c' }] });
        const found = await store.getMany<Row>(ROWS, ['c', 'a', 'missing']);
        expect([...found.keys()].sort()).toEqual(['a', 'c']);
        expect(found.get('c')).toEqual({ _id: 'c' });
        expect((await store.getMany(ROWS, [])).size).toBe(0);
        expect((await store.getMany('neverWritten', ['a'])).size).toBe(0);
      });

      it('stores the JSON form of a document and keeps it from later changes by the caller', async () => {
        const document = {
          _id: 'a',
          at: new Date('2024-03-01T08:00:00.000Z'),
          gone: undefined,
          nested: { list: [1, 2] },
        };
        await store.bulkWrite(ROWS, { upserts: [document] });
        document.nested.list.push(3);

        const stored = (await store.get(ROWS, 'a')) as unknown as { nested: { list: number[] } };
        expect(stored).toEqual({ _id: 'a', at: '2024-03-01T08:00:00.000Z', nested: { list: [1, 2] } });
        try {
          stored.nested.list.push(4);
        } catch {
          // A frozen document refuses the change: as good as a copy.
        }
        expect(await store.get(ROWS, 'a')).toEqual({
          _id: 'a',
          at: '2024-03-01T08:00:00.000Z',
          nested: { list: [1, 2] },
        });
      });

      it('takes over a plain JSON document: later changes by the writer do not reach the stored one', async () => {
        const document = { _id: 'a', n: 1, nested: { list: [1, 2], inner: { flag: true } } };
        await store.bulkWrite(ROWS, { upserts: [document] });
        // A store may freeze the written document instead of copying it: then the changes throw.
        const attempts = [
          () => document.nested.list.push(3),
          () => (document.nested.inner.flag = false),
          () => (document.n = 2),
          () => delete (document as { n?: number }).n,
        ];
        for (const attempt of attempts) {
          try {
            attempt();
          } catch (error) {
            expect(error).toBeInstanceOf(TypeError);
          }
        }
        expect(await store.get(ROWS, 'a')).toEqual({
          _id: 'a',
          n: 1,
          nested: { list: [1, 2], inner: { flag: true } },
        });
        expect(await store.count(ROWS, { n: { eq: 1 } })).toBe(1);
      });

      it('refuses a batch naming one document twice, and field names MongoDB cannot query', async () => {
        await expect(store.bulkWrite<Row>(ROWS, { upserts: [{ _id: 'a' }], deletes: ['a'] })).rejects.toThrow(
          /twice/,
        );
        await expect(store.bulkWrite(ROWS, { upserts: [{ _id: 'a', $set: 1 }] })).rejects.toThrow(
          /cannot be stored/,
        );
        await expect(store.bulkWrite(ROWS, { upserts: [{ _id: 'a', 'x.y': 1 }] })).rejects.toThrow(
          /cannot be stored/,
        );
        expect(await store.count(ROWS)).toBe(0);
      });

      it('keeps unicode ids and values intact', async () => {
        const id = 'CC-2024-客户-😀-é';
        await store.bulkWrite(ROWS, {
          upserts: [{ _id: id, customerId: '深圳客户 Ünïcødé 😀', note: 'e\u0301' }],
        });
        expect(await store.get(ROWS, id)).toEqual({
          _id: id,
          customerId: '深圳客户 Ünïcødé 😀',
          note: 'e\u0301',
        });
        expect(await findIds({ filter: { customerId: { eq: '深圳客户 Ünïcødé 😀' } } })).toEqual([id]);
        expect(await findIds({ filter: { note: { eq: 'é' } } })).toEqual([]);
      });
    });

    describe('checkpoints', () => {
      it('saves, overwrites, reads and deletes checkpoints by name', async () => {
        expect(await store.getCheckpoint('list')).toBeNull();
        await store.saveCheckpoint('list', { position: 42, version: 1 });
        await store.saveCheckpoint('list__rebuild', { position: 7, version: 2 });
        await store.saveCheckpoint('list', { position: 43, version: 1 });

        expect(await store.getCheckpoint('list')).toEqual({ position: 43, version: 1 });
        expect(await store.getCheckpoint('list__rebuild')).toEqual({ position: 7, version: 2 });
        await store.deleteCheckpoint('list__rebuild');
        expect(await store.getCheckpoint('list__rebuild')).toBeNull();
        expect(await store.getCheckpoint('list')).toEqual({ position: 43, version: 1 });
      });
    });

    describe('origin and clearing', () => {
      const origin = {
        firstEventId: '6f1c2b9e-4d4a-4d53-9d55-0c8f4e1f2a10',
        firstPosition: 1,
        recordedAt: '2026-12-01T08:00:00.000Z',
      };

      it('records which event log the read models were built from, and lists every checkpoint', async () => {
        expect(await store.getOrigin()).toBeNull();
        expect(await store.listCheckpoints()).toEqual(new Map());
        await store.saveOrigin(origin);
        await store.saveCheckpoint('list', { position: 42, version: 1 });
        await store.saveCheckpoint('list__rebuild', { position: 7, version: 2 });

        expect(await store.getOrigin()).toEqual(origin);
        expect(await store.listCheckpoints()).toEqual(
          new Map([
            ['list', { position: 42, version: 1 }],
            ['list__rebuild', { position: 7, version: 2 }],
          ]),
        );
        const other = {
          firstEventId: 'a0c6e3f4-0b7e-4f43-8f0d-7d1f6f0b9c22',
          firstPosition: 3,
          recordedAt: '2026-12-02T08:00:00.000Z',
        };
        await store.saveOrigin(other);
        expect(await store.getOrigin()).toEqual(other);
      });

      it('keeps the origin and the checkpoints out of reach of collection names', async () => {
        await expect(store.bulkWrite('read_model_origin', { upserts: [{ _id: 'origin' }] })).rejects.toThrow(
          /collection name/,
        );
        await expect(
          store.bulkWrite('projection_checkpoints', { upserts: [{ _id: 'list' }] }),
        ).rejects.toThrow(/collection name/);
      });

      it('clears every collection, checkpoint and the origin, and takes writes again afterwards', async () => {
        const before: Row[] = [{ _id: 'a', customerId: 'c1' }];
        const after: Row[] = [{ _id: 'c', customerId: 'c2' }];
        await store.ensureIndexes(ROWS, [{ fields: [{ field: 'customerId', direction: 'asc' }] }]);
        await store.commit({
          writes: [
            { collection: ROWS, upserts: before },
            { collection: shadowCollection(ROWS), upserts: [{ _id: 'b' }] },
          ],
          checkpoint: { name: 'list', checkpoint: { position: 9, version: 1 } },
        });
        await store.saveOrigin(origin);

        await store.clear();

        expect(await store.getOrigin()).toBeNull();
        expect(await store.listCheckpoints()).toEqual(new Map());
        expect(await store.count(ROWS)).toBe(0);
        expect(await store.count(shadowCollection(ROWS))).toBe(0);
        expect(await store.swap(ROWS)).toBe(false);
        await store.ensureIndexes(ROWS, [{ fields: [{ field: 'customerId', direction: 'asc' }] }]);
        await store.commit({
          writes: [{ collection: ROWS, upserts: after }],
          checkpoint: { name: 'list', checkpoint: { position: 1, version: 1 } },
        });
        expect(await findIds({ filter: { customerId: { eq: 'c2' } } })).toEqual(['c']);
        expect(await store.getCheckpoint('list')).toEqual({ position: 1, version: 1 });
      });
    });

    describe('commit', () => {
      const OTHERS = 'others';
      /** Rows as the port's documents: a commit carries documents of any shape. */
      const rows = (...documents: (Row | (StoredDocument & Record<string, unknown>))[]): StoredDocument[] =>
        documents;

      it("stores several collections' writes and the checkpoint together", async () => {
        await store.bulkWrite<Row>(OTHERS, { upserts: rows({ _id: 'gone' }, { _id: 'kept', note: 'old' }) });
        await store.commit({
          writes: [
            {
              collection: ROWS,
              upserts: rows({ _id: 'a', note: 'one' }, { _id: 'b', note: 'two' }),
            },
            { collection: OTHERS, upserts: rows({ _id: 'kept', note: 'new' }), deletes: ['gone'] },
          ],
          checkpoint: { name: 'reporting', checkpoint: { position: 10, version: 2 } },
        });

        expect((await store.find<Row>(ROWS)).items).toEqual([
          { _id: 'a', note: 'one' },
          { _id: 'b', note: 'two' },
        ]);
        expect((await store.find<Row>(OTHERS)).items).toEqual([{ _id: 'kept', note: 'new' }]);
        expect(await store.getCheckpoint('reporting')).toEqual({ position: 10, version: 2 });
      });

      it('moves a checkpoint alone, and writes without moving one', async () => {
        await store.commit({
          writes: [],
          checkpoint: { name: 'reporting', checkpoint: { position: 3, version: 1 } },
        });
        await store.commit({ writes: [{ collection: ROWS, upserts: rows({ _id: 'a' }) }] });
        expect(await store.getCheckpoint('reporting')).toEqual({ position: 3, version: 1 });
        expect(await store.get(ROWS, 'a')).toEqual({ _id: 'a' });
      });

      it('leaves neither documents nor checkpoint when any write of the commit is refused', async () => {
        await store.commit({
          writes: [{ collection: ROWS, upserts: rows({ _id: 'a', note: 'before' }) }],
          checkpoint: { name: 'reporting', checkpoint: { position: 5, version: 1 } },
        });
        const refused = store.commit({
          writes: [
            { collection: ROWS, upserts: rows({ _id: 'a', note: 'after' }, { _id: 'b' }) },
            // The last write names one document twice: the whole commit must fail.
            { collection: OTHERS, upserts: rows({ _id: 'x' }), deletes: ['x'] },
          ],
          checkpoint: { name: 'reporting', checkpoint: { position: 9, version: 1 } },
        });

        await expect(refused).rejects.toThrow(/twice/);
        expect((await store.find<Row>(ROWS)).items).toEqual([{ _id: 'a', note: 'before' }]);
        expect(await store.count(OTHERS)).toBe(0);
        expect(await store.getCheckpoint('reporting')).toEqual({ position: 5, version: 1 });
      });

      it('refuses a document that cannot be stored, wherever it is in the commit', async () => {
        const refused = store.commit({
          writes: [
            { collection: ROWS, upserts: rows({ _id: 'a' }) },
            { collection: OTHERS, upserts: rows({ _id: 'x', $bad: 1 }) },
          ],
          checkpoint: { name: 'reporting', checkpoint: { position: 1, version: 1 } },
        });
        await expect(refused).rejects.toThrow(/cannot be stored/);
        expect(await store.count(ROWS)).toBe(0);
        expect(await store.getCheckpoint('reporting')).toBeNull();
      });
    });

    describe('querying', () => {
      const rows: Row[] = [
        {
          _id: 'r01',
          customerId: 'acme',
          quantity: 5,
          receivedAt: '2024-01-15T00:00:00Z',
          closed: true,
          part: { number: 'P-1' },
        },
        {
          _id: 'r02',
          customerId: 'acme',
          quantity: 12,
          receivedAt: '2024-02-01T00:00:00Z',
          closed: false,
          part: { number: 'P-2' },
        },
        { _id: 'r03', customerId: 'bolt', quantity: 12, receivedAt: '2024-02-01T00:00:00Z', closed: false },
        { _id: 'r04', customerId: 'bolt', quantity: 1, receivedAt: '2024-03-10T00:00:00Z', closed: true },
        { _id: 'r05', customerId: null, quantity: 7, receivedAt: '2024-01-01T00:00:00Z' },
        { _id: 'r06', quantity: '12', receivedAt: '2024-02-01T00:00:00Z', closed: false },
        { _id: 'r07', customerId: 'acme', receivedAt: '2024-03-31T23:59:59Z', closed: true },
        { _id: 'r08', customerId: '$ne', quantity: 3, receivedAt: '2024-02-29T00:00:00Z' },
      ];

      beforeEach(async () => {
        await store.bulkWrite(ROWS, { upserts: rows });
      });

      it.each<[string, Filter, string[]]>([
        ['equality', { customerId: { eq: 'acme' } }, ['r01', 'r02', 'r07']],
        ['equality with null matches null and missing', { customerId: { eq: null } }, ['r05', 'r06']],
        ['in', { customerId: { in: ['bolt', null] } }, ['r03', 'r04', 'r05', 'r06']],
        ['number range, same type only', { quantity: { gte: 5, lt: 12 } }, ['r01', 'r05']],
        ['gt/lte', { quantity: { gt: 5, lte: 12 } }, ['r02', 'r03', 'r05']],
        [
          'string range over ISO dates',
          { receivedAt: { gte: '2024-02-01', lt: '2024-03-01' } },
          ['r02', 'r03', 'r06', 'r08'],
        ],
        ['string bound never matches numbers', { quantity: { gte: '0' } }, ['r06']],
        ['exists', { quantity: { exists: false } }, ['r07']],
        [
          'exists although null',
          { customerId: { exists: true } },
          ['r01', 'r02', 'r03', 'r04', 'r05', 'r07', 'r08'],
        ],
        ['boolean', { closed: { eq: false } }, ['r02', 'r03', 'r06']],
        ['nested path', { 'part.number': { eq: 'P-2' } }, ['r02']],
        [
          'all conditions at once',
          { customerId: { eq: 'acme' }, closed: { eq: true }, quantity: { lte: 5 } },
          ['r01'],
        ],
        ['by _id', { _id: { in: ['r03', 'r99', 'r01'] } }, ['r01', 'r03']],
      ])('filters: %s', async (_label, filter, expected) => {
        expect(await findIds({ filter })).toEqual(expected);
        expect(await store.count(ROWS, filter)).toBe(expected.length);
      });

      it('returns only the fields asked for, with _id and the sort fields, pages and streams included', async () => {
        const sort: SortKey[] = [{ field: 'receivedAt', direction: 'asc' }];
        const whole = (await store.find<Row>(ROWS, { filter: { customerId: { eq: 'acme' } }, sort })).items;
        const some = await store.find<Row>(ROWS, { filter: { customerId: { eq: 'acme' } }, sort, fields: ['quantity', 'part'] });
        // A field a document lacks (r07's quantity) stays absent; nested values come whole.
        expect(some.items).toEqual(whole.map(({ _id, quantity, part, receivedAt }) => ({ _id, receivedAt, ...(quantity === undefined ? {} : { quantity }), ...(part === undefined ? {} : { part }) })));
        expect(Object.hasOwn(some.items.find((row) => row._id === 'r07') ?? {}, 'quantity')).toBe(false);

        const first = await store.find<Row>(ROWS, { sort, limit: 3, fields: ['closed'] });
        const rest = await store.find<Row>(ROWS, { sort, limit: 3, fields: ['closed'], after: first.nextCursor ?? '' });
        const paged = [...first.items, ...rest.items];
        const expected = (await store.find<Row>(ROWS, { sort, limit: 6 })).items;
        expect(paged.map((row) => row._id)).toEqual(expected.map((row) => row._id));
        expect(paged.every((row) => Object.keys(row).every((key) => ['_id', 'receivedAt', 'closed'].includes(key)))).toBe(true);

        const streamed: Row[] = [];
        for await (const row of store.stream<Row>(ROWS, { filter: { closed: { eq: true } }, fields: ['closed'] })) streamed.push(row);
        expect(streamed).toEqual([
          { _id: 'r01', closed: true },
          { _id: 'r04', closed: true },
          { _id: 'r07', closed: true },
        ]);
        await expect(store.find(ROWS, { fields: ['part.number'] })).rejects.toThrow(ValidationError);
      });

      it('counts everything without a filter, and nothing in a collection never written', async () => {
        expect(await store.count(ROWS)).toBe(rows.length);
        expect(await store.count('neverWritten', { customerId: { eq: 'acme' } })).toBe(0);
        expect(await store.find('neverWritten', { sort: [{ field: 'x', direction: 'asc' }] })).toEqual({
          items: [],
          nextCursor: null,
        });
      });

      describe('injection attempts', () => {
        it('refuses an operator object where a condition belongs', async () => {
          const attack = { customerId: { $ne: null } } as unknown as Filter;
          await expect(store.find(ROWS, { filter: attack })).rejects.toBeInstanceOf(ValidationError);
          await expect(store.count(ROWS, attack)).rejects.toBeInstanceOf(ValidationError);
        });

        it('refuses objects as values', async () => {
          const attacks = [
            { customerId: { eq: { $ne: null } } },
            { customerId: { in: ['acme', { $gt: '' }] } },
            { quantity: { gte: { $gt: 0 } } },
            { customerId: { eq: 'acme', $where: '1' } },
            { customerId: 'acme' },
          ] as unknown as Filter[];
          for (const filter of attacks) {
            await expect(store.find(ROWS, { filter })).rejects.toBeInstanceOf(ValidationError);
          }
        });

        it('refuses operator-looking field names in filters and sorts', async () => {
          const fieldError = (error: unknown) =>
            (error as ValidationError).fieldErrors.map((entry) => entry.field);
          const error = await store
            .find(ROWS, { filter: { $where: { eq: 'x' }, 'a.$b': { eq: 1 } } })
            .catch((e: unknown) => e);
          expect(error).toBeInstanceOf(ValidationError);
          expect(fieldError(error)).toEqual(['filter.$where', 'filter.a.$b']);
          await expect(
            store.find(ROWS, { sort: [{ field: '$natural', direction: 'asc' }] }),
          ).rejects.toBeInstanceOf(ValidationError);
          await expect(
            store.find(ROWS, { sort: [{ field: 'quantity', direction: -1 as unknown as 'asc' }] }),
          ).rejects.toBeInstanceOf(ValidationError);
        });

        it('matches strings that look like operators literally', async () => {
          expect(await findIds({ filter: { customerId: { eq: '$ne' } } })).toEqual(['r08']);
          expect(await findIds({ filter: { customerId: { in: ['$ne', '$gt'] } } })).toEqual(['r08']);
          expect(await findIds({ filter: { customerId: { gte: '$' } } })).toEqual([
            'r01',
            'r02',
            'r03',
            'r04',
            'r07',
            'r08',
          ]);
        });

        it('refuses forged and foreign cursors, and bad page sizes', async () => {
          const forged = Buffer.from(JSON.stringify(['00000000', { $gt: '' }, 'r01'])).toString('base64url');
          await expect(store.find(ROWS, { after: forged })).rejects.toBeInstanceOf(ValidationError);
          await expect(store.find(ROWS, { after: 'not a cursor' })).rejects.toBeInstanceOf(ValidationError);
          const page = await store.find(ROWS, { sort: [{ field: 'quantity', direction: 'asc' }], limit: 2 });
          expect(page.nextCursor).not.toBeNull();
          await expect(
            store.find(ROWS, {
              sort: [{ field: 'receivedAt', direction: 'asc' }],
              after: page.nextCursor ?? '',
            }),
          ).rejects.toThrow(/different sort/);
          await expect(store.find(ROWS, { limit: 0 })).rejects.toBeInstanceOf(ValidationError);
          await expect(store.find(ROWS, { skip: -1 })).rejects.toBeInstanceOf(ValidationError);
        });
      });
    });

    describe('array fields', () => {
      const TAGGED = 'tagged';
      beforeEach(async () => {
        await store.ensureIndexes(TAGGED, [{ fields: [{ field: 'tags', direction: 'asc' }] }]);
        await store.bulkWrite(TAGGED, {
          upserts: [
            { _id: 't1', tags: ['red', 'blue'], sizes: [1, 10] },
            { _id: 't2', tags: 'red', sizes: 4 },
            { _id: 't3', tags: ['green', null], sizes: [] },
            { _id: 't4', tags: [], sizes: ['5'] },
            { _id: 't5', tags: [{ name: 'red' }], sizes: [true, 7] },
            { _id: 't6' },
          ],
        });
      });
      const tagged = async (filter: Filter): Promise<string[]> =>
        ids((await store.find(TAGGED, { filter })).items);

      it.each<[string, Filter, string[]]>([
        ['eq matches a scalar or an element', { tags: { eq: 'red' } }, ['t1', 't2']],
        ['eq null matches missing, null and a null element', { tags: { eq: null } }, ['t3', 't6']],
        ['in looks at elements', { tags: { in: ['blue', 'green'] } }, ['t1', 't3']],
        ['each range bound may be met by another element', { sizes: { gte: 5, lt: 3 } }, ['t1']],
        ['a range matches an element of its type', { sizes: { gt: 5 } }, ['t1', 't5']],
        ['string bounds skip numbers in arrays too', { sizes: { gte: '0' } }, ['t4']],
        ['booleans in arrays', { sizes: { eq: true } }, ['t5']],
        ['an array field exists, even empty', { sizes: { exists: true } }, ['t1', 't2', 't3', 't4', 't5']],
      ])('%s', async (_label, filter, expected) => {
        expect(await tagged(filter)).toEqual(expected);
        expect(await store.count(TAGGED, filter)).toBe(expected.length);
      });

      it('follows rewrites and deletions of the elements, on an indexed field', async () => {
        await store.bulkWrite(TAGGED, {
          upserts: [
            { _id: 't1', tags: ['blue'] },
            { _id: 't3', tags: ['red', 'red'] },
          ],
          deletes: ['t2'],
        });
        expect(await tagged({ tags: { eq: 'red' } })).toEqual(['t3']);
        await store.commit({ writes: [{ collection: TAGGED, deletes: ['t3'] }] });
        await store.bulkWrite(TAGGED, { upserts: [{ _id: 't3', tags: 'green' }] });
        expect(await tagged({ tags: { in: ['red', 'green'] } })).toEqual(['t3']);
        expect(await store.count(TAGGED, { tags: { eq: 'red' } })).toBe(0);
      });

      it('keeps the elements of a rebuilt copy through the swap', async () => {
        const shadow = shadowCollection(TAGGED);
        await store.bulkWrite(shadow, { upserts: [{ _id: 's1', tags: ['red', 'amber'] }, { _id: 's2', tags: ['amber'] }] });
        await store.ensureIndexes(shadow, [{ fields: [{ field: 'tags', direction: 'asc' }] }]);
        expect(await store.swap(TAGGED)).toBe(true);
        expect(await tagged({ tags: { eq: 'red' } })).toEqual(['s1']);
        expect(await tagged({ tags: { eq: 'amber' } })).toEqual(['s1', 's2']);
      });
    });

    describe.each([
      ['without indexes', false],
      ['with indexes', true],
    ])('sorting and paging (%s)', (_label, indexed) => {
      // Ties on every sort field, missing values, and mixed types where MongoDB's type order decides.
      const documents: Row[] = Array.from({ length: 23 }, (_, i) => {
        const id = `d${String((i * 7) % 23).padStart(2, '0')}`;
        const receivedAt = `2024-0${(i % 3) + 1}-01`;
        if (i % 11 === 0) return { _id: id, customerId: 'c1' };
        if (i % 9 === 0) return { _id: id, customerId: 'c2', quantity: `q${i % 2}`, receivedAt };
        return { _id: id, customerId: i % 2 === 0 ? 'c1' : 'c2', quantity: i % 4, receivedAt };
      });
      const sortings: readonly (readonly SortKey[])[] = [
        [],
        [{ field: 'quantity', direction: 'asc' }],
        [{ field: 'quantity', direction: 'desc' }],
        [
          { field: 'receivedAt', direction: 'desc' },
          { field: 'quantity', direction: 'asc' },
        ],
        [{ field: '_id', direction: 'desc' }],
      ];

      beforeEach(async () => {
        await store.bulkWrite(ROWS, { upserts: documents });
        if (indexed) {
          await store.ensureIndexes(
            ROWS,
            sortings.filter((fields) => fields.length > 0).map((fields) => ({ fields })),
          );
          await store.ensureIndexes(ROWS, [
            { fields: [{ field: 'customerId', direction: 'asc' }, ...(sortings[2] ?? [])] },
          ]);
        }
      });

      it.each(
        sortings.map((sort) => [
          sort.map((key) => `${key.field} ${key.direction}`).join(', ') || '(none)',
          sort,
        ]),
      )('orders by %s with _id as the tie-break, page after page', async (_name, sort) => {
        const expected = [...documents].sort(referenceOrder(sort)).map((document) => document._id);
        expect(await findIds({ sort })).toEqual(expected);

        const paged: string[] = [];
        let after: string | undefined;
        for (let pages = 0; pages < 20; pages++) {
          const page = await store.find(ROWS, { sort, limit: 4, ...(after ? { after } : {}) });
          paged.push(...ids(page.items));
          if (page.nextCursor === null) break;
          after = page.nextCursor;
        }
        expect(paged).toEqual(expected);
        expect(ids((await store.find(ROWS, { sort, skip: 5, limit: 3 })).items)).toEqual(
          expected.slice(5, 8),
        );
      });

      it('pages a filtered list, and a page boundary stays put while documents before it are added', async () => {
        const sort: SortKey[] = [{ field: 'quantity', direction: 'desc' }];
        const filter: Filter = { customerId: { eq: 'c2' } };
        const expected = documents
          .filter((document) => document.customerId === 'c2')
          .sort(referenceOrder(sort))
          .map((document) => document._id);
        const first = await store.find(ROWS, { filter, sort, limit: 3 });
        expect(ids(first.items)).toEqual(expected.slice(0, 3));

        await store.bulkWrite<Row>(ROWS, { upserts: [{ _id: 'a-new', customerId: 'c2', quantity: 'zzz' }] });
        const rest = await store.find(ROWS, { filter, sort, after: first.nextCursor ?? '' });
        expect(ids(rest.items)).toEqual(expected.slice(3));
        expect(rest.nextCursor).toBeNull();
      });

      it('streams every match in order, honouring skip and limit', async () => {
        const sort: SortKey[] = [
          { field: 'receivedAt', direction: 'desc' },
          { field: 'quantity', direction: 'asc' },
        ];
        const expected = [...documents].sort(referenceOrder(sort)).map((document) => document._id);
        const streamed: string[] = [];
        for await (const document of store.stream(ROWS, { sort })) streamed.push(document._id);
        expect(streamed).toEqual(expected);

        const window: string[] = [];
        for await (const document of store.stream(ROWS, { sort, skip: 2, limit: 5 }))
          window.push(document._id);
        expect(window).toEqual(expected.slice(2, 7));
      });
    });

    it('streams past its page size', async () => {
      const many: Row[] = Array.from({ length: 1203 }, (_, i) => ({
        _id: `m${String(i).padStart(5, '0')}`,
        quantity: i % 10,
      }));
      await store.bulkWrite(ROWS, { upserts: many });
      let seen = 0;
      let previous = '';
      for await (const document of store.stream(ROWS, { filter: { quantity: { lt: 5 } } })) {
        expect(document._id > previous).toBe(true);
        previous = document._id;
        seen++;
      }
      expect(seen).toBe(many.filter((row) => (row.quantity as number) < 5).length);
    });

    it('lets the event loop turn between the pages of a stream', async () => {
      await store.bulkWrite(ROWS, { upserts: Array.from({ length: 1203 }, (_, i) => ({ _id: `t${String(i).padStart(5, '0')}`, quantity: i })) });
      const { result: seen, turns } = await turnsOfTheEventLoopDuring(async () => {
        let streamed = 0;
        for await (const document of store.stream(ROWS, { sort: [{ field: 'quantity', direction: 'asc' }] })) streamed += document._id === '' ? 0 : 1;
        return streamed;
      });
      expect(seen).toBe(1203);
      // Three pages of 500: a turn before each page after the first, at least.
      expect(turns).toBeGreaterThanOrEqual(2);
    });

    it('orders strings by code point, as MongoDB does', async () => {
      // U+FF21 (fullwidth A) sorts before U+1F600 by code point, after it by UTF-16 unit.
      const values = ['\u{1F600}', '\uFF21', '中', 'é', 'z', 'Z', 'a'];
      await store.bulkWrite(ROWS, { upserts: values.map((note, i) => ({ _id: `u${i}`, note })) });
      const page = await store.find<Row>(ROWS, { sort: [{ field: 'note', direction: 'asc' }] });
      expect(page.items.map((document) => document.note)).toEqual([
        'Z',
        'a',
        'z',
        'é',
        '中',
        '\uFF21',
        '\u{1F600}',
      ]);
      expect(await findIds({ filter: { note: { gt: '\uFF21' } } })).toEqual(['u0']);
    });

    describe('rebuild into a shadow copy', () => {
      const live: Row[] = [
        { _id: 'a', note: 'old' },
        { _id: 'b', note: 'old' },
      ];
      const rebuilt: Row[] = [
        { _id: 'a', note: 'new' },
        { _id: 'c', note: 'new' },
        { _id: 'd', note: 'new' },
      ];
      const snapshot = async () =>
        (await store.find<Row>(ROWS, {})).items.map((row) => `${row._id}:${row.note}`).join(',');

      it('serves the live copy while the shadow fills, then swaps it in', async () => {
        await store.bulkWrite(ROWS, { upserts: live });
        await store.ensureIndexes(shadowCollection(ROWS), [
          { fields: [{ field: 'note', direction: 'asc' }] },
        ]);
        await store.bulkWrite(shadowCollection(ROWS), { upserts: rebuilt.slice(0, 1) });
        expect(await snapshot()).toBe('a:old,b:old');
        await store.bulkWrite(shadowCollection(ROWS), { upserts: rebuilt.slice(1) });
        expect(await snapshot()).toBe('a:old,b:old');

        expect(await store.swap(ROWS)).toBe(true);
        expect(await snapshot()).toBe('a:new,c:new,d:new');
        expect(await store.count(shadowCollection(ROWS))).toBe(0);
        expect(await store.swap(ROWS)).toBe(false);
        expect(await snapshot()).toBe('a:new,c:new,d:new');
        expect(ids((await store.find(ROWS, { sort: [{ field: 'note', direction: 'asc' }] })).items)).toEqual([
          'a',
          'c',
          'd',
        ]);
      });

      it('answers every read during the swap with either the whole old or the whole new copy', async () => {
        await store.bulkWrite(ROWS, { upserts: live });
        await store.bulkWrite(shadowCollection(ROWS), { upserts: rebuilt });
        let swapped = false;
        const seen = new Set<string>();
        const reader = async () => {
          while (!swapped) {
            seen.add(await snapshot());
            // Let timers run: a synchronous store answers without ever leaving the microtask queue.
            await new Promise((resolve) => setImmediate(resolve));
          }
          seen.add(await snapshot());
        };
        const readers = [reader(), reader(), reader()];
        await new Promise((resolve) => setTimeout(resolve, 20));
        await store.swap(ROWS);
        swapped = true;
        await Promise.all(readers);
        expect([...seen].sort()).toEqual(['a:new,c:new,d:new', 'a:old,b:old']);
      });

      it('drops a collection, and dropping a missing one is harmless', async () => {
        await store.bulkWrite(ROWS, { upserts: live });
        await store.drop(ROWS);
        await store.drop(ROWS);
        expect(await store.count(ROWS)).toBe(0);
        expect(await store.get(ROWS, 'a')).toBeNull();
      });
    });
  });
}

/** The order the contract expects, written independently of the adapters: MongoDB's type order. */
function referenceOrder(sort: readonly SortKey[]) {
  const rank = (value: unknown): number =>
    value === undefined || value === null
      ? 0
      : typeof value === 'number'
        ? 1
        : typeof value === 'string'
          ? 2
          : 5;
  const compare = (a: unknown, b: unknown): number => {
    if (rank(a) !== rank(b)) return rank(a) - rank(b);
    if (typeof a === 'number' && typeof b === 'number') return a - b;
    if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
    return 0;
  };
  const keys = sort.some((key) => key.field === '_id')
    ? sort
    : [...sort, { field: '_id', direction: 'asc' as const }];
  return (a: StoredDocument, b: StoredDocument): number => {
    for (const key of keys) {
      const order = compare(
        (a as unknown as Record<string, unknown>)[key.field],
        (b as unknown as Record<string, unknown>)[key.field],
      );
      if (order !== 0) return key.direction === 'asc' ? order : -order;
    }
    return 0;
  };
}

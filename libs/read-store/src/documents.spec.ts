import fc from 'fast-check';
import { deepFreeze, toJsonDocument } from './documents';
import type { StoredDocument } from './read-store.port';

/** What the store promised before it stopped copying: the JSON round trip, then the field-name check. */
function reference(document: StoredDocument): StoredDocument {
  const json = JSON.parse(JSON.stringify(document)) as StoredDocument;
  const check = (value: unknown): void => {
    if (value === null || typeof value !== 'object') return;
    for (const [key, item] of Object.entries(value)) {
      if (!Array.isArray(value) && (key.startsWith('$') || key.includes('.') || key === '')) {
        throw new Error(`field name ${JSON.stringify(key)} cannot be stored`);
      }
      check(item);
    }
  };
  check(json);
  return json;
}

function isDeeplyFrozen(value: unknown): boolean {
  if (value === null || typeof value !== 'object') return true;
  return Object.isFrozen(value) && Object.values(value).every(isDeeplyFrozen);
}

describe('toJsonDocument', () => {
  it('takes over a plain JSON document without copying it and freezes it all the way down', () => {
    const document = { _id: 'a', n: 1, nested: { list: [1, { deep: 'x' }], flag: true, none: null } };
    const stored = toJsonDocument(document, true);
    expect(stored).toBe(document);
    expect(isDeeplyFrozen(stored)).toBe(true);
    expect(() => document.nested.list.push(3)).toThrow(TypeError);
    expect(stored).toEqual({ _id: 'a', n: 1, nested: { list: [1, { deep: 'x' }], flag: true, none: null } });
  });

  it('checks without freezing when not asked to take the document over', () => {
    const document = { _id: 'a', nested: { n: 1 } };
    expect(toJsonDocument(document)).toBe(document);
    expect(Object.isFrozen(document.nested)).toBe(false);
  });

  it('stores the JSON form of what is not plain JSON, leaving the caller its own object', () => {
    const document = {
      _id: 'a',
      at: new Date('2024-03-01T08:00:00.000Z'),
      gone: undefined,
      nan: Number.NaN,
      minusZero: -0,
      sparse: [1, , 3],
      plain: { n: 1 },
    };
    const stored = toJsonDocument(document, true);
    expect(stored).not.toBe(document);
    expect(stored).toStrictEqual({
      _id: 'a',
      at: '2024-03-01T08:00:00.000Z',
      nan: null,
      minusZero: 0,
      sparse: [1, null, 3],
      plain: { n: 1 },
    });
    expect(isDeeplyFrozen(stored)).toBe(true);
    // Each on its own: one value outside JSON is enough to take the round trip.
    expect(Object.is(toJsonDocument({ _id: 'a', z: -0 }).z, 0)).toBe(true);
    expect(toJsonDocument({ _id: 'a', list: [undefined] })).toStrictEqual({ _id: 'a', list: [null] });
    expect(toJsonDocument({ _id: 'a', f: () => 1 })).toStrictEqual({ _id: 'a' });
    const nullPrototype = Object.assign(Object.create(null) as object, { _id: 'a' });
    expect(Object.getPrototypeOf(toJsonDocument(nullPrototype))).toBe(Object.prototype);
  });

  it('refuses field names MongoDB cannot query, at any depth, unless the JSON form drops them', () => {
    expect(() => toJsonDocument({ _id: 'a', list: [{ ok: 1 }, { $where: 1 }] })).toThrow(
      /document a: field name "\$where" cannot be stored/,
    );
    expect(() => toJsonDocument({ _id: 'a', deep: { 'x.y': 1 } }, true)).toThrow(/"x\.y" cannot be stored/);
    expect(() => toJsonDocument({ _id: 'a', '': 1 })).toThrow(/"" cannot be stored/);
    expect(() => toJsonDocument({ _id: 'a', deep: { 'x.y': new Date(0) } })).toThrow(/cannot be stored/);
    expect(toJsonDocument({ _id: 'a', $gone: undefined })).toStrictEqual({ _id: 'a' });
  });

  it('refuses documents without a string id, and cyclic ones', () => {
    expect(() => toJsonDocument({ _id: '' })).toThrow(/non-empty string _id/);
    expect(() => toJsonDocument({ _id: 7 } as unknown as StoredDocument)).toThrow(/non-empty string _id/);
    const cyclic: { _id: string; self?: unknown } = { _id: 'a' };
    cyclic.self = cyclic;
    expect(() => toJsonDocument(cyclic, true)).toThrow(/circular/i);
  });

  it('stores exactly what the JSON round trip stored, for any value', () => {
    const key = fc.oneof(fc.string({ maxLength: 4 }), fc.constantFrom('$x', 'a.b', '', '__proto__', 'toJSON'));
    const value = fc.anything({
      key,
      maxDepth: 3,
      withDate: true,
      withNullPrototype: true,
      withSparseArray: true,
      withBoxedValues: true,
      withMap: true,
      withSet: true,
      withTypedArray: true,
      withObjectString: true,
    });
    fc.assert(
      fc.property(fc.dictionary(key, value, { maxKeys: 5 }), fc.boolean(), (fields, freeze) => {
        const document = { ...fields, _id: 'd' } as StoredDocument;
        let expected: StoredDocument | Error;
        try {
          expected = reference(document);
        } catch (error) {
          expected = error as Error;
        }
        if (expected instanceof Error) {
          expect(() => toJsonDocument(document, freeze)).toThrow();
          return;
        }
        const stored = toJsonDocument(document, freeze);
        expect(stored).toStrictEqual(expected);
        expect(JSON.stringify(stored)).toBe(JSON.stringify(expected));
        if (freeze) expect(isDeeplyFrozen(stored)).toBe(true);
      }),
      { numRuns: 500 },
    );
  });
});

describe('deepFreeze', () => {
  it('freezes every object and array a value holds, its own properties only', () => {
    const shared = { kind: 'inherited' };
    const inheriting = Object.create({ shared }) as { own: { list: number[][] } };
    inheriting.own = { list: [[1], [2]] };
    const document = { a: { b: [{ c: 1 }, 'text', null] }, inheriting };

    expect(deepFreeze(document)).toBe(document);

    expect(Object.isFrozen(document)).toBe(true);
    expect(Object.isFrozen(document.a)).toBe(true);
    expect(Object.isFrozen(document.a.b)).toBe(true);
    expect(Object.isFrozen(document.a.b[0])).toBe(true);
    expect(Object.isFrozen(inheriting.own.list[1])).toBe(true);
    // What a prototype holds belongs to others.
    expect(Object.isFrozen(shared)).toBe(false);
  });
});

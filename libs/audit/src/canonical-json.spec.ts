import fc from 'fast-check';
import { canonicalJson } from './canonical-json';

/** The definition every stored hash was made with. */
function original(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(original).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, entry]) => entry !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([key, entry]) => `${JSON.stringify(key)}:${original(entry)}`).join(',')}}`;
}

describe('canonicalJson', () => {
  it('sorts keys at every level and drops undefined properties', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { f: null, e: 'x' }], c: undefined } })).toBe('{"a":{"d":[3,{"e":"x","f":null}]},"b":1}');
  });

  it('gives exactly the text of the original definition, for any value', () => {
    const values = fc.anything({
      withBoxedValues: true,
      withDate: true,
      withMap: true,
      withNullPrototype: true,
      withObjectString: true,
      withSparseArray: true,
      withTypedArray: true,
      withUnicodeString: true,
    });
    fc.assert(fc.property(values, (value) => canonicalJson(value) === original(value)), { numRuns: 2_000 });
  });

  it('keeps the original text of keys that sort differently by code point and by code unit', () => {
    const value = { '\u{1F600}': 1, '\uFF5E': 2, z: 3, '': 4 };
    expect(canonicalJson(value)).toBe(original(value));
  });
});

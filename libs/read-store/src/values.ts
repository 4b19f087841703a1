import type { Scalar } from './read-store.port';

/**
 * The order MongoDB gives to values of different types (BSON comparison order): missing and
 * null, numbers, strings, objects, arrays, booleans. in-memory/sort-key.ts encodes the same order.
 */
export function typeRank(value: unknown): number {
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
export function compareStrings(a: string, b: string): number {
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

export function isScalar(value: unknown): value is Scalar {
  return (
    value === null ||
    typeof value === 'string' ||
    typeof value === 'boolean' ||
    (typeof value === 'number' && Number.isFinite(value))
  );
}

/** The value at a dotted path, undefined when any step is missing or not an object. */
export function valueAt(document: unknown, path: readonly string[]): unknown {
  let current: unknown = document;
  for (let i = 0; i < path.length; i++) {
    if (typeof current !== 'object' || current === null) return undefined;
    const step = path[i] as string;
    // Arrays are not traversed (field names cannot be indices); `length` is the one name they
    // would answer. Array.isArray is kept off the common path: it is slow in Jest's sandbox.
    if (step === 'length' && Array.isArray(current)) return undefined;
    current = (current as Record<string, unknown>)[step];
  }
  return current;
}

/** valueAt specialised for one path: the matcher and the indexes call it per document. */
export function accessorOf(path: readonly string[]): (document: unknown) => unknown {
  if (path.length === 1 && path[0] !== 'length') {
    const key = path[0] as string;
    return (document) => (document as Record<string, unknown>)[key];
  }
  return (document) => valueAt(document, path);
}

/** A sort key as stored in cursors and indexes: missing becomes null, as MongoDB sorts it. */
export function sortValueAt(document: unknown, path: readonly string[]): unknown {
  const value = valueAt(document, path);
  return value === undefined ? null : value;
}

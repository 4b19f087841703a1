import type { Scalar } from './read-store.port';

/**
 * The order MongoDB gives to values of different types (BSON comparison order), so that the
 * in-process store sorts exactly as MongoDB does: missing and null, numbers, strings, objects,
 * arrays, booleans.
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

/** A total order over JSON values; for scalars it is MongoDB's. */
export function compareValues(a: unknown, b: unknown): number {
  const rankA = typeRank(a);
  const rankB = typeRank(b);
  if (rankA !== rankB) return rankA - rankB;
  switch (rankA) {
    case 0:
      return 0;
    case 1:
      return (a as number) - (b as number);
    case 2:
      return compareStrings(a as string, b as string);
    case 5:
      return Number(a) - Number(b);
    default:
      // Objects and arrays are not meant as sort keys; any fixed order keeps results deterministic.
      return compareStrings(JSON.stringify(a), JSON.stringify(b));
  }
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
    if (current === null || typeof current !== 'object' || Array.isArray(current)) return undefined;
    current = (current as Record<string, unknown>)[path[i] as string];
  }
  return current;
}

/** valueAt specialised for one path: the matcher and the indexes call it per document. */
export function accessorOf(path: readonly string[]): (document: unknown) => unknown {
  if (path.length === 1) {
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

import type { Scalar } from './read-store.port';

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
    // would answer.
    if (step === 'length' && Array.isArray(current)) return undefined;
    current = (current as Record<string, unknown>)[step];
  }
  return current;
}

/** A sort value as stored in cursors: missing becomes null, as MongoDB sorts it. */
export function sortValueAt(document: unknown, path: readonly string[]): unknown {
  const value = valueAt(document, path);
  return value === undefined ? null : value;
}

import type { Scalar, StoredDocument } from './read-store.port';
import type { NormalizedSortKey } from './query';
import { encodeCursor } from './query';
import { isScalar, sortValueAt } from './values';

/**
 * What both adapters store: the JSON form of a document (Dates become ISO strings, undefined
 * properties vanish), so the in-process store and MongoDB hold exactly the same data.
 * Field names must be queryable: no leading `$`, no `.`.
 */
export function toJsonDocument<D extends StoredDocument>(document: D): D {
  if (
    document === null ||
    typeof document !== 'object' ||
    typeof document._id !== 'string' ||
    document._id === ''
  ) {
    throw new Error('A read-model document needs a non-empty string _id');
  }
  const json = JSON.parse(JSON.stringify(document)) as D;
  checkKeys(json, document._id);
  return json;
}

function checkKeys(value: unknown, id: string): void {
  if (value === null || typeof value !== 'object') return;
  if (Array.isArray(value)) {
    for (const item of value) checkKeys(item, id);
    return;
  }
  for (const [key, item] of Object.entries(value)) {
    if (key.startsWith('$') || key.includes('.') || key === '') {
      throw new Error(`Read-model document ${id}: field name ${JSON.stringify(key)} cannot be stored`);
    }
    checkKeys(item, id);
  }
}

/** Frozen all the way down: what the in-process store hands out can be shared, not changed. */
export function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const item of Object.values(value)) deepFreeze(item);
  }
  return value;
}

/** Sort values of a document for a cursor; a non-scalar sort value (not meant to be) counts as null. */
export function cursorAfter(document: StoredDocument, sort: readonly NormalizedSortKey[]): string {
  const values: Scalar[] = sort.map((key) => {
    const value = sortValueAt(document, key.path);
    return isScalar(value) ? value : null;
  });
  return encodeCursor(sort, values);
}

export function assertDistinctIds(
  collection: string,
  upserts: readonly StoredDocument[],
  deletes: readonly string[],
): void {
  const ids = new Set<string>();
  for (const id of [...upserts.map((document) => document._id), ...deletes]) {
    if (ids.has(id)) throw new Error(`bulkWrite on ${collection} names document ${id} twice`);
    ids.add(id);
  }
}

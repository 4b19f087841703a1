import type { Scalar, StoredDocument } from './read-store.port';
import type { NormalizedSortKey } from './query';
import { encodeCursor } from './query';
import { isScalar, sortValueAt } from './values';

/** Freezes a value and everything it holds, so that one copy can be shared and nobody can change it. */
export function deepFreeze<T>(value: T): T {
  if (value === null || typeof value !== 'object' || Object.isFrozen(value)) return value;
  Object.freeze(value);
  // Walked in place: a rebuild freezes every document it evolves, and an array of values per
  // object was most of the cost.
  if (Array.isArray(value)) {
    for (let index = 0; index < value.length; index++) deepFreeze(value[index]);
  } else {
    const record = value as Record<string, unknown>;
    for (const key in record) if (Object.hasOwn(record, key)) deepFreeze(record[key]);
  }
  return value;
}

/**
 * What both adapters store: the JSON form of a document (Dates become ISO strings, undefined
 * properties vanish), so SQLite and MongoDB hold exactly the same data.
 * Field names must be queryable: no leading `$`, no `.`.
 *
 * A document that already is plain JSON (what pure projections build) is returned as it is,
 * checked in one walk without a copy; anything else goes through a JSON round trip. With
 * `freeze` the caller hands the document over: it is frozen all the way down in that same walk,
 * so nobody can change it any more and it can be shared.
 */
export function toJsonDocument<D extends StoredDocument>(document: D, freeze = false): D {
  if (
    document === null ||
    typeof document !== 'object' ||
    typeof document._id !== 'string' ||
    document._id === ''
  ) {
    throw new Error('A read-model document needs a non-empty string _id');
  }
  const id = document._id;
  if (isPlainJson(document, id, freeze, 0)) return document;
  const json = JSON.parse(JSON.stringify(document)) as D;
  if (!isPlainJson(json, id, freeze, 0)) {
    throw new Error(`Read-model document ${id} is nested too deeply to be stored`);
  }
  return json;
}

/** MongoDB's nesting limit; deeper (or cyclic) documents take the JSON round trip, which reports them. */
const MAX_DEPTH = 100;

/**
 * Whether `value` is its own JSON form: plain objects and hole-free arrays of strings, finite
 * numbers other than -0, booleans and null. Throws on a field name that cannot be stored, after
 * looking at its value, so that a property the JSON form drops is not refused. With `freeze`,
 * every subtree found plain is frozen before its parent is looked at.
 */
function isPlainJson(value: object, id: string, freeze: boolean, depth: number): boolean {
  if (depth > MAX_DEPTH) return false;
  if (Array.isArray(value)) {
    if (Object.getPrototypeOf(value) !== Array.prototype) return false;
    for (let i = 0; i < value.length; i++) {
      if (!isPlainJsonValue(value[i], id, freeze, depth)) return false;
    }
  } else {
    // Null-prototype objects too take the round trip, so that what is stored is always JSON.parse's.
    if (Object.getPrototypeOf(value) !== Object.prototype) return false;
    for (const key in value) {
      if (!isPlainJsonValue((value as Record<string, unknown>)[key], id, freeze, depth)) return false;
      if (key.charCodeAt(0) === DOLLAR || key.includes('.') || key === '') {
        throw new Error(`Read-model document ${id}: field name ${JSON.stringify(key)} cannot be stored`);
      }
    }
  }
  if (freeze && !Object.isFrozen(value)) Object.freeze(value);
  return true;
}

const DOLLAR = 36;

function isPlainJsonValue(value: unknown, id: string, freeze: boolean, depth: number): boolean {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return true;
    case 'number':
      return Number.isFinite(value) && !Object.is(value, -0);
    case 'object':
      return value === null || isPlainJson(value, id, freeze, depth + 1);
    default:
      return false;
  }
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

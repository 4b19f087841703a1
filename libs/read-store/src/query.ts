import { ValidationError, type FieldError } from '@qms/domain-kernel';
import type { Filter, FindQuery, IndexSpec, Scalar, SortDirection } from './read-store.port';
import { isScalar } from './values';

/**
 * Validation and normalisation of queries, shared by both adapters. Queries may come straight
 * from HTTP parameters, so every shape is checked at run time, not only by the compiler.
 */

export type Condition =
  | { readonly kind: 'eq'; readonly field: string; readonly path: readonly string[]; readonly value: Scalar }
  | {
      readonly kind: 'in';
      readonly field: string;
      readonly path: readonly string[];
      readonly values: readonly Scalar[];
    }
  | {
      readonly kind: 'range';
      readonly field: string;
      readonly path: readonly string[];
      readonly bounds: readonly RangeBound[];
    }
  | {
      readonly kind: 'exists';
      readonly field: string;
      readonly path: readonly string[];
      readonly exists: boolean;
    };

export interface RangeBound {
  readonly op: 'gt' | 'gte' | 'lt' | 'lte';
  readonly value: number | string;
}

export interface NormalizedSortKey {
  readonly field: string;
  readonly path: readonly string[];
  readonly direction: SortDirection;
}

export interface NormalizedQuery {
  readonly conditions: readonly Condition[];
  /** Ends with `_id`: the tie-break that makes the order total. */
  readonly sort: readonly NormalizedSortKey[];
  readonly limit: number | null;
  readonly skip: number;
  /** Sort values (the last one the `_id`) of the last document of the previous page. */
  readonly after: readonly Scalar[] | null;
  /** The top-level fields to return (`_id` and the sort's included), or null for whole documents. */
  readonly fields: readonly string[] | null;
}

const FIELD = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$/;
const COLLECTION = /^[A-Za-z][A-Za-z0-9_]*$/;
/** Where the MongoDB adapter keeps checkpoints; reserved in both adapters so they agree. */
export const CHECKPOINTS_COLLECTION = 'projection_checkpoints';
/** Where both adapters keep the read store's origin (ReadModelOrigin); reserved like the checkpoints. */
export const ORIGIN_COLLECTION = 'read_model_origin';
const RANGE_OPS = ['gt', 'gte', 'lt', 'lte'] as const;
const MAX_IN_VALUES = 1000;

export function isValidField(field: string): boolean {
  return FIELD.test(field) && field.length <= 200;
}

/** Collection names are code, not input; a bad one is a programming error. */
export function assertCollectionName(collection: string): void {
  if (
    !COLLECTION.test(collection) ||
    collection.length > 100 ||
    collection === CHECKPOINTS_COLLECTION ||
    collection === ORIGIN_COLLECTION
  ) {
    throw new Error(`Invalid read-model collection name ${JSON.stringify(collection)}`);
  }
}

export function normalizeFilter(filter: unknown, errors: FieldError[] = []): Condition[] {
  const conditions: Condition[] = [];
  if (filter === undefined) return conditions;
  if (!isPlainObject(filter)) {
    errors.push({ field: 'filter', message: 'must be an object of field conditions' });
    return conditions;
  }
  for (const [field, raw] of Object.entries(filter)) {
    const at = `filter.${field}`;
    if (!isValidField(field)) {
      errors.push({ field: at, message: 'is not a valid field name' });
      continue;
    }
    const condition = normalizeCondition(field, raw, at, errors);
    if (condition !== undefined) conditions.push(condition);
  }
  return conditions;
}

function normalizeCondition(
  field: string,
  raw: unknown,
  at: string,
  errors: FieldError[],
): Condition | undefined {
  const path = field.split('.');
  if (!isPlainObject(raw)) {
    errors.push({
      field: at,
      message: 'must be a condition object: { eq }, { in }, { gt, gte, lt, lte } or { exists }',
    });
    return undefined;
  }
  const keys = Object.keys(raw);
  if (keys.length === 1 && keys[0] === 'eq') {
    if (!isScalar(raw['eq']))
      return invalid(errors, at, 'eq must be a string, a finite number, a boolean or null');
    return { kind: 'eq', field, path, value: raw['eq'] };
  }
  if (keys.length === 1 && keys[0] === 'in') {
    const values = raw['in'];
    if (!Array.isArray(values) || !values.every(isScalar)) {
      return invalid(errors, at, 'in must be a list of strings, finite numbers, booleans or nulls');
    }
    if (values.length > MAX_IN_VALUES)
      return invalid(errors, at, `in accepts at most ${MAX_IN_VALUES} values`);
    return { kind: 'in', field, path, values };
  }
  if (keys.length === 1 && keys[0] === 'exists') {
    if (typeof raw['exists'] !== 'boolean') return invalid(errors, at, 'exists must be true or false');
    return { kind: 'exists', field, path, exists: raw['exists'] };
  }
  if (keys.length > 0 && keys.every((key) => (RANGE_OPS as readonly string[]).includes(key))) {
    const bounds: RangeBound[] = [];
    for (const op of RANGE_OPS) {
      const value = raw[op];
      if (value === undefined) continue;
      if (typeof value !== 'string' && !(typeof value === 'number' && Number.isFinite(value))) {
        return invalid(errors, at, `${op} must be a string or a finite number`);
      }
      bounds.push({ op, value });
    }
    return { kind: 'range', field, path, bounds };
  }
  return invalid(
    errors,
    at,
    'unknown condition: use exactly one of { eq }, { in }, { gt, gte, lt, lte }, { exists }',
  );
}

function invalid(errors: FieldError[], field: string, message: string): undefined {
  errors.push({ field, message });
  return undefined;
}

export function normalizeSort(sort: unknown, errors: FieldError[] = []): NormalizedSortKey[] {
  const keys: NormalizedSortKey[] = [];
  if (sort !== undefined) {
    if (!Array.isArray(sort)) {
      errors.push({ field: 'sort', message: 'must be a list of { field, direction }' });
    } else {
      const seen = new Set<string>();
      for (const [index, raw] of (sort as unknown[]).entries()) {
        const at = `sort[${index}]`;
        if (!isPlainObject(raw) || typeof raw['field'] !== 'string' || !isValidField(raw['field'])) {
          errors.push({ field: at, message: 'must name a valid field' });
          continue;
        }
        const direction = raw['direction'];
        if (direction !== 'asc' && direction !== 'desc') {
          errors.push({ field: `${at}.direction`, message: 'must be asc or desc' });
          continue;
        }
        if (seen.has(raw['field'])) {
          errors.push({ field: at, message: `sorts on ${raw['field']} twice` });
          continue;
        }
        seen.add(raw['field']);
        keys.push({ field: raw['field'], path: raw['field'].split('.'), direction });
        // _id is unique: nothing after it can change the order.
        if (raw['field'] === '_id') return keys;
      }
    }
  }
  keys.push({ field: '_id', path: ['_id'], direction: 'asc' });
  return keys;
}

export function normalizeQuery(query: FindQuery | undefined): NormalizedQuery {
  const errors: FieldError[] = [];
  const raw: Record<string, unknown> = isPlainObject(query) ? query : {};
  const conditions = normalizeFilter(raw['filter'], errors);
  const sort = normalizeSort(raw['sort'], errors);
  const limit = raw['limit'];
  if (limit !== undefined && !(Number.isSafeInteger(limit) && (limit as number) >= 1)) {
    errors.push({ field: 'limit', message: 'must be a positive integer' });
  }
  const skip = raw['skip'];
  if (skip !== undefined && !(Number.isSafeInteger(skip) && (skip as number) >= 0)) {
    errors.push({ field: 'skip', message: 'must be a non-negative integer' });
  }
  let after: Scalar[] | null = null;
  if (raw['after'] !== undefined && raw['after'] !== null) {
    after = decodeCursor(raw['after'], sort, errors);
  }
  const fields = normalizeFields(raw['fields'], sort, errors);
  if (errors.length > 0) throw new ValidationError(errors);
  return {
    conditions,
    sort,
    limit: (limit as number | undefined) ?? null,
    skip: (skip as number | undefined) ?? 0,
    after,
    fields,
  };
}

const TOP_LEVEL_FIELD = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** The fields asked for, with `_id` and the first segment of every sort field, in a stable order. */
function normalizeFields(raw: unknown, sort: readonly NormalizedSortKey[], errors: FieldError[]): readonly string[] | null {
  if (raw === undefined || raw === null) return null;
  if (!Array.isArray(raw) || !raw.every((field) => typeof field === 'string' && TOP_LEVEL_FIELD.test(field))) {
    errors.push({ field: 'fields', message: 'must be a list of top-level field names' });
    return null;
  }
  const fields = new Set<string>(['_id', ...(raw as string[]), ...sort.map((key) => key.field.split('.')[0] as string)]);
  return [...fields].sort();
}

/** Index fields up to (not including) `_id`, which every index ends with anyway. */
export function indexFields(spec: IndexSpec): NormalizedSortKey[] {
  const errors: FieldError[] = [];
  const fields = normalizeSort(spec.fields, errors);
  if (errors.length > 0) throw new ValidationError(errors);
  return fields.filter((key) => key.field !== '_id');
}

/** Throws a ValidationError for a filter that cannot be run. */
export function normalizeCountFilter(filter: Filter | undefined): Condition[] {
  const errors: FieldError[] = [];
  const conditions = normalizeFilter(filter, errors);
  if (errors.length > 0) throw new ValidationError(errors);
  return conditions;
}

/**
 * Guards a query built from client input: every filtered or sorted field must be one the read
 * model declares as queryable (`_id` always is).
 */
export function assertQueryableFields(query: FindQuery, allowed: readonly string[]): void {
  const errors: FieldError[] = [];
  const permitted = new Set(['_id', ...allowed]);
  for (const field of Object.keys(query.filter ?? {})) {
    if (!permitted.has(field)) errors.push({ field: `filter.${field}`, message: 'cannot be filtered on' });
  }
  for (const [index, key] of (query.sort ?? []).entries()) {
    if (!permitted.has(key.field))
      errors.push({ field: `sort[${index}]`, message: `cannot sort on ${key.field}` });
  }
  if (errors.length > 0) throw new ValidationError(errors);
}

// ---------------------------------------------------------------------------------------------
// Cursors: the sort values of the last document of a page, tagged with a hash of the sort so a
// cursor cannot be replayed against another order. Opaque to clients, validated like input.
// ---------------------------------------------------------------------------------------------

export function encodeCursor(sort: readonly NormalizedSortKey[], values: readonly Scalar[]): string {
  return Buffer.from(JSON.stringify([sortSignature(sort), ...values]), 'utf8').toString('base64url');
}

function decodeCursor(
  cursor: unknown,
  sort: readonly NormalizedSortKey[],
  errors: FieldError[],
): Scalar[] | null {
  if (typeof cursor !== 'string' || cursor.length > 4096) {
    errors.push({ field: 'after', message: 'is not a cursor returned by this list' });
    return null;
  }
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    decoded = undefined;
  }
  if (
    !Array.isArray(decoded) ||
    decoded.length !== sort.length + 1 ||
    !decoded.every(isScalar) ||
    typeof decoded[decoded.length - 1] !== 'string'
  ) {
    errors.push({ field: 'after', message: 'is not a cursor returned by this list' });
    return null;
  }
  if (decoded[0] !== sortSignature(sort)) {
    errors.push({ field: 'after', message: 'belongs to a different sort order' });
    return null;
  }
  return decoded.slice(1);
}

/** FNV-1a of the sort description: short, stable across processes. */
function sortSignature(sort: readonly NormalizedSortKey[]): string {
  const text = sort.map((key) => `${key.field}:${key.direction}`).join(',');
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash.toString(16).padStart(8, '0');
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const prototype = Object.getPrototypeOf(value) as unknown;
  return prototype === Object.prototype || prototype === null;
}

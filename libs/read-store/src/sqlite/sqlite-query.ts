import { assertNever } from '@qms/domain-kernel';
import type { Scalar } from '../read-store.port';
import type { Condition, NormalizedSortKey, RangeBound } from '../query';
import { isValidField } from '../query';
import type { ElementIndex } from './sqlite-elements';

/**
 * Our query language as SQL over documents stored as JSONB (or JSON text, in older files). Every
 * value travels as a bound parameter; the only text built from a query is a field path, which
 * normalizeQuery has checked against the field-name pattern (letters, digits, `_`, dots) and which
 * is checked again here.
 *
 * Order and equality follow MongoDB's, through one "key" expression per field whose SQLite value
 * orders exactly as MongoDB orders the field's values: SQLite already sorts numbers before text,
 * text by UTF-8 bytes (code-point order) and blobs after text; the key maps null and missing to
 * -Infinity (below every JSON number, which is finite), booleans to blobs after every string, and
 * objects and arrays to blobs between strings and booleans. Because it is one deterministic
 * expression, `ensureIndexes` indexes it, and SQLite uses that index for equality, ranges,
 * sorting and keyset cursors on the field.
 */

export type SqlValue = string | number | Buffer | null;

export interface SqlFragment {
  readonly sql: string;
  readonly params: readonly SqlValue[];
}

/** The key of null and of a missing field: sorts first, equal to each other, as in MongoDB. */
const NULL_KEY = -Infinity;
const TRUE_KEY = Buffer.from([5, 1]);
const FALSE_KEY = Buffer.from([5, 0]);
/** What the key of an array is; conditions on an array look at its elements (json_each). */
const ARRAY_KEY_SQL = "x'04'";

/** The key expression for a value whose JSON type and SQL value are given. */
function keyCase(type: string, value: string): string {
  return (
    `CASE ${type} WHEN 'true' THEN x'0501' WHEN 'false' THEN x'0500' ` +
    `WHEN 'object' THEN x'03' WHEN 'array' THEN ${ARRAY_KEY_SQL} ELSE coalesce(${value}, -9e999) END`
  );
}

/** `$.a.b` for the path; field names are plain identifiers, so no quoting is needed. */
export function jsonPath(path: readonly string[]): string {
  const field = path.join('.');
  if (!isValidField(field)) throw new Error(`Invalid read-model field ${JSON.stringify(field)}`);
  return `'$.${field}'`;
}

function isId(path: readonly string[]): boolean {
  return path.length === 1 && path[0] === '_id';
}

/** The key of a field of the row's document; `_id` is its own column. */
export function keyOf(path: readonly string[]): string {
  if (isId(path)) return 'id';
  const at = jsonPath(path);
  return keyCase(`json_type(doc, ${at})`, `json_extract(doc, ${at})`);
}

/** The key of an element of an array field, as a row of json_each. */
export const ELEMENT_KEY = keyCase('element.type', 'element.value');

/** A scalar as a key parameter: compares with keyOf exactly as MongoDB compares the values. */
export function keyParam(value: Scalar): SqlValue {
  if (value === null) return NULL_KEY;
  if (typeof value === 'boolean') return value ? TRUE_KEY : FALSE_KEY;
  return value;
}

/** What a collection holds in arrays, for its conditions (see whereClause). */
export interface CollectionArrays {
  /** Fields where the collection has ever held an array. */
  readonly fields: ReadonlySet<string>;
  /** The indexes whose first field is one of them (sqlite-elements.ts). */
  readonly elementIndexes: readonly ElementIndex[];
}

/**
 * All conditions, joined by AND. Where the collection has ever held an array in a field, a
 * condition on it also matches an array through its elements, as in MongoDB. Where an index
 * begins with the field, the elements come from that index's element table: the match is one
 * index range per value, and the complaints overdue at the end of a month among a hundred thousand
 * are found without reading the others. Otherwise each document's array is read (json_each), at
 * the price of an OR the index cannot serve alone. Elsewhere the condition is on the key only.
 */
export function whereClause(conditions: readonly Condition[], arrays: CollectionArrays): SqlFragment {
  const parts: string[] = [];
  const params: SqlValue[] = [];
  for (const condition of conditions) {
    const fragment = isId(condition.path) || !arrays.fields.has(condition.field)
      ? conditionSql(condition)
      : arrayConditionSql(condition, arrays);
    parts.push(fragment.sql);
    params.push(...fragment.params);
  }
  return { sql: parts.length === 0 ? '1' : parts.join(' AND '), params };
}

function conditionSql(condition: Condition): SqlFragment {
  if (condition.kind === 'exists') {
    if (isId(condition.path)) return { sql: condition.exists ? '1' : '0', params: [] };
    return {
      sql: `json_type(doc, ${jsonPath(condition.path)}) IS ${condition.exists ? 'NOT NULL' : 'NULL'}`,
      params: [],
    };
  }
  return scalarCondition(keyOf(condition.path), condition);
}

/** A scalar's match, or an array's through its elements. */
function arrayConditionSql(condition: Condition, arrays: CollectionArrays): SqlFragment {
  if (condition.kind === 'exists') return conditionSql(condition);
  const key = keyOf(condition.path);
  const scalar = scalarCondition(key, condition);
  // On an array each range bound may be met by a different element, as in MongoDB.
  const elementMatches = (elementKey: string): SqlFragment[] =>
    condition.kind === 'range'
      ? condition.bounds.map((bound) => boundSql(elementKey, [bound]))
      : [scalarCondition(elementKey, condition)];
  const elements = arrays.elementIndexes.find((index) => index.field === condition.field);
  const inArray = elements !== undefined
    ? // An array's own key never equals a value nor lies in a range, so the OR counts no document
      // twice, and each side has an index: SQLite takes the union of two index searches.
      elementMatches('key').map((match) => ({
        sql: `id IN (SELECT id FROM "${elements.table}" WHERE ${match.sql})`,
        params: match.params,
      }))
    : [
        {
          sql: `${key} = ${ARRAY_KEY_SQL}`,
          params: [],
        },
        ...elementMatches(ELEMENT_KEY).map((match) => ({
          sql: `EXISTS (SELECT 1 FROM json_each(doc, ${jsonPath(condition.path)}) AS element WHERE ${match.sql})`,
          params: match.params,
        })),
      ];
  return {
    sql: `(${scalar.sql} OR (${inArray.map((part) => part.sql).join(' AND ')}))`,
    params: [...scalar.params, ...inArray.flatMap((part) => part.params)],
  };
}

export function scalarCondition(key: string, condition: Exclude<Condition, { kind: 'exists' }>): SqlFragment {
  switch (condition.kind) {
    case 'eq':
      return { sql: `${key} = ?`, params: [keyParam(condition.value)] };
    case 'in': {
      // Distinct keys: IN with repeated values is correct but makes the index probe each twice.
      const keys = [...new Map(condition.values.map((value) => [inKey(value), keyParam(value)])).values()];
      if (keys.length === 0) return { sql: '0', params: [] };
      return { sql: `${key} IN (${keys.map(() => '?').join(', ')})`, params: keys };
    }
    case 'range':
      return boundSql(key, condition.bounds);
    default:
      return assertNever(condition, 'condition');
  }
}

function inKey(value: Scalar): string {
  return `${typeof value}:${String(value)}`;
}

/**
 * Range bounds match values of their own type only (MongoDB's type bracketing): a side left open
 * is closed at the edge of the bound's type, so `{ gte: 5 }` stops before the first string and
 * `{ lt: '2024' }` starts after the last number. Both edges are plain comparisons on the key, so
 * the whole range is one index range. Bounds of two types leave nothing, as in MongoDB.
 */
function boundSql(key: string, bounds: readonly RangeBound[]): SqlFragment {
  const parts: string[] = [];
  const params: SqlValue[] = [];
  for (const bound of bounds) {
    parts.push(`${key} ${OPERATORS[bound.op]} ?`);
    params.push(bound.value);
  }
  for (const type of ['number', 'string'] as const) {
    const ofType = bounds.filter((bound) => typeof bound.value === type);
    if (ofType.length === 0) continue;
    if (!ofType.some((bound) => bound.op === 'gt' || bound.op === 'gte')) {
      // Numbers start after null's -Infinity; strings at the empty string.
      parts.push(type === 'number' ? `${key} > ?` : `${key} >= ''`);
      if (type === 'number') params.push(NULL_KEY);
    }
    if (!ofType.some((bound) => bound.op === 'lt' || bound.op === 'lte')) {
      // Every number sorts before the empty string, every string before the empty blob.
      parts.push(type === 'number' ? `${key} < ''` : `${key} < x''`);
    }
  }
  return { sql: parts.join(' AND '), params };
}

const OPERATORS = { gt: '>', gte: '>=', lt: '<', lte: '<=' } as const;

export function orderBy(sort: readonly NormalizedSortKey[]): string {
  return sort.map((key) => `${keyOf(key.path)} ${key.direction === 'asc' ? 'ASC' : 'DESC'}`).join(', ');
}

/**
 * Rows after the cursor in the sort order (keyset pagination): for keys k1..kn,
 * (k1 beyond v1) or (k1 = v1 and k2 beyond v2) or ... The first key's bound (k1 ≥ v1 ascending,
 * ≤ v1 descending) is repeated in front, which the others imply, so that SQLite starts the page
 * at the cursor in the index instead of walking to it.
 */
export function afterCursor(sort: readonly NormalizedSortKey[], values: readonly Scalar[]): SqlFragment {
  return afterCursorOn(
    sort.map((key) => keyOf(key.path)),
    sort,
    values,
  );
}

/** afterCursor over given key expressions, one per sort key (columns of an element index's table). */
export function afterCursorOn(keys: readonly string[], sort: readonly NormalizedSortKey[], values: readonly Scalar[]): SqlFragment {
  const params = values.map((value) => keyParam(value));
  const branches: string[] = [];
  const branchParams: SqlValue[] = [];
  for (let i = 0; i < sort.length; i++) {
    const equalBefore = keys.slice(0, i).map((key) => `${key} = ?`);
    const beyond = `${keys[i] as string} ${(sort[i] as NormalizedSortKey).direction === 'asc' ? '>' : '<'} ?`;
    branches.push([...equalBefore, beyond].join(' AND '));
    branchParams.push(...params.slice(0, i + 1));
  }
  const first = sort[0] as NormalizedSortKey;
  return {
    sql: `${keys[0] as string} ${first.direction === 'asc' ? '>=' : '<='} ? AND (${branches.map((branch) => `(${branch})`).join(' OR ')})`,
    params: [params[0] as SqlValue, ...branchParams],
  };
}

/**
 * Paths (dotted, through objects only, as queries address fields) where the document holds an
 * array. Arrays are not entered: a path never addresses an element.
 */
export function arrayFieldsOf(document: object, into: Set<string>, prefix = ''): void {
  for (const [name, value] of Object.entries(document)) {
    if (value === null || typeof value !== 'object') continue;
    const path = prefix === '' ? name : `${prefix}.${name}`;
    if (Array.isArray(value)) into.add(path);
    else arrayFieldsOf(value as object, into, path);
  }
}

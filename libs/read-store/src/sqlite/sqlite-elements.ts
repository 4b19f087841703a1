import type { Condition, NormalizedQuery, NormalizedSortKey } from '../query';
import { afterCursorOn, ELEMENT_KEY, jsonPath, keyOf, scalarCondition, type SqlFragment, type SqlValue } from './sqlite-query';

/**
 * MongoDB's multikey index on SQLite. Where an index's first field holds arrays, each element is a
 * row of a table of that index, `(id, key, k1 … kn)`: the element's key, then the document's keys
 * of the index's other fields, indexed in the index's order. So "which documents hold one of these
 * values" is a range of that table's index per value, and "the first page of them in the index's
 * order" is read from index entries, without reading a document that is not on the page.
 */
export interface ElementIndex {
  /** The table of the elements (see elementsTable). */
  readonly table: string;
  /** The index's first field, where the collection holds arrays. */
  readonly field: string;
  readonly path: readonly string[];
  /** The index's other fields, whose keys each element's row carries. */
  readonly then: readonly NormalizedSortKey[];
}

/** Starts with `_`, which no collection's name does; the signature is the index's (its keys hashed). */
export function elementsTable(collection: string, signature: string): string {
  return `_elements_${collection}__${signature}`;
}

function thenColumns(index: ElementIndex): string[] {
  return index.then.map((_, i) => `k${i + 1}`);
}

/**
 * Keyed by document first, for replacing a document's elements. `key` and the k columns have no
 * declared type, so that no affinity converts a key: '10' stays text, as the document's value was.
 */
export function createElementsTableSql(index: ElementIndex, indexName: string): string[] {
  const columns = thenColumns(index);
  const ordered = columns.map((column, i) => `${column} ${(index.then[i] as NormalizedSortKey).direction.toUpperCase()}`);
  return [
    `CREATE TABLE "${index.table}" (id TEXT NOT NULL, key NOT NULL, ${columns.map((column) => `${column}, `).join('')}PRIMARY KEY (id, key)) WITHOUT ROWID`,
    `CREATE INDEX "${indexName}" ON "${index.table}" (key, ${ordered.map((column) => `${column}, `).join('')}id)`,
  ];
}

/**
 * Copies the elements of the index's array field into its table, keyed exactly as conditions on
 * elements compare them: of every document (an index built over a filled table), or of the one
 * whose id is the parameter. The primary key (id, key) keeps an element a document repeats once.
 */
export function insertElementsSql(collection: string, index: ElementIndex, oneDocument: boolean): string {
  const at = jsonPath(index.path);
  const columns = thenColumns(index);
  // `doc` is the document's: json_each has no column of that name (it has an `id`, hence document.id).
  const keys = index.then.map((key) => keyOf(key.path));
  return (
    `INSERT OR IGNORE INTO "${index.table}" (id, key${columns.map((column) => `, ${column}`).join('')}) ` +
    `SELECT document.id, ${ELEMENT_KEY}${keys.map((key) => `, ${key}`).join('')} FROM "${collection}" AS document, json_each(document.doc, ${at}) AS element ` +
    `WHERE json_type(document.doc, ${at}) = 'array'${oneDocument ? ' AND document.id = ?' : ''}`
  );
}

/** The condition that picks the page's rows from an element index, and the index, if one can. */
export function pageIndexFor(
  query: NormalizedQuery,
  indexes: readonly ElementIndex[],
): { readonly condition: Extract<Condition, { kind: 'eq' | 'in' }>; readonly index: ElementIndex } | undefined {
  if (query.limit === null) return undefined;
  for (const condition of query.conditions) {
    if (condition.kind !== 'eq' && condition.kind !== 'in') continue;
    const index = indexes.find((candidate) => candidate.field === condition.field && inIndexOrder(query.sort, candidate));
    if (index !== undefined) return { condition, index };
  }
  return undefined;
}

/** The sort is the index's other fields, in its directions, then the `_id` tie-break. */
function inIndexOrder(sort: readonly NormalizedSortKey[], index: ElementIndex): boolean {
  const expected = [...index.then, { field: '_id', direction: 'asc' }];
  return sort.length === expected.length && sort.every((key, i) => key.field === expected[i]?.field && key.direction === expected[i]?.direction);
}

/**
 * The rowids of a page whose sort is an element index's order, one of whose values the page's
 * documents hold in its array field: the arrays' rows from the element index, joined with the
 * documents only for the other conditions; the scalars' (a document may hold one value there) from
 * the collection's own index on the same keys. The union drops an array that holds two of the
 * values; it is sorted on index keys alone, and only the page's documents are read afterwards.
 */
export function elementPageChoice(
  collection: string,
  query: NormalizedQuery,
  page: { readonly condition: Extract<Condition, { kind: 'eq' | 'in' }>; readonly index: ElementIndex },
  rest: SqlFragment,
): SqlFragment {
  const { condition, index } = page;
  const elementKeys = [...thenColumns(index).map((column) => `element.${column}`), 'element.id'];
  const documentKeys = query.sort.map((key) => keyOf(key.path));
  const after = (keys: readonly string[]): SqlFragment =>
    query.after === null ? { sql: '1', params: [] } : afterCursorOn(keys, query.sort, query.after);
  const fromElements = scalarCondition('element.key', condition);
  const elementsAfter = after(elementKeys);
  const fromScalars = scalarCondition(keyOf(index.path), condition);
  const scalarsAfter = after(documentKeys);
  const sorted = query.sort.map((key, i) => `s${i} ${key.direction === 'asc' ? 'ASC' : 'DESC'}`).join(', ');
  const sql =
    `SELECT document.r AS r, ${elementKeys.map((key, i) => `${key} AS s${i}`).join(', ')} ` +
    `FROM "${index.table}" AS element JOIN (SELECT rowid AS r, id AS documentId FROM "${collection}" WHERE ${rest.sql}) AS document ON document.documentId = element.id ` +
    `WHERE ${fromElements.sql} AND ${elementsAfter.sql} ` +
    `UNION SELECT rowid, ${documentKeys.join(', ')} FROM "${collection}" WHERE ${fromScalars.sql} AND ${rest.sql} AND ${scalarsAfter.sql} ` +
    `ORDER BY ${sorted} LIMIT ? OFFSET ?`;
  const params: SqlValue[] = [
    ...rest.params,
    ...fromElements.params,
    ...elementsAfter.params,
    ...fromScalars.params,
    ...rest.params,
    ...scalarsAfter.params,
    (query.limit ?? 0) + 1,
    query.skip,
  ];
  return { sql: `SELECT r FROM (${sql})`, params };
}

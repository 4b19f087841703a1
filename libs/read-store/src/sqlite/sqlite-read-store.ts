import { createHash } from 'node:crypto';
import type Database from 'better-sqlite3';
import { StoreUnavailableError } from '@qms/domain-kernel';
import type {
  Checkpoint,
  CollectionWrite,
  Commit,
  Filter,
  FindQuery,
  IndexSpec,
  Page,
  SortKey,
  ReadModelOrigin,
  ReadStore,
  StoredDocument,
  WriteBatch,
} from '../read-store.port';
import { shadowCollection } from '../read-store.port';
import {
  assertCollectionName,
  CHECKPOINTS_COLLECTION,
  indexFields,
  ORIGIN_COLLECTION,
  normalizeCountFilter,
  normalizeQuery,
  type NormalizedQuery,
  type NormalizedSortKey,
} from '../query';
import { assertDistinctIds, cursorAfter, toJsonDocument } from '../documents';
import { streamByPages } from '../paged-stream';
import {
  afterCursor,
  arrayFieldsOf,
  type CollectionArrays,
  keyOf,
  orderBy,
  whereClause,
  type SqlFragment,
  type SqlValue,
} from './sqlite-query';
import {
  createElementsTableSql,
  type ElementIndex,
  elementPageChoice,
  elementsTable,
  insertElementsSql,
  pageIndexFor,
} from './sqlite-elements';
import { ARRAY_FIELDS_TABLE, IN_MEMORY, INDEX_SPECS_TABLE, openReadDatabase } from './sqlite-read-database';

export interface SqliteReadStoreOptions {
  /** The read-model file (created with its folder when missing), or `:memory:` for tests. */
  readonly path: string;
  /** A reader's connection: never writes, and needs a file a writer has initialised. */
  readonly readonly?: boolean;
  /** The connection's page cache, MiB (DEFAULT_READ_DB_CACHE_MB when not given). */
  readonly cacheMb?: number;
}

/** One collection's writes, checked and serialised before the transaction starts. */
interface PreparedWrite {
  readonly collection: string;
  readonly upserts: readonly (readonly [id: string, json: string])[];
  readonly deletes: readonly string[];
  readonly arrayFields: ReadonlySet<string>;
}

const STATEMENT_CACHE_SIZE = 256;
const INDEX_NAME = /__ix_([0-9a-f]{12})(?:_\d+)?$/;

/**
 * The embedded mode's read store: one SQLite file, one table per collection holding each document
 * as JSONB (SQLite's binary JSON) beside its `_id`, with expression indexes on the keys of the
 * fields the read models sort and filter on (sqlite-query.ts). JSONB because every index key is a
 * field read out of the document: from text SQLite parses the whole document for each index built
 * and each row written, from JSONB it walks to the field. Building the complaint list's eleven
 * indexes over the benchmark's 101,907 complaints took 3.3–4.0 s against 6.8–6.9 s from text. The
 * JSON functions take text and JSONB alike, so documents an earlier version stored as text stay
 * readable until they are written again; what is read goes back to text through `json()`. A commit stores a batch's documents of every collection
 * and its checkpoint in one transaction, so after a crash the checkpoint always says exactly which
 * events the stored documents reflect.
 *
 * One connection writes (the projection's); any number of readonly connections, in other threads
 * or processes, read the last committed state beside it (WAL). better-sqlite3 is synchronous: each
 * call runs to completion, so within one connection nothing interleaves with a transaction.
 */
export class SqliteReadStore implements ReadStore {
  private readonly statements = new Map<string, Database.Statement>();
  private readonly readTransaction: Database.Transaction<(work: () => unknown) => unknown>;
  private readonly writeTransaction: Database.Transaction<(work: () => unknown) => unknown>;

  private constructor(
    private readonly db: Database.Database,
    readonly path: string,
    readonly readonly: boolean,
  ) {
    const inTransaction = (work: () => unknown): unknown => work();
    this.readTransaction = db.transaction(inTransaction);
    this.writeTransaction = db.transaction(inTransaction);
  }

  /** Opens (creating if needed) the read-model file; a StoreUnavailableError when it cannot be opened or is too new. */
  static open(options: SqliteReadStoreOptions): SqliteReadStore {
    const readonly = options.readonly === true;
    let db: Database.Database;
    try {
      db = openReadDatabase({ path: options.path, readonly, cacheMb: options.cacheMb });
    } catch (error) {
      const reason = (error instanceof Error ? error.message : String(error)).replace(/\s+/g, ' ');
      throw new StoreUnavailableError(`Cannot open the read models at ${options.path}: ${reason}`);
    }
    return new SqliteReadStore(db, options.path, readonly);
  }

  // -------------------------------------------------------------------------------------------
  // Writing
  // -------------------------------------------------------------------------------------------

  async commit(commit: Commit): Promise<void> {
    // Every document is checked and serialised first: a bad one fails the commit before it starts.
    const writes = commit.writes.map(prepareWrite);
    const checkpoint = commit.checkpoint;
    this.write(() => {
      for (const write of writes) this.applyWrite(write);
      if (checkpoint !== undefined) this.putCheckpoint(checkpoint.name, checkpoint.checkpoint);
    });
  }

  async bulkWrite<D extends StoredDocument>(collection: string, batch: WriteBatch<D>): Promise<void> {
    await this.commit({ writes: [{ collection, ...batch }] });
  }

  async ensureIndexes(collection: string, specs: readonly IndexSpec[]): Promise<void> {
    assertCollectionName(collection);
    const declared = new Map<string, readonly NormalizedSortKey[]>();
    for (const spec of specs) {
      const fields = indexFields(spec);
      // `_id` alone is the primary key's index.
      if (fields.length > 0) declared.set(indexSignature(fields), fields);
    }
    const wanted = new Map(declared);
    this.write(() => {
      this.createTable(collection);
      const indexes = this.selectAll<{ name: string }>(
        "SELECT name FROM sqlite_schema WHERE type = 'index' AND tbl_name = ?",
        [collection],
      );
      for (const { name } of indexes) {
        const signature = INDEX_NAME.exec(name)?.[1];
        if (signature !== undefined) wanted.delete(signature);
      }
      for (const [signature, fields] of wanted) {
        const columns = [...fields.map((key) => `${keyOf(key.path)} ${key.direction.toUpperCase()}`), 'id'];
        this.db.exec(
          `CREATE INDEX "${this.freeIndexName(collection, signature)}" ON "${collection}" (${columns.join(', ')})`,
        );
      }
      this.recordIndexes(collection, declared);
      // Indexes built over a filled table (a rebuild's, after its replay): without statistics the
      // planner takes two ranges on different indexes for equally selective and may walk most of a
      // table where a month's worth would do. ANALYZE samples every index (STAT4) in one pass.
      if (wanted.size > 0 && this.selectOne(`SELECT 1 AS found FROM "${collection}" LIMIT 1`, []) !== undefined) {
        this.db.exec(`ANALYZE "${collection}"`);
      }
    });
  }

  /**
   * Records the indexes. Where one is newly recorded and the collection already holds arrays in its
   * first field (an index built after a rebuild's replay, or a file of schema 1), its elements are
   * copied in now; from here on every write keeps them (applyWrite).
   */
  private recordIndexes(collection: string, indexes: ReadonlyMap<string, readonly NormalizedSortKey[]>): void {
    const arrays = this.arrays(collection).fields;
    for (const [signature, fields] of indexes) {
      const first = fields[0] as NormalizedSortKey;
      const recorded = this.statement(
        `INSERT OR IGNORE INTO ${INDEX_SPECS_TABLE} (collection, signature, first_field, fields) VALUES (?, ?, ?, ?)`,
      ).run(collection, signature, first.field, JSON.stringify(fields.map(({ field, direction }) => ({ field, direction }))));
      if (recorded.changes === 0 || !arrays.has(first.field)) continue;
      const index = elementIndexOf(collection, signature, fields);
      this.createElementsTable(index);
      this.execute(insertElementsSql(collection, index, false), []);
    }
  }

  /**
   * Drop and rename in one transaction: readers see the old table or the new one, never neither.
   * The shadow's elements, array fields and indexed fields go along with it.
   */
  async swap(collection: string): Promise<boolean> {
    assertCollectionName(collection);
    const shadow = shadowCollection(collection);
    assertCollectionName(shadow);
    return this.write(() => {
      if (!this.tableExists(shadow)) return false;
      this.dropElementTables(collection);
      const tables: [live: string, rebuilt: string][] = [
        [collection, shadow],
        ...this.indexSignatures(shadow).map((signature): [string, string] => [elementsTable(collection, signature), elementsTable(shadow, signature)]),
      ];
      this.db.exec(`DROP TABLE IF EXISTS "${collection}"`);
      for (const [live, rebuilt] of tables) {
        if (!this.tableExists(rebuilt)) continue;
        this.db.exec(`ALTER TABLE "${rebuilt}" RENAME TO "${live}"`);
        this.carryStatistics(rebuilt, live);
      }
      for (const table of [ARRAY_FIELDS_TABLE, INDEX_SPECS_TABLE]) {
        this.execute(`DELETE FROM ${table} WHERE collection = ?`, [collection]);
        this.execute(`UPDATE ${table} SET collection = ? WHERE collection = ?`, [collection, shadow]);
      }
      return true;
    });
  }

  /**
   * A rename leaves the table's statistics (sqlite_stat1/4, from ANALYZE) under the old name, and
   * the primary key's index is renamed with the table: move them along, then have the planner
   * load them again, so that the copy swapped in is planned as it was measured.
   */
  private carryStatistics(from: string, to: string): void {
    let carried = false;
    for (const table of ['sqlite_stat1', 'sqlite_stat4']) {
      if (!this.tableExists(table)) continue;
      this.execute(`DELETE FROM ${table} WHERE tbl = ?`, [to]);
      this.execute(`UPDATE ${table} SET tbl = ?, idx = CASE WHEN idx = ? THEN ? ELSE idx END WHERE tbl = ?`, [
        to,
        `sqlite_autoindex_${from}_1`,
        `sqlite_autoindex_${to}_1`,
        from,
      ]);
      carried = true;
    }
    if (carried) this.db.exec('ANALYZE sqlite_schema');
  }

  async drop(collection: string): Promise<void> {
    assertCollectionName(collection);
    this.write(() => {
      this.db.exec(`DROP TABLE IF EXISTS "${collection}"`);
      this.dropElementTables(collection);
      for (const table of [ARRAY_FIELDS_TABLE, INDEX_SPECS_TABLE]) {
        this.execute(`DELETE FROM ${table} WHERE collection = ?`, [collection]);
      }
    });
  }

  async saveCheckpoint(name: string, checkpoint: Checkpoint): Promise<void> {
    this.write(() => this.putCheckpoint(name, checkpoint));
  }

  async deleteCheckpoint(name: string): Promise<void> {
    this.write(() => this.execute(`DELETE FROM ${CHECKPOINTS_COLLECTION} WHERE name = ?`, [name]));
  }

  async saveOrigin(origin: ReadModelOrigin): Promise<void> {
    this.write(() =>
      this.execute(
        `INSERT INTO ${ORIGIN_COLLECTION} (id, first_event_id, first_position, recorded_at) VALUES (1, ?, ?, ?)
         ON CONFLICT (id) DO UPDATE SET first_event_id = excluded.first_event_id,
           first_position = excluded.first_position, recorded_at = excluded.recorded_at`,
        [origin.firstEventId, origin.firstPosition, origin.recordedAt],
      ),
    );
  }

  /** Every collection's table and elements, the checkpoints and the origin, in one transaction. */
  async clear(): Promise<void> {
    const ownTables = [CHECKPOINTS_COLLECTION, ARRAY_FIELDS_TABLE, INDEX_SPECS_TABLE, ORIGIN_COLLECTION];
    this.write(() => {
      const tables = this.selectAll<{ name: string }>(
        `SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' AND name NOT IN (${ownTables.map(() => '?').join(', ')})`,
        ownTables,
      );
      for (const { name } of tables) this.db.exec(`DROP TABLE "${name}"`);
      for (const table of ownTables) this.db.exec(`DELETE FROM ${table}`);
      // The dropped tables' statements are invalid now.
      this.statements.clear();
    });
  }

  // -------------------------------------------------------------------------------------------
  // Reading
  // -------------------------------------------------------------------------------------------

  async listCheckpoints(): Promise<Map<string, Checkpoint>> {
    const rows = this.read(() =>
      this.selectAll<{ name: string } & Checkpoint>(
        `SELECT name, position, version FROM ${CHECKPOINTS_COLLECTION} ORDER BY name`,
        [],
      ),
    );
    return new Map(rows.map((row) => [row.name, { position: row.position, version: row.version }]));
  }

  async getOrigin(): Promise<ReadModelOrigin | null> {
    // A reader's connection on a file no writer of this version has opened yet has no such table.
    const row = this.read(() =>
      this.tableExists(ORIGIN_COLLECTION)
        ? this.selectOne<{ first_event_id: string; first_position: number; recorded_at: string }>(
            `SELECT first_event_id, first_position, recorded_at FROM ${ORIGIN_COLLECTION} WHERE id = 1`,
            [],
          )
        : undefined,
    );
    return row === undefined
      ? null
      : { firstEventId: row.first_event_id, firstPosition: row.first_position, recordedAt: row.recorded_at };
  }

  async getCheckpoint(name: string): Promise<Checkpoint | null> {
    const row = this.read(() =>
      this.selectOne<Checkpoint>(`SELECT position, version FROM ${CHECKPOINTS_COLLECTION} WHERE name = ?`, [
        name,
      ]),
    );
    return row === undefined ? null : { position: row.position, version: row.version };
  }

  async get<D extends StoredDocument = StoredDocument>(collection: string, id: string): Promise<D | null> {
    assertCollectionName(collection);
    const row = this.read(() =>
      this.tableExists(collection)
        ? this.selectOne<{ doc: string }>(`SELECT json(doc) AS doc FROM "${collection}" WHERE id = ?`, [String(id)])
        : undefined,
    );
    return row === undefined ? null : (JSON.parse(row.doc) as D);
  }

  async getMany<D extends StoredDocument = StoredDocument>(
    collection: string,
    ids: readonly string[],
  ): Promise<Map<string, D>> {
    assertCollectionName(collection);
    const found = new Map<string, D>();
    if (ids.length === 0) return found;
    // The ids travel as one JSON array parameter, however many there are.
    const rows = this.read(() =>
      this.tableExists(collection)
        ? this.selectAll<{ id: string; doc: string }>(
            `SELECT id, json(doc) AS doc FROM "${collection}" WHERE id IN (SELECT value FROM json_each(?))`,
            [JSON.stringify(ids.map(String))],
          )
        : [],
    );
    for (const row of rows) found.set(row.id, JSON.parse(row.doc) as D);
    return found;
  }

  async find<D extends StoredDocument = StoredDocument>(
    collection: string,
    query?: FindQuery,
  ): Promise<Page<D>> {
    const normalized = normalizeQuery(query);
    assertCollectionName(collection);
    const rows = this.read(() => {
      if (!this.tableExists(collection)) return [];
      const select = this.selectSql(collection, normalized);
      return this.selectAll<{ doc: string }>(select.sql, select.params);
    });
    const documents = rows.map((row) => JSON.parse(row.doc) as D);
    if (normalized.limit === null || documents.length <= normalized.limit) {
      return { items: documents, nextCursor: null };
    }
    const items = documents.slice(0, normalized.limit);
    return { items, nextCursor: cursorAfter(items[items.length - 1] as StoredDocument, normalized.sort) };
  }

  async count(collection: string, filter?: Filter): Promise<number> {
    const conditions = normalizeCountFilter(filter);
    assertCollectionName(collection);
    return this.read(() => {
      if (!this.tableExists(collection)) return 0;
      const where = whereClause(conditions, this.arrays(collection));
      return (
        this.selectOne<{ n: number }>(
          `SELECT count(*) AS n FROM "${collection}" WHERE ${where.sql}`,
          where.params,
        )?.n ?? 0
      );
    });
  }

  stream<D extends StoredDocument = StoredDocument>(
    collection: string,
    query: FindQuery = {},
  ): AsyncIterable<D> {
    return streamByPages<D>((page) => this.find<D>(collection, page), query);
  }

  /**
   * SQLite's plan for choosing a find's rows, one line per step: shows which index a query uses.
   * (A page's documents are then read by rowid and its at most limit + 1 rows put in order.)
   */
  async explainFind(collection: string, query?: FindQuery): Promise<string[]> {
    const normalized = normalizeQuery(query);
    assertCollectionName(collection);
    return this.read(() => {
      if (!this.tableExists(collection)) return [];
      const { choice } = this.selectSql(collection, normalized);
      return this.selectAll<{ detail: string }>(`EXPLAIN QUERY PLAN ${choice.sql}`, choice.params).map(
        (row) => row.detail,
      );
    });
  }

  async checkHealth(): Promise<void> {
    this.read(() => this.selectOne('SELECT 1', []));
  }

  async close(): Promise<void> {
    if (!this.db.open) return;
    // Lets SQLite refresh the statistics its planner chooses indexes by, where they are stale.
    if (!this.readonly) this.db.pragma('optimize');
    this.statements.clear();
    this.db.close();
  }

  // -------------------------------------------------------------------------------------------

  /**
   * A find as SQL: `choice` picks the rows of the answer in order; `sql` reads their documents.
   * For a page (a limit) the rows are chosen first and their documents read after: where an index
   * holds every key of the filter and the sort, the choice reads the index alone, and a page sorted
   * out of thousands of matches (overdue now, newest first) reads its 51 documents, not thousands.
   */
  private selectSql(collection: string, query: NormalizedQuery): SqlFragment & { readonly choice: SqlFragment } {
    const arrays = this.arrays(collection);
    const where = whereClause(query.conditions, arrays);
    const clauses: string[] = [where.sql];
    const params: SqlValue[] = [...where.params];
    if (query.after !== null) {
      const after = afterCursor(query.sort, query.after);
      clauses.push(after.sql);
      params.push(...after.params);
    }
    const order = orderBy(query.sort);
    // One more than asked tells whether another page exists.
    params.push(query.limit === null ? -1 : query.limit + 1, query.skip);
    // Some fields: SQLite walks the document's top level and keeps those, absent ones staying
    // absent; each value taken as JSON (`->`), since json_each gives booleans as integers.
    const [document, documentParams]: [string, SqlValue[]] =
      query.fields === null
        ? ['json(doc)', []]
        : ['(SELECT json_group_object(key, doc -> fullkey) FROM json_each(doc) WHERE key IN (SELECT value FROM json_each(?)))', [JSON.stringify(query.fields)]];
    const elementPage = pageIndexFor(query, arrays.elementIndexes);
    if (elementPage !== undefined) {
      const rest = whereClause(query.conditions.filter((condition) => condition !== elementPage.condition), arrays);
      const choice = elementPageChoice(collection, query, elementPage, rest);
      return { sql: `SELECT ${document} AS doc FROM "${collection}" WHERE rowid IN (${choice.sql}) ORDER BY ${order}`, params: [...documentParams, ...choice.params], choice };
    }
    if (query.limit === null) {
      const whole = { sql: `SELECT ${document} AS doc FROM "${collection}" WHERE ${clauses.join(' AND ')} ORDER BY ${order} LIMIT ? OFFSET ?`, params: [...documentParams, ...params] };
      return { ...whole, choice: whole };
    }
    const choice = { sql: `SELECT rowid FROM "${collection}" WHERE ${clauses.join(' AND ')} ORDER BY ${order} LIMIT ? OFFSET ?`, params };
    return { sql: `SELECT ${document} AS doc FROM "${collection}" WHERE rowid IN (${choice.sql}) ORDER BY ${order}`, params: [...documentParams, ...params], choice };
  }

  /**
   * A collection's documents, and their elements where an indexed field holds arrays. A field's
   * first array is recorded before its elements are written: no document held an array there
   * before, so the element table is complete for it from this write on.
   */
  private applyWrite(write: PreparedWrite): void {
    const { collection } = write;
    this.createTable(collection);
    if (write.upserts.length > 0) {
      const upsert = this.statement(
        `INSERT INTO "${collection}" (id, doc) VALUES (?, jsonb(?)) ON CONFLICT (id) DO UPDATE SET doc = excluded.doc`,
      );
      for (const [id, json] of write.upserts) upsert.run(id, json);
    }
    if (write.deletes.length > 0) {
      const remove = this.statement(`DELETE FROM "${collection}" WHERE id = ?`);
      for (const id of write.deletes) remove.run(id);
    }
    for (const field of write.arrayFields) {
      this.execute(`INSERT OR IGNORE INTO ${ARRAY_FIELDS_TABLE} (collection, field) VALUES (?, ?)`, [
        collection,
        field,
      ]);
    }
    const { elementIndexes } = this.arrays(collection);
    for (const index of elementIndexes) this.writeElements(write, index);
  }

  /** Replaces the elements of each document written, and removes those of each deleted. */
  private writeElements(write: PreparedWrite, index: ElementIndex): void {
    this.createElementsTable(index);
    const forget = this.statement(`DELETE FROM "${index.table}" WHERE id = ?`);
    const insert = this.statement(insertElementsSql(write.collection, index, true));
    for (const [id] of write.upserts) {
      forget.run(id);
      insert.run(id);
    }
    for (const id of write.deletes) forget.run(id);
  }

  private createTable(collection: string): void {
    this.statement(
      `CREATE TABLE IF NOT EXISTS "${collection}" (id TEXT PRIMARY KEY NOT NULL, doc BLOB NOT NULL)`,
    ).run();
  }

  private createElementsTable(index: ElementIndex): void {
    if (this.tableExists(index.table)) return;
    for (const sql of createElementsTableSql(index, this.freeIndexName(index.table, 'by_key'))) this.db.exec(sql);
  }

  private dropElementTables(collection: string): void {
    for (const signature of this.indexSignatures(collection)) {
      this.db.exec(`DROP TABLE IF EXISTS "${elementsTable(collection, signature)}"`);
    }
  }

  private indexSignatures(collection: string): string[] {
    return this.selectAll<{ signature: string }>(`SELECT signature FROM ${INDEX_SPECS_TABLE} WHERE collection = ?`, [collection]).map((row) => row.signature);
  }

  private putCheckpoint(name: string, checkpoint: Checkpoint): void {
    this.execute(
      `INSERT INTO ${CHECKPOINTS_COLLECTION} (name, position, version) VALUES (?, ?, ?)
       ON CONFLICT (name) DO UPDATE SET position = excluded.position, version = excluded.version`,
      [name, checkpoint.position, checkpoint.version],
    );
  }

  private tableExists(name: string): boolean {
    return (
      this.selectOne("SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = ?", [name]) !== undefined
    );
  }

  /** Where the collection has held arrays, and the indexes that begin with such a field. */
  private arrays(collection: string): CollectionArrays {
    const fields = this.selectAll<{ field: string }>(`SELECT field FROM ${ARRAY_FIELDS_TABLE} WHERE collection = ?`, [collection]);
    // Most reads are of collections that never held an array: one query is enough for them.
    if (fields.length === 0) return { fields: new Set(), elementIndexes: [] };
    const indexes = this.selectAll<{ signature: string; fields: string }>(
      `SELECT s.signature, s.fields FROM ${INDEX_SPECS_TABLE} AS s
       JOIN ${ARRAY_FIELDS_TABLE} AS a ON a.collection = s.collection AND a.field = s.first_field
       WHERE s.collection = ? ORDER BY s.signature`,
      [collection],
    );
    return {
      fields: new Set(fields.map((row) => row.field)),
      elementIndexes: indexes.map((row) => elementIndexOf(collection, row.signature, indexFields({ fields: JSON.parse(row.fields) as SortKey[] }))),
    };
  }

  /**
   * Index names carry the signature of their keys, which is how ensureIndexes recognises them. A
   * swapped-in table keeps its shadow's index names, so a later shadow may find its name taken.
   */
  private freeIndexName(table: string, signature: string): string {
    const base = `${table}__ix_${signature}`;
    for (let n = 1; ; n++) {
      const name = n === 1 ? base : `${base}_${n}`;
      if (this.selectOne('SELECT 1 FROM sqlite_schema WHERE name = ?', [name]) === undefined) return name;
    }
  }

  /** A consistent snapshot for the reads `work` makes (a deferred transaction). */
  private read<T>(work: () => T): T {
    return this.guard(() => this.readTransaction.deferred(work) as T);
  }

  /** One write transaction, taking the write lock at once so it never fails half-way for a busy lock. */
  private write<T>(work: () => T): T {
    return this.guard(() => this.writeTransaction.immediate(work) as T);
  }

  private guard<T>(work: () => T): T {
    if (!this.db.open) throw new StoreUnavailableError(`Read store unavailable: ${this.where()} is closed`);
    try {
      return work();
    } catch (error) {
      if (isUnavailable(error)) {
        throw new StoreUnavailableError(
          `Read store unavailable: ${this.where()}: ${(error as Error).message}`,
        );
      }
      throw error;
    }
  }

  private where(): string {
    return this.path === IN_MEMORY ? 'SQLite in memory' : `SQLite file ${this.path}`;
  }

  private statement(sql: string): Database.Statement {
    let statement = this.statements.get(sql);
    if (statement !== undefined) {
      // Most recently used last: the first entry is the one to evict.
      this.statements.delete(sql);
    } else {
      statement = this.db.prepare(sql);
      if (this.statements.size >= STATEMENT_CACHE_SIZE) {
        const oldest = this.statements.keys().next().value;
        if (oldest !== undefined) this.statements.delete(oldest);
      }
    }
    this.statements.set(sql, statement);
    return statement;
  }

  private selectOne<R>(sql: string, params: readonly SqlValue[]): R | undefined {
    return this.statement(sql).get(...params) as R | undefined;
  }

  private selectAll<R>(sql: string, params: readonly SqlValue[]): R[] {
    return this.statement(sql).all(...params) as R[];
  }

  private execute(sql: string, params: readonly SqlValue[]): void {
    this.statement(sql).run(...params);
  }
}

function prepareWrite(write: CollectionWrite): PreparedWrite {
  assertCollectionName(write.collection);
  const upserts = write.upserts ?? [];
  const deletes = (write.deletes ?? []).map(String);
  assertDistinctIds(write.collection, upserts, deletes);
  const arrayFields = new Set<string>();
  const rows = upserts.map((document) => {
    const json = toJsonDocument(document);
    arrayFieldsOf(json, arrayFields);
    return [json._id, JSON.stringify(json)] as const;
  });
  return { collection: write.collection, upserts: rows, deletes, arrayFields };
}

/** The keys and directions of an index, hashed: how an existing index is recognised by its name. */
function indexSignature(fields: readonly NormalizedSortKey[]): string {
  const text = fields.map((key) => `${key.field}:${key.direction}`).join(',');
  return createHash('sha256').update(text).digest('hex').slice(0, 12);
}

/** Failures of the file or its locks, as opposed to a bad statement or document. */
function isUnavailable(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return (
    typeof code === 'string' && /^SQLITE_(BUSY|LOCKED|IOERR|CANTOPEN|FULL|READONLY|NOTADB|CORRUPT)/.test(code)
  );
}

function elementIndexOf(collection: string, signature: string, fields: readonly NormalizedSortKey[]): ElementIndex {
  const [first, ...then] = fields as [NormalizedSortKey, ...NormalizedSortKey[]];
  return { table: elementsTable(collection, signature), field: first.field, path: first.path, then };
}

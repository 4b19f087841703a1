import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { CHECKPOINTS_COLLECTION, ORIGIN_COLLECTION } from '../query';

export const IN_MEMORY = ':memory:';

/** Fields where a collection has held an array (see sqlite-query.ts whereClause). */
export const ARRAY_FIELDS_TABLE = '_array_fields';
/**
 * Every index ensured on a collection: its signature (keys hashed), first field and keys (JSON).
 * Where the first field holds arrays, the index has an element table (sqlite-elements.ts).
 */
export const INDEX_SPECS_TABLE = '_index_specs';

/**
 * 2 added the index specs and the element tables. A version that reads schema 1 would write
 * documents without their elements, so it must refuse the file rather than open it.
 */
const SCHEMA_VERSION = 2;

/**
 * Collections are tables created on first use (one per collection, so each has its own indexes
 * and a rebuild's shadow table can be renamed into place); these two are the store's own.
 * Collection names start with a letter and the checkpoints' name is reserved, so neither clashes.
 */
const SCHEMA_V1 = `
  CREATE TABLE ${CHECKPOINTS_COLLECTION} (
    name     TEXT    PRIMARY KEY NOT NULL,
    position INTEGER NOT NULL,
    version  INTEGER NOT NULL
  );
  CREATE TABLE ${ARRAY_FIELDS_TABLE} (
    collection TEXT NOT NULL,
    field      TEXT NOT NULL,
    PRIMARY KEY (collection, field)
  ) WITHOUT ROWID;
`;

const SCHEMA_V2 = `
  CREATE TABLE ${INDEX_SPECS_TABLE} (
    collection  TEXT NOT NULL,
    signature   TEXT NOT NULL,
    first_field TEXT NOT NULL,
    fields      TEXT NOT NULL,
    PRIMARY KEY (collection, signature)
  ) WITHOUT ROWID;
`;

/**
 * Which event log the read models were built from (one row; see ReadModelOrigin). Added to files
 * of schema 1 as they are opened, without a new schema version: older versions of the application
 * ignore the table, so a data folder opened by this version still opens with them.
 */
const ORIGIN_TABLE = `
  CREATE TABLE IF NOT EXISTS ${ORIGIN_COLLECTION} (
    id              INTEGER PRIMARY KEY CHECK (id = 1),
    first_event_id  TEXT    NOT NULL,
    first_position  INTEGER NOT NULL,
    recorded_at     TEXT    NOT NULL
  );
`;

export interface ReadDatabaseOptions {
  readonly path: string;
  readonly readonly?: boolean;
  /** SQLite's page cache of this connection, MiB; see DEFAULT_READ_DB_CACHE_MB. */
  readonly cacheMb?: number;
}

/**
 * Page cache per connection, MiB (SQLite's default is 2). A list page walks an index and reads its
 * rows; a projection batch rewrites the open complaints' rows and the current months'. Past the
 * cache the operating system's file cache serves the pages, at a system call each.
 */
export const DEFAULT_READ_DB_CACHE_MB = 32;

/**
 * Opens the read-model file. WAL: readers (the API's connections, other processes) read the last
 * committed state while the projection writes, and never see a transaction in progress.
 *
 * synchronous = NORMAL: in WAL mode a commit is durable against a crash of the process (kill -9
 * included) and the file is never corrupted; only a power cut or OS crash can lose the last
 * commits before the next WAL sync. Read models are derived data whose checkpoint commits in the
 * same transaction as their documents, so such a loss rolls both back together and the projection
 * re-applies those events from the event log (which itself syncs FULL). FULL here would pay an
 * fsync per projection batch for nothing the log does not already guarantee.
 */
export function openReadDatabase(options: ReadDatabaseOptions): Database.Database {
  const { path } = options;
  const readonly = options.readonly === true;
  let db: Database.Database | undefined;
  try {
    if (path !== IN_MEMORY && !readonly) mkdirSync(dirname(resolve(path)), { recursive: true });
    db = new Database(path, readonly ? { readonly: true, fileMustExist: true } : {});
    db.pragma('busy_timeout = 5000');
    if (!readonly) {
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = NORMAL');
    }
    db.pragma(`cache_size = -${(options.cacheMb ?? DEFAULT_READ_DB_CACHE_MB) * 1024}`);
    if (readonly) assertKnownSchema(db);
    else migrate(db);
    return db;
  } catch (error) {
    db?.close();
    throw error;
  }
}

function assertKnownSchema(db: Database.Database): void {
  const version = db.pragma('user_version', { simple: true }) as number;
  if (version !== SCHEMA_VERSION) {
    throw new Error(
      version === 0
        ? 'the read-model file has not been initialised by a writer yet'
        : `the read-model file has schema ${version}, this application reads schema ${SCHEMA_VERSION}`,
    );
  }
}

function migrate(db: Database.Database): void {
  db.transaction(() => {
    const version = db.pragma('user_version', { simple: true }) as number;
    if (version > SCHEMA_VERSION) {
      throw new Error(
        `the read-model file was written by a newer version of this application (schema ${version})`,
      );
    }
    if (version < 1) db.exec(SCHEMA_V1);
    // A file of schema 1 has no elements indexed yet: ensureIndexes fills them in, since each
    // collection's indexes are recorded from its next call on.
    if (version < 2) db.exec(SCHEMA_V2);
    db.exec(ORIGIN_TABLE);
    // Written on every open: SQLite silently opens a write-protected file read-only, and this write
    // turns that into an error now rather than at the first projection batch.
    db.pragma(`user_version = ${SCHEMA_VERSION}`);
  }).immediate();
}

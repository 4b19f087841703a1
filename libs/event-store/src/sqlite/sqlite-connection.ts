import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import Database from 'better-sqlite3';

/**
 * Kept free of `@qms/*` imports: the writer worker loads this file on its own, outside the
 * application's module graph (see sqlite-writer-worker.ts).
 */
export const IN_MEMORY = ':memory:';

const SCHEMA_VERSION = 1;

/**
 * The position is an AUTOINCREMENT rowid: assigned inside the write transaction, which holds
 * SQLite's single write lock, so position order is commit order and a reader never sees a position
 * while a smaller one is still uncommitted. AUTOINCREMENT also guarantees a position is never reused.
 */
const SCHEMA_V1 = `
  CREATE TABLE events (
    position    INTEGER PRIMARY KEY AUTOINCREMENT,
    event_id    TEXT    NOT NULL UNIQUE,
    stream_id   TEXT    NOT NULL,
    revision    INTEGER NOT NULL,
    type        TEXT    NOT NULL,
    data        TEXT    NOT NULL,
    metadata    TEXT    NOT NULL,
    recorded_at TEXT    NOT NULL,
    UNIQUE (stream_id, revision)
  );
`;

/**
 * Opens the event-store file with the store's pragmas, creating it (and its folder) unless
 * `mustExist`; raw driver errors.
 */
export function connectEventDatabase(path: string, mustExist = false): Database.Database {
  let db: Database.Database | undefined;
  try {
    if (path !== IN_MEMORY && !mustExist) mkdirSync(dirname(resolve(path)), { recursive: true });
    db = new Database(path, { fileMustExist: mustExist && path !== IN_MEMORY });
    db.pragma('journal_mode = WAL');
    // FULL: an acknowledged append survives a power cut, not only a process crash.
    db.pragma('synchronous = FULL');
    db.pragma('busy_timeout = 5000');
    migrate(db);
    return db;
  } catch (error) {
    db?.close();
    throw error;
  }
}

function migrate(db: Database.Database): void {
  db.transaction(() => {
    const version = db.pragma('user_version', { simple: true }) as number;
    if (version > SCHEMA_VERSION) {
      throw new Error(`the file was written by a newer version of this application (schema ${version})`);
    }
    if (version === 0) db.exec(SCHEMA_V1);
    // Written on every open: SQLite silently opens a write-protected file read-only, and this write
    // turns that into an error now rather than at the first append.
    db.pragma(`user_version = ${SCHEMA_VERSION}`);
  }).immediate();
}

import type Database from 'better-sqlite3';
import { type ConcurrencyError, StoreUnavailableError, assertNever } from '@qms/domain-kernel';
import { oneLine } from '../append-validation';
import { IdempotencyConflictError, WriteNotStoredError, WrongExpectedVersionError } from '../errors';
import type { EventToAppend, ExpectedRevision } from '../event-store.port';
import { SqliteAppender, isSqliteError } from './sqlite-appender';
import type { AppendConflict, SerializedWrite, WriteOutcome } from './sqlite-writer-protocol';

/**
 * Where appends are committed. Both implementations group the requests that arrive while a
 * commit is being prepared or running into one transaction, and acknowledge nothing before that
 * commit is durable.
 */
export interface SqliteWriter {
  /**
   * One outcome per write once committed; rejects (with the store's error classes) when the
   * storage or the writer fails.
   */
  append(writes: readonly SerializedWrite[]): Promise<WriteOutcome[]>;
  /** Throws StoreUnavailableError when the writer can no longer take appends. */
  checkHealth(): void;
  /** Commits what is queued, then stops taking appends. */
  close(): Promise<void>;
}

/** SQLite codes that mean the store itself is failing (disk, locks, permissions), not the request. */
const UNAVAILABLE_CODES = /^SQLITE_(BUSY|LOCKED|FULL|IOERR|READONLY|CANTOPEN|CORRUPT|NOTADB|PROTOCOL)/;

/** Storage failures become StoreUnavailableError (HTTP 503); anything else passes through. */
export function storageError(error: unknown, path: string): unknown {
  if (isSqliteError(error) && UNAVAILABLE_CODES.test(error.code)) {
    return new StoreUnavailableError(`The event store at ${path} failed: ${oneLine(error)}.`);
  }
  return error;
}

export function closedError(path: string): StoreUnavailableError {
  return new StoreUnavailableError(`The event store at ${path} is closed.`);
}

export function conflictError(conflict: AppendConflict): ConcurrencyError {
  switch (conflict.kind) {
    case 'wrong_version':
      return new WrongExpectedVersionError(conflict.streamId, conflict.expected, conflict.actual);
    case 'idempotency':
      return new IdempotencyConflictError(conflict.streamId, conflict.detail);
    case 'not_stored':
      return new WriteNotStoredError(conflict.streamId, conflict.detail);
    default:
      return assertNever(conflict, 'append conflict');
  }
}

/** JSON text is made on the caller's thread: cheaper to hand over than objects, and its errors stay the caller's. */
export function serializeWrite(
  streamId: string,
  events: readonly EventToAppend[],
  expectedRevision: ExpectedRevision,
  flags: { readonly withPrevious?: boolean; readonly stopAtRefusal?: boolean } = {},
): SerializedWrite {
  return {
    streamId,
    expectedRevision,
    ...(flags.withPrevious === true ? { withPrevious: true } : {}),
    ...(flags.stopAtRefusal === true ? { stopAtRefusal: true } : {}),
    events: events.map((event) => ({
      id: event.id,
      type: event.type,
      data: JSON.stringify(event.data),
      metadata: JSON.stringify(event.metadata),
    })),
  };
}

interface QueuedRequest {
  readonly writes: readonly SerializedWrite[];
  readonly resolve: (outcomes: WriteOutcome[]) => void;
  readonly reject: (error: unknown) => void;
}

/**
 * Commits on the event loop, on the connection the store also reads from. The fsync blocks the
 * thread, so only the requests made during one turn of the event loop share a commit. The only
 * choice for an in-memory database, which a second connection cannot see.
 */
export class MainThreadSqliteWriter implements SqliteWriter {
  private readonly appender: SqliteAppender;
  private queue: QueuedRequest[] = [];

  constructor(
    private readonly db: Database.Database,
    private readonly path: string,
    private readonly onCommitted: () => void,
  ) {
    this.appender = new SqliteAppender(db);
  }

  append(writes: readonly SerializedWrite[]): Promise<WriteOutcome[]> {
    return new Promise((resolve, reject) => {
      this.queue.push({ writes, resolve, reject });
      if (this.queue.length === 1) setImmediate(() => this.commitQueued());
    });
  }

  checkHealth(): void {}

  async close(): Promise<void> {
    this.commitQueued();
  }

  private commitQueued(): void {
    const queued = this.queue;
    this.queue = [];
    if (queued.length === 0) return;
    let outcomes: WriteOutcome[][];
    try {
      if (!this.db.open) throw closedError(this.path);
      outcomes = this.appender.commit(queued.map((request) => request.writes));
    } catch (error) {
      const failure = storageError(error, this.path);
      for (const request of queued) request.reject(failure);
      return;
    }
    queued.forEach((request, index) => request.resolve(outcomes[index]!));
    this.onCommitted();
  }
}

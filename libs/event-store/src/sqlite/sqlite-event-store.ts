import { EventEmitter } from 'node:events';
import type Database from 'better-sqlite3';
import { ConcurrencyError, StoreUnavailableError } from '@qms/domain-kernel';
import {
  DEFAULT_MAX_BATCH_SIZE,
  assertCount,
  assertValidAppend,
  assertValidStreamId,
  oneLine,
} from '../append-validation';
import { IdempotencyConflictError, WrongExpectedVersionError } from '../errors';
import type {
  AllSubscription,
  AppendResult,
  EventStore,
  EventToAppend,
  ExpectedRevision,
  JsonObject,
  ReadAllOptions,
  ReadStreamOptions,
  RecordedEvent,
  StreamWrite,
  StreamWriteOutcome,
  SubscribeToAllOptions,
} from '../event-store.port';
import { IN_MEMORY, openEventDatabase } from './sqlite-database';
import { SqliteAllSubscription } from './sqlite-subscription';

export interface SqliteEventStoreOptions {
  /** How often a caught-up subscription looks for appends made by other processes. */
  readonly pollIntervalMs?: number;
}

interface QueuedAppend {
  readonly write: StreamWrite;
  readonly resolve: (result: AppendResult) => void;
  readonly reject: (error: unknown) => void;
}

interface EventRow {
  position: number;
  event_id: string;
  stream_id: string;
  revision: number;
  type: string;
  data: string;
  metadata: string;
  recorded_at: string;
}

interface StoredRef {
  event_id: string;
  stream_id: string;
  revision: number;
  position: number;
}

const COLUMNS = 'position, event_id, stream_id, revision, type, data, metadata, recorded_at';
const NO_LIMIT = -1;
/** SQLite codes that mean the store itself is failing (disk, locks, permissions), not the request. */
const UNAVAILABLE_CODES = /^SQLITE_(BUSY|LOCKED|FULL|IOERR|READONLY|CANTOPEN|CORRUPT|NOTADB|PROTOCOL)/;

/**
 * The embedded event store: one SQLite file with EventStoreDB's append semantics (expected
 * revisions, idempotent retries by event id) and a catch-up subscription to all events.
 */
export class SqliteEventStore implements EventStore {
  private readonly appended = new EventEmitter();
  private readonly subscriptions = new Set<SqliteAllSubscription>();
  private readonly pollIntervalMs: number;
  private readonly statements;
  private readonly appendInTransaction;
  private readonly appendManyInTransaction;
  private commitQueue: QueuedAppend[] = [];

  private constructor(
    private readonly db: Database.Database,
    private readonly path: string,
    options: SqliteEventStoreOptions,
  ) {
    this.pollIntervalMs = options.pollIntervalMs ?? 200;
    this.appended.setMaxListeners(0);
    this.statements = {
      lastRevision: db
        .prepare<[string], number>(
          'SELECT revision FROM events WHERE stream_id = ? ORDER BY revision DESC LIMIT 1',
        )
        .pluck(),
      byId: db.prepare<[string], StoredRef>(
        'SELECT event_id, stream_id, revision, position FROM events WHERE event_id = ?',
      ),
      refsFrom: db.prepare<[string, number, number], StoredRef>(
        'SELECT event_id, stream_id, revision, position FROM events WHERE stream_id = ? AND revision >= ? ORDER BY revision LIMIT ?',
      ),
      insert: db.prepare<[string, string, number, string, string, string, string]>(
        'INSERT INTO events (event_id, stream_id, revision, type, data, metadata, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
      ),
      forwards: db.prepare<[string, number, number], EventRow>(
        `SELECT ${COLUMNS} FROM events WHERE stream_id = ? AND revision >= ? ORDER BY revision ASC LIMIT ?`,
      ),
      backwards: db.prepare<[string, number, number], EventRow>(
        `SELECT ${COLUMNS} FROM events WHERE stream_id = ? AND revision <= ? ORDER BY revision DESC LIMIT ?`,
      ),
      all: db.prepare<[number, number], EventRow>(
        `SELECT ${COLUMNS} FROM events WHERE position > ? ORDER BY position ASC LIMIT ?`,
      ),
      head: db.prepare<[], number | null>('SELECT MAX(position) FROM events').pluck(),
      ping: db.prepare<[], number>('SELECT 1').pluck(),
    };
    // IMMEDIATE takes the write lock before reading the stream's revision, so the check and the
    // insert are one atomic step even against other processes writing to the same file.
    const append = db.transaction(
      (streamId: string, events: readonly EventToAppend[], expected: ExpectedRevision): AppendResult =>
        this.appendLocked(streamId, events, expected),
    );
    this.appendInTransaction = append.immediate;
    // One commit (one fsync) for the batch; each write in its own savepoint so that a refused
    // write rolls back alone.
    const appendMany = db.transaction((writes: readonly StreamWrite[]): StreamWriteOutcome[] =>
      writes.map((write) => {
        try {
          return { ok: true, result: append(write.streamId, write.events, write.expectedRevision ?? 'any') };
        } catch (error) {
          if (error instanceof ConcurrencyError) return { ok: false, error };
          throw error;
        }
      }),
    );
    this.appendManyInTransaction = appendMany.immediate;
  }

  /** Opens or creates the store at `path` (its folder too); `':memory:'` gives a private in-memory store. */
  static open(path: string, options: SqliteEventStoreOptions = {}): SqliteEventStore {
    return new SqliteEventStore(openEventDatabase(path), path, options);
  }

  static inMemory(options: SqliteEventStoreOptions = {}): SqliteEventStore {
    return SqliteEventStore.open(IN_MEMORY, options);
  }

  async appendToStream(
    streamId: string,
    events: readonly EventToAppend[],
    options: { readonly expectedRevision?: ExpectedRevision } = {},
  ): Promise<AppendResult> {
    const expected = options.expectedRevision ?? 'any';
    assertValidAppend(streamId, events, expected);
    return new Promise<AppendResult>((resolve, reject) => {
      this.commitQueue.push({ write: { streamId, events, expectedRevision: expected }, resolve, reject });
      if (this.commitQueue.length === 1) setImmediate(() => this.commitQueued());
    });
  }

  /**
   * Group commit: the appends requested during one turn of the event loop (concurrent commands)
   * share one transaction and so one disk sync, each in its own savepoint with its own result.
   * Nothing is acknowledged before that commit is durable; a lone append commits on its own.
   */
  private commitQueued(): void {
    const queued = this.commitQueue;
    this.commitQueue = [];
    if (queued.length === 0) return;
    try {
      if (queued.length === 1) {
        const [only] = queued as [QueuedAppend];
        const { streamId, events, expectedRevision } = only.write;
        only.resolve(this.guard(() => this.appendInTransaction(streamId, events, expectedRevision ?? 'any')));
      } else {
        const outcomes = this.guard(() => this.appendManyInTransaction(queued.map((item) => item.write)));
        outcomes.forEach((outcome, index) => {
          const item = queued[index]!;
          if (outcome.ok) item.resolve(outcome.result);
          else item.reject(outcome.error);
        });
      }
    } catch (error) {
      for (const item of queued) item.reject(error);
      return;
    }
    this.appended.emit('appended');
  }

  async appendToStreams(writes: readonly StreamWrite[]): Promise<StreamWriteOutcome[]> {
    for (const write of writes) assertValidAppend(write.streamId, write.events, write.expectedRevision ?? 'any');
    if (writes.length === 0) return [];
    const outcomes = this.guard(() => this.appendManyInTransaction(writes));
    this.appended.emit('appended');
    return outcomes;
  }

  async readStream(streamId: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    assertValidStreamId(streamId);
    assertCount('fromRevision', options.fromRevision);
    assertCount('maxCount', options.maxCount);
    const limit = options.maxCount ?? NO_LIMIT;
    const rows = this.guard(() =>
      options.direction === 'backwards'
        ? this.statements.backwards.all(streamId, options.fromRevision ?? Number.MAX_SAFE_INTEGER, limit)
        : this.statements.forwards.all(streamId, options.fromRevision ?? 0, limit),
    );
    return rows.map(toRecordedEvent);
  }

  async readAll(options: ReadAllOptions = {}): Promise<RecordedEvent[]> {
    assertCount('fromPosition', options.fromPosition);
    assertCount('maxCount', options.maxCount);
    return this.guard(() => this.readPage(options.fromPosition ?? 0, options.maxCount ?? NO_LIMIT));
  }

  subscribeToAll(options: SubscribeToAllOptions = {}): AllSubscription {
    assertCount('fromPosition', options.fromPosition);
    const maxBatchSize = options.maxBatchSize ?? DEFAULT_MAX_BATCH_SIZE;
    if (!Number.isSafeInteger(maxBatchSize) || maxBatchSize < 1) {
      throw new RangeError(`maxBatchSize must be a positive integer, got ${maxBatchSize}.`);
    }
    const subscription = new SqliteAllSubscription(
      {
        readPage: (position, maxCount) => this.guard(() => this.readPage(position, maxCount)),
        onAppended: (listener) => {
          this.appended.on('appended', listener);
          return () => this.appended.off('appended', listener);
        },
      },
      options.fromPosition ?? 0,
      maxBatchSize,
      this.pollIntervalMs,
      (closed) => this.subscriptions.delete(closed),
    );
    this.subscriptions.add(subscription);
    return subscription;
  }

  async headPosition(): Promise<number> {
    return this.guard(() => this.statements.head.get() ?? 0);
  }

  async checkHealth(): Promise<void> {
    this.guard(() => this.statements.ping.get());
  }

  /** Ends every open subscription, then closes the file. Safe to call twice. */
  async close(): Promise<void> {
    this.commitQueued();
    await Promise.all([...this.subscriptions].map((subscription) => subscription.close()));
    if (this.db.open) this.db.close();
  }

  private readPage(afterPosition: number, maxCount: number): RecordedEvent[] {
    return this.statements.all.all(afterPosition, maxCount).map(toRecordedEvent);
  }

  /** EventStoreDB's decision table: write, replay an identical earlier append, or refuse. */
  private appendLocked(
    streamId: string,
    events: readonly EventToAppend[],
    expected: ExpectedRevision,
  ): AppendResult {
    const current = this.statements.lastRevision.get(streamId) ?? -1;
    const wrongVersion = (): WrongExpectedVersionError =>
      new WrongExpectedVersionError(streamId, expected, current === -1 ? 'no_stream' : current);

    if (expected === 'any' || expected === 'stream_exists') {
      if (expected === 'stream_exists' && current === -1) throw wrongVersion();
      const first = this.statements.byId.get(events[0]!.id);
      if (first === undefined) return this.insert(streamId, events, current);
      if (first.stream_id !== streamId) {
        throw new IdempotencyConflictError(
          streamId,
          `event ${first.event_id} is already stored in stream ${first.stream_id}`,
        );
      }
      return this.replay(streamId, events, first.revision) ?? this.throwPartialReplay(streamId);
    }

    const expectedRevision = expected === 'no_stream' ? -1 : expected;
    if (expectedRevision === current) return this.insert(streamId, events, current);
    if (expectedRevision > current) throw wrongVersion();
    const stored = this.statements.refsFrom.all(streamId, expectedRevision + 1, 1)[0];
    if (stored?.event_id !== events[0]!.id) throw wrongVersion();
    return this.replay(streamId, events, expectedRevision + 1) ?? this.throwPartialReplay(streamId);
  }

  /** The original result when the stream holds exactly these ids from `fromRevision` on, else undefined. */
  private replay(
    streamId: string,
    events: readonly EventToAppend[],
    fromRevision: number,
  ): AppendResult | undefined {
    const stored = this.statements.refsFrom.all(streamId, fromRevision, events.length);
    const matches =
      stored.length === events.length && stored.every((ref, index) => ref.event_id === events[index]!.id);
    const last = stored[stored.length - 1];
    return matches && last !== undefined
      ? { nextExpectedRevision: last.revision, position: last.position }
      : undefined;
  }

  private throwPartialReplay(streamId: string): never {
    throw new IdempotencyConflictError(
      streamId,
      'some of these event ids are already stored, but not as this same sequence of events',
    );
  }

  private insert(streamId: string, events: readonly EventToAppend[], current: number): AppendResult {
    // Taken after the write lock was acquired, so it is the commit time up to the commit itself.
    const recordedAt = new Date().toISOString();
    let revision = current;
    let position = 0;
    for (const event of events) {
      revision += 1;
      try {
        const result = this.statements.insert.run(
          event.id,
          streamId,
          revision,
          event.type,
          JSON.stringify(event.data),
          JSON.stringify(event.metadata),
          recordedAt,
        );
        position = Number(result.lastInsertRowid);
      } catch (error) {
        if (isSqliteError(error) && /UNIQUE.*event_id/.test(error.message)) {
          throw new IdempotencyConflictError(
            streamId,
            `event id ${event.id} is already stored or repeated in this append`,
          );
        }
        throw error;
      }
    }
    return { nextExpectedRevision: revision, position };
  }

  /** Storage failures become StoreUnavailableError (HTTP 503); domain errors pass through. */
  private guard<T>(operation: () => T): T {
    if (!this.db.open) throw new StoreUnavailableError(`The event store at ${this.path} is closed.`);
    try {
      return operation();
    } catch (error) {
      if (isSqliteError(error) && UNAVAILABLE_CODES.test(error.code)) {
        throw new StoreUnavailableError(`The event store at ${this.path} failed: ${oneLine(error)}.`);
      }
      throw error;
    }
  }
}

/**
 * Recognised by shape, not `instanceof`: the native addon keeps the error class of the first
 * context that loaded it, so under Jest (one context per test file) the classes differ.
 */
function isSqliteError(error: unknown): error is { code: string; message: string } {
  const candidate = error as { code?: unknown; message?: unknown } | null;
  return (
    typeof candidate === 'object' &&
    candidate !== null &&
    typeof candidate.code === 'string' &&
    candidate.code.startsWith('SQLITE_') &&
    typeof candidate.message === 'string'
  );
}

function toRecordedEvent(row: EventRow): RecordedEvent {
  return {
    id: row.event_id,
    streamId: row.stream_id,
    type: row.type,
    data: JSON.parse(row.data) as JsonObject,
    metadata: JSON.parse(row.metadata) as JsonObject,
    revision: row.revision,
    position: row.position,
    recordedAt: new Date(row.recorded_at),
  };
}

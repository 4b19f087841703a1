import type Database from 'better-sqlite3';
import type { AppendResult } from '../event-store.port';
import type {
  AppendConflict,
  SerializedEvent,
  SerializedWrite,
  WriteOutcome,
} from './sqlite-writer-protocol';

/*
 * Kept free of `@qms/*` imports: the writer worker loads this file on its own, outside the
 * application's module graph (see sqlite-writer-worker.ts).
 */

interface StoredRef {
  event_id: string;
  stream_id: string;
  revision: number;
  position: number;
}

/** Thrown inside a transaction or savepoint to roll back exactly the refused write. */
class AppendRefused extends Error {
  constructor(readonly conflict: AppendConflict) {
    super(conflict.kind);
  }
}

/**
 * A write refused after some of its events were inserted, in a group committed without a savepoint
 * per write: the whole group rolls back and runs again, each write in its own savepoint.
 */
class NeedsSavepoints extends Error {}

/**
 * The write side of the SQLite store, on one connection: EventStoreDB's append semantics (expected
 * revisions, idempotent retries by event id) and the group commit.
 */
export class SqliteAppender {
  private readonly statements;
  private readonly appendAlone: (write: SerializedWrite) => AppendResult;
  private readonly appendGroup: (requests: readonly (readonly SerializedWrite[])[]) => WriteOutcome[][];
  private readonly appendGroupIsolated: (
    requests: readonly (readonly SerializedWrite[])[],
  ) => WriteOutcome[][];
  /** Whether a refusal may leave events of its write behind (see NeedsSavepoints). */
  private unguarded = false;
  /** The commit time of the transaction under way, taken once the write lock is held. */
  private recordedAt = '';

  constructor(db: Database.Database) {
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
    };
    // IMMEDIATE takes the write lock before reading the stream's revision, so the check and the
    // insert are one atomic step even against other processes writing to the same file.
    const append = db.transaction((write: SerializedWrite): AppendResult => this.appendLocked(write));
    this.appendAlone = db.transaction((write: SerializedWrite): AppendResult => {
      this.recordedAt = new Date().toISOString();
      return this.appendLocked(write);
    }).immediate;
    // Writes that stand or fall together run in one savepoint: a refusal rolls back all of them.
    const appendUnit = db.transaction((writes: readonly SerializedWrite[], refusedAt: { index: number }) =>
      writes.map((write, index) => {
        refusedAt.index = index;
        return this.appendLocked(write);
      }),
    );
    // Most writes are refused, if at all, before their first insert (a wrong revision, a replay),
    // or at it, which SQLite rolls back alone: such a group needs no savepoint per write.
    this.appendGroup = db.transaction((requests: readonly (readonly SerializedWrite[])[]) => {
      this.recordedAt = new Date().toISOString();
      return requests.map((writes) => this.appendRequest(writes, (write) => this.appendLocked(write), appendUnit));
    }).immediate;
    // Nested, `append` runs in a savepoint: a refused write rolls back alone.
    this.appendGroupIsolated = db.transaction((requests: readonly (readonly SerializedWrite[])[]) => {
      this.recordedAt = new Date().toISOString();
      return requests.map((writes) => this.appendRequest(writes, append, appendUnit));
    }).immediate;
  }

  /**
   * One commit, so one disk sync, for every write of every request, each with its own outcome in
   * the requests' shape. Throws, failing them all, when the storage fails; nothing is durable
   * before this returns.
   */
  commit(requests: readonly (readonly SerializedWrite[])[]): WriteOutcome[][] {
    const [only] = requests;
    if (requests.length === 1 && only?.length === 1) {
      return [[refusalAsOutcome(() => this.appendAlone(only[0]!))]];
    }
    this.unguarded = true;
    try {
      return this.appendGroup(requests);
    } catch (error) {
      if (!(error instanceof NeedsSavepoints)) throw error;
    } finally {
      this.unguarded = false;
    }
    return this.appendGroupIsolated(requests);
  }

  /**
   * One request's writes in order, unit by unit (a write and those `withPrevious` after it); a
   * refused unit with `stopAtRefusal` leaves the request's later writes unattempted.
   */
  private appendRequest(
    writes: readonly SerializedWrite[],
    appendOne: (write: SerializedWrite) => AppendResult,
    appendUnit: (writes: readonly SerializedWrite[], refusedAt: { index: number }) => AppendResult[],
  ): WriteOutcome[] {
    const outcomes: WriteOutcome[] = [];
    let stopped = false;
    for (let start = 0; start < writes.length; ) {
      let end = start + 1;
      while (end < writes.length && writes[end]!.withPrevious === true) end += 1;
      const unit = writes.slice(start, end);
      start = end;
      if (stopped) {
        outcomes.push(...unit.map((write) => notStored(write, 'an earlier write of this batch was refused')));
        continue;
      }
      if (unit.length === 1) {
        const outcome = refusalAsOutcome(() => appendOne(unit[0]!));
        outcomes.push(outcome);
        stopped = !outcome.ok && unit[0]!.stopAtRefusal === true;
        continue;
      }
      const refusedAt = { index: 0 };
      try {
        outcomes.push(...appendUnit(unit, refusedAt).map((result): WriteOutcome => ({ ok: true, result })));
      } catch (error) {
        if (!(error instanceof AppendRefused)) throw error;
        outcomes.push(
          ...unit.map((write, index): WriteOutcome =>
            index === refusedAt.index ? { ok: false, conflict: error.conflict } : notStored(write, `the write to ${unit[refusedAt.index]!.streamId} it belongs with was refused`),
          ),
        );
        stopped = unit.some((write) => write.stopAtRefusal === true);
      }
    }
    return outcomes;
  }

  /** EventStoreDB's decision table: write, replay an identical earlier append, or refuse. */
  private appendLocked({ streamId, events, expectedRevision: expected }: SerializedWrite): AppendResult {
    const current = this.statements.lastRevision.get(streamId) ?? -1;
    const wrongVersion = (): AppendRefused =>
      new AppendRefused({
        kind: 'wrong_version',
        streamId,
        expected,
        actual: current === -1 ? 'no_stream' : current,
      });

    if (expected === 'any' || expected === 'stream_exists') {
      if (expected === 'stream_exists' && current === -1) throw wrongVersion();
      const first = this.statements.byId.get(events[0]!.id);
      if (first === undefined) return this.insert(streamId, events, current);
      if (first.stream_id !== streamId) {
        throw idempotencyConflict(
          streamId,
          `event ${first.event_id} is already stored in stream ${first.stream_id}`,
        );
      }
      return this.replay(streamId, events, first.revision) ?? throwPartialReplay(streamId);
    }

    const expectedRevision = expected === 'no_stream' ? -1 : expected;
    if (expectedRevision === current) return this.insert(streamId, events, current);
    if (expectedRevision > current) throw wrongVersion();
    const stored = this.statements.refsFrom.all(streamId, expectedRevision + 1, 1)[0];
    if (stored?.event_id !== events[0]!.id) throw wrongVersion();
    return this.replay(streamId, events, expectedRevision + 1) ?? throwPartialReplay(streamId);
  }

  /** The original result when the stream holds exactly these ids from `fromRevision` on, else undefined. */
  private replay(
    streamId: string,
    events: readonly SerializedEvent[],
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

  private insert(streamId: string, events: readonly SerializedEvent[], current: number): AppendResult {
    // Taken after the write lock was acquired, so it is the commit time up to the commit itself.
    const recordedAt = this.recordedAt;
    let revision = current;
    let position = 0;
    for (let index = 0; index < events.length; index += 1) {
      const event = events[index]!;
      revision += 1;
      try {
        const result = this.statements.insert.run(
          event.id,
          streamId,
          revision,
          event.type,
          event.data,
          event.metadata,
          recordedAt,
        );
        position = Number(result.lastInsertRowid);
      } catch (error) {
        if (isSqliteError(error) && /UNIQUE.*event_id/.test(error.message)) {
          if (this.unguarded && index > 0) throw new NeedsSavepoints();
          throw idempotencyConflict(
            streamId,
            `event id ${event.id} is already stored or repeated in this append`,
          );
        }
        throw error;
      }
    }
    return { nextExpectedRevision: revision, position };
  }
}

function refusalAsOutcome(append: () => AppendResult): WriteOutcome {
  try {
    return { ok: true, result: append() };
  } catch (error) {
    if (error instanceof AppendRefused) return { ok: false, conflict: error.conflict };
    throw error;
  }
}

function notStored(write: SerializedWrite, detail: string): WriteOutcome {
  return { ok: false, conflict: { kind: 'not_stored', streamId: write.streamId, detail } };
}

function idempotencyConflict(streamId: string, detail: string): AppendRefused {
  return new AppendRefused({ kind: 'idempotency', streamId, detail });
}

function throwPartialReplay(streamId: string): never {
  throw idempotencyConflict(
    streamId,
    'some of these event ids are already stored, but not as this same sequence of events',
  );
}

/**
 * Recognised by shape, not `instanceof`: the native addon keeps the error class of the first
 * context that loaded it, so under Jest (one context per test file) the classes differ.
 */
export function isSqliteError(error: unknown): error is { code: string; message: string } {
  const candidate = error as { code?: unknown; message?: unknown } | null;
  return (
    typeof candidate === 'object' &&
    candidate !== null &&
    typeof candidate.code === 'string' &&
    candidate.code.startsWith('SQLITE_') &&
    typeof candidate.message === 'string'
  );
}

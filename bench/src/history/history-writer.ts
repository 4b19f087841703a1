import Database from 'better-sqlite3';
import { eventHash, GENESIS_HASH } from '@qms/audit';
import type { Actor, Decider, DomainEvent } from '@qms/domain-kernel';
import { SqliteEventStore, type JsonObject } from '@qms/event-store';
import type { Random } from './random';

/** Where a stream stands: what the next append chains to. */
export interface StreamCursor {
  readonly streamId: string;
  revision: number;
  lastHash: string;
}

/** One record under simulation: its stream and the state its decider folded so far. */
export interface Case<Command, Event extends DomainEvent, State> {
  readonly cursor: StreamCursor;
  readonly decider: Decider<Command, Event, State>;
  state: State;
}

const ROWS_PER_COMMIT = 25_000;

/**
 * Writes decided events straight into the SQLite event-store file, bypassing the port for speed
 * but producing exactly what CommandExecutor appends: the same metadata keys in the same order,
 * the same hash chain (libs/audit eventHash), the same JSON text in the same columns of the
 * schema the real store created. Audit verify and every projection read it as a real history.
 */
export class HistoryWriter {
  readonly counts = new Map<string, number>();
  eventCount = 0;
  private readonly db: Database.Database;
  private readonly insert: Database.Statement<[string, string, number, string, string, string, string]>;
  private uncommitted = 0;

  /** The real store creates the file and its schema; the bulk load then goes around it. */
  static async create(
    path: string,
    random: Random,
    schemaVersion: (type: string) => number,
    clock: () => number,
  ): Promise<HistoryWriter> {
    await SqliteEventStore.open(path).close();
    return new HistoryWriter(path, random, schemaVersion, clock);
  }

  private constructor(
    path: string,
    private readonly random: Random,
    private readonly schemaVersion: (type: string) => number,
    private readonly clock: () => number,
  ) {
    this.db = new Database(path);
    this.db.pragma('journal_mode = OFF');
    this.db.pragma('synchronous = OFF');
    this.db.pragma('cache_size = -1048576');
    this.db.pragma('temp_store = MEMORY');
    this.insert = this.db.prepare(
      'INSERT INTO events (event_id, stream_id, revision, type, data, metadata, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
    );
    this.db.exec('BEGIN');
  }

  stream(streamId: string): StreamCursor {
    return { streamId, revision: -1, lastHash: GENESIS_HASH };
  }

  /** Decides `command` against the case at the current simulated time and appends what it decided. */
  execute<Command extends { type: string }, Event extends DomainEvent, State>(
    record: Case<Command, Event, State>,
    command: Command,
    actor: Actor,
  ): Event[] {
    const events = record.decider.decide(command, record.state, { now: new Date(this.clock()), actor });
    for (const event of events) record.state = record.decider.evolve(record.state, event);
    this.append(record.cursor, events, command.type, actor);
    return events;
  }

  /** The metadata and chaining of CommandExecutor.chain, one command's events at a time. */
  append(cursor: StreamCursor, events: readonly DomainEvent[], commandType: string, actor: Actor): void {
    if (events.length === 0) return;
    const recordedAt = new Date(this.clock()).toISOString();
    const correlationId = this.random.uuid();
    const actorMetadata = {
      userId: actor.userId,
      role: actor.role,
      ...(actor.department ? { department: actor.department } : {}),
    };
    for (const event of events) {
      const id = this.random.uuid();
      const revision = cursor.revision + 1;
      const metadata: JsonObject = {
        schemaVersion: this.schemaVersion(event.type),
        commandType,
        actor: actorMetadata,
        correlationId,
        causationId: correlationId,
        previousHash: cursor.lastHash,
      };
      const data = event.data as JsonObject;
      const hash = eventHash(
        { streamId: cursor.streamId, revision, id, type: event.type, data, metadata },
        cursor.lastHash,
      );
      this.insert.run(
        id,
        cursor.streamId,
        revision,
        event.type,
        JSON.stringify(data),
        JSON.stringify({ ...metadata, hash }),
        recordedAt,
      );
      cursor.revision = revision;
      cursor.lastHash = hash;
      this.counts.set(event.type, (this.counts.get(event.type) ?? 0) + 1);
      this.eventCount += 1;
      this.uncommitted += 1;
    }
    if (this.uncommitted >= ROWS_PER_COMMIT) {
      this.db.exec('COMMIT; BEGIN');
      this.uncommitted = 0;
    }
  }

  /** Commits and leaves the file to the real store (which puts it back into WAL mode when it opens it). */
  finish(): { headPosition: number } {
    this.db.exec('COMMIT');
    const headPosition =
      (this.db.prepare('SELECT MAX(position) FROM events').pluck().get() as number | null) ?? 0;
    this.db.close();
    return { headPosition };
  }

  abort(): void {
    if (this.db.open) this.db.close();
  }
}

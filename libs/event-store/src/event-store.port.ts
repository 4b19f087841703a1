/**
 * The event-store port, with EventStoreDB's semantics so that the embedded SQLite store and
 * EventStoreDB behave alike under one contract suite.
 *
 * Revisions are 0-based per stream. Global positions are positive, strictly increasing in commit
 * order, and not necessarily contiguous (EventStoreDB's are log offsets). Positions are exposed as
 * JavaScript numbers: exact up to 2^53, i.e. far past any log this product will write.
 */
import type { ConcurrencyError } from '@qms/domain-kernel';

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

/** `no_stream`: the stream must not exist; `stream_exists`: it must; a number: its last revision. */
export type ExpectedRevision = 'any' | 'no_stream' | 'stream_exists' | number;

export interface EventToAppend {
  /** A UUID. Appending the same ids again at the same expected revision is an idempotent no-op. */
  readonly id: string;
  readonly type: string;
  readonly data: JsonObject;
  readonly metadata: JsonObject;
}

export interface RecordedEvent {
  readonly id: string;
  readonly streamId: string;
  readonly type: string;
  readonly data: JsonObject;
  readonly metadata: JsonObject;
  readonly revision: number;
  readonly position: number;
  /** When the store committed the event (not the business time, which lives in the data). */
  readonly recordedAt: Date;
}

export interface AppendResult {
  /** Revision of the last event in the stream after the append. */
  readonly nextExpectedRevision: number;
  /** Global position of the last appended event. */
  readonly position: number;
}

export interface ReadStreamOptions {
  readonly direction?: 'forwards' | 'backwards';
  /** Inclusive. Defaults to the start (forwards) or the end (backwards). */
  readonly fromRevision?: number;
  readonly maxCount?: number;
}

export interface ReadAllOptions {
  /** Exclusive: events strictly after this position. 0 (the default) reads from the first event. */
  readonly fromPosition?: number;
  /** Most events returned: of `eventTypes` when it is given. */
  readonly maxCount?: number;
  /**
   * Only events of these types (a rebuild reads what its projections handle). The others are
   * skipped by the store, as EventStoreDB's filtered reads of $all do. Omitted: every type.
   */
  readonly eventTypes?: readonly string[];
  /**
   * The keys of each event's metadata the reader uses (decoding reads `schemaVersion`): a store
   * may return metadata holding only these and leave the rest unread (SQLite does; a rebuild reads
   * millions of events whose hashes and correlation ids it never looks at). Omitted: all of it.
   */
  readonly metadataKeys?: readonly string[];
}

/** How far the log runs past a position, as a projection's lag is reported. */
export interface LogTail {
  /** Events after the position, counted up to the limit asked for. */
  readonly events: number;
  /** When the first of them was recorded; null when there is none. */
  readonly firstRecordedAt: Date | null;
}

export interface SubscribeToAllOptions {
  /** Exclusive checkpoint: the subscription yields events strictly after it. */
  readonly fromPosition?: number;
  /** Largest batch yielded at once; catch-up reads pages of this size. */
  readonly maxBatchSize?: number;
}

/**
 * A catch-up subscription: yields the stored events after the checkpoint in pages, then follows
 * live appends, in global order with no gap and no duplicate. Never ends until closed.
 */
export interface AllSubscription extends AsyncIterable<readonly RecordedEvent[]> {
  /**
   * Where the store signals it (EventStoreDB 23.10+): whether the last batch yielded reached the
   * end of the log. Undefined where the store has no such signal.
   */
  readonly caughtUp?: boolean;
  close(): Promise<void>;
}

/** One stream's part of a batched append. */
export interface StreamWrite {
  readonly streamId: string;
  readonly events: readonly EventToAppend[];
  readonly expectedRevision?: ExpectedRevision;
  /**
   * Stored only together with the write before it: refused when that one is, and that one is
   * refused when this one is (WriteNotStoredError for the write that was in order). Where the
   * store has multi-stream transactions (SQLite) the unit is atomic, across a crash too. Where it
   * has not (EventStoreDB) the writes are appended one after the other, so a crash or a refusal
   * can leave the earlier writes of a unit stored without the later ones: put first the write
   * that a retry can complete from (an Idempotency-Key's claim before the record it names).
   */
  readonly withPrevious?: boolean;
}

export interface AppendToStreamsOptions {
  /**
   * The first refused unit ends the batch: the later writes are not attempted (WriteNotStoredError),
   * so the stored writes are always a prefix of the batch. Without it a refusal stops nothing.
   */
  readonly stopAtRefusal?: boolean;
}

/** Per write: its result, or the concurrency error that refused it (the other writes still land). */
export type StreamWriteOutcome =
  | { readonly ok: true; readonly result: AppendResult }
  | { readonly ok: false; readonly error: ConcurrencyError };

export interface EventStore {
  appendToStream(
    streamId: string,
    events: readonly EventToAppend[],
    options?: { readonly expectedRevision?: ExpectedRevision },
  ): Promise<AppendResult>;
  /**
   * Many appends at once, in order (bulk imports, numbered registrations with their
   * Idempotency-Key claims). Each write keeps appendToStream's semantics; writes are independent
   * unless linked with `withPrevious`, and a refused unit does not stop the others unless
   * `stopAtRefusal` is set. After a crash a prefix of the batch (in write order) may be stored —
   * all or nothing on SQLite (one commit) — which a retry completes. Other failures (store down)
   * reject the call; on a store without multi-stream transactions the error is an
   * AppendInterruptedError saying which writes were stored before it.
   */
  appendToStreams(writes: readonly StreamWrite[], options?: AppendToStreamsOptions): Promise<StreamWriteOutcome[]>;
  /** Resolves to [] for a stream that does not exist. */
  readStream(streamId: string, options?: ReadStreamOptions): Promise<RecordedEvent[]>;
  readAll(options?: ReadAllOptions): Promise<RecordedEvent[]>;
  subscribeToAll(options?: SubscribeToAllOptions): AllSubscription;
  /** Position of the last event in the store, 0 when empty. */
  headPosition(): Promise<number>;
  /**
   * The events after `afterPosition`, counted up to `limit`, and when the first was recorded. A
   * status read asks this of every projection that lags, every few hundred milliseconds: a store
   * answers it without handing the events to the caller.
   */
  tailAfter(afterPosition: number, limit: number): Promise<LogTail>;
  /** Throws StoreUnavailableError when the store cannot be reached. */
  checkHealth(): Promise<void>;
  close(): Promise<void>;
}

export const EVENT_STORE = Symbol('EVENT_STORE');

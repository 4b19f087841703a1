/**
 * The read-store port: collections of JSON documents keyed by a string `_id`, written by the
 * projection engine in batches and read by query handlers and exports.
 *
 * Two adapters pass one contract suite (libs/testing/src/read-store-contract.ts): SQLite, the
 * embedded mode's file, and MongoDB. SQLite commits a batch's documents with its checkpoint in
 * one transaction; MongoDB needs neither transactions nor change streams: a document carries the
 * position it reached, the checkpoint moves after the writes, and a rebuild writes into a shadow
 * collection that `swap` puts live in one step.
 */

/** What filters compare and sorts order. Documents may hold any JSON; queries look at scalars. */
export type Scalar = string | number | boolean | null;

/**
 * Every stored document. Documents are JSON: the adapters store the equivalent of
 * `JSON.parse(JSON.stringify(doc))`, serialised when written: later changes by the writer do not
 * reach the stored document, and a document read is the reader's own copy.
 */
export interface StoredDocument {
  readonly _id: string;
}

// ---------------------------------------------------------------------------------------------
// Query language. Our own, small and typed: an adapter translates each condition into explicit
// operators, so a value coming from a client is always a value (a string starting with `$`
// included) and never an operator. Conditions that are not exactly one of these shapes, or whose
// values are not scalars, are refused with a ValidationError naming the field.
// ---------------------------------------------------------------------------------------------

/** Matches a scalar field equal to the value, or an array field holding it. `null` also matches a missing field. */
export interface EqualsCondition {
  readonly eq: Scalar;
}

export interface InCondition {
  readonly in: readonly Scalar[];
}

/**
 * Bounds are numbers or strings (ISO dates compare as strings) and match values of the same
 * type only, as MongoDB does: `{ gte: '2024-01' }` never matches a number.
 */
export interface RangeCondition {
  readonly gt?: number | string;
  readonly gte?: number | string;
  readonly lt?: number | string;
  readonly lte?: number | string;
}

/** `true`: the field is present (even if null); `false`: it is absent. */
export interface ExistsCondition {
  readonly exists: boolean;
}

export type FieldCondition = EqualsCondition | InCondition | RangeCondition | ExistsCondition;

/**
 * Conditions on fields, all of which must hold. A field is a name or a dotted path into nested
 * objects (`letters`, digits and `_`, starting with a letter or `_`).
 */
export type Filter = { readonly [field: string]: FieldCondition };

export type SortDirection = 'asc' | 'desc';

export interface SortKey {
  readonly field: string;
  readonly direction: SortDirection;
}

export interface FindQuery {
  readonly filter?: Filter;
  /**
   * Sort keys, always followed by `_id` ascending as the tie-break so that pages are stable.
   * Sort fields should hold scalars: missing and null sort first, then numbers, strings, booleans.
   */
  readonly sort?: readonly SortKey[];
  /** Page size; omitted means every match. */
  readonly limit?: number;
  readonly skip?: number;
  /** The `nextCursor` of the previous page (keyset pagination: stable while documents change). */
  readonly after?: string;
  /**
   * Only these top-level fields of each document, with `_id` and the sort's (which paging needs);
   * a field a document lacks stays absent. Omitted: whole documents. A scan that reads two dates
   * of every complaint need not move and parse the whole of each.
   */
  readonly fields?: readonly string[];
}

export interface Page<D> {
  readonly items: readonly D[];
  /** Cursor of the next page, null when this page is the last one. */
  readonly nextCursor: string | null;
}

/** A secondary index, e.g. the sort order of a list. `_id` ascending is appended as the last key. */
export interface IndexSpec {
  readonly fields: readonly SortKey[];
}

export interface WriteBatch<D extends StoredDocument = StoredDocument> {
  /** Whole documents that replace the stored ones with the same `_id`, or are inserted. */
  readonly upserts?: readonly D[];
  readonly deletes?: readonly string[];
}

/** How far a projection (or a rebuild, under its own name) has read the global log. */
export interface Checkpoint {
  /** Global position of the last event whose effects are written. */
  readonly position: number;
  /** Version of the projection code that wrote them. */
  readonly version: number;
}

/**
 * Which event log the read models were built from: its first event, whose id (a UUID) and
 * position never change while the log exists and which no other log shares. A read store built
 * from another log would serve that log's figures and skip this one's events below its
 * checkpoints; see projection-engine's origin check.
 */
export interface ReadModelOrigin {
  readonly firstEventId: string;
  readonly firstPosition: number;
  /** When the read store first recorded it. */
  readonly recordedAt: string;
}

/** The writes of one collection within a commit. */
export interface CollectionWrite<D extends StoredDocument = StoredDocument> extends WriteBatch<D> {
  readonly collection: string;
}

/** What one projection batch stores: its documents, and the checkpoint they bring it to. */
export interface Commit {
  readonly writes: readonly CollectionWrite[];
  readonly checkpoint?: { readonly name: string; readonly checkpoint: Checkpoint };
}

export interface ReadStore {
  /**
   * Stores a batch's writes and its checkpoint. A store with transactions (SQLite) commits them
   * together, so the checkpoint never disagrees with the documents. A store without them (MongoDB
   * here, no replica-set transactions assumed) writes the documents first and the checkpoint
   * last: a crash in between replays the batch, which documents' `_position` makes harmless.
   */
  commit(commit: Commit): Promise<void>;

  /** The stored documents among `ids`; ids not stored are absent from the map. */
  getMany<D extends StoredDocument = StoredDocument>(
    collection: string,
    ids: readonly string[],
  ): Promise<Map<string, D>>;
  get<D extends StoredDocument = StoredDocument>(collection: string, id: string): Promise<D | null>;
  /** One round trip; upserts and deletes of one batch must name distinct ids. */
  bulkWrite<D extends StoredDocument>(collection: string, batch: WriteBatch<D>): Promise<void>;

  find<D extends StoredDocument = StoredDocument>(collection: string, query?: FindQuery): Promise<Page<D>>;
  count(collection: string, filter?: Filter): Promise<number>;
  /** Every match in query order, read page by page: for exports too large for one answer. */
  stream<D extends StoredDocument = StoredDocument>(collection: string, query?: FindQuery): AsyncIterable<D>;

  /** Idempotent; creates the collection if needed. */
  ensureIndexes(collection: string, specs: readonly IndexSpec[]): Promise<void>;
  /**
   * Replaces `collection` by `shadowCollection(collection)` in one step (the shadow's indexes come
   * along); readers see the old or the new copy, never a missing one. Resolves false, changing
   * nothing, when there is no shadow.
   */
  swap(collection: string): Promise<boolean>;
  /** Removes a collection and its indexes; no-op when absent. */
  drop(collection: string): Promise<void>;

  getCheckpoint(name: string): Promise<Checkpoint | null>;
  saveCheckpoint(name: string, checkpoint: Checkpoint): Promise<void>;
  deleteCheckpoint(name: string): Promise<void>;
  /** Every checkpoint, by name (projections, rebuilds under way, swap markers). */
  listCheckpoints(): Promise<Map<string, Checkpoint>>;

  /** The event log the stored read models were built from; null when none is recorded. */
  getOrigin(): Promise<ReadModelOrigin | null>;
  saveOrigin(origin: ReadModelOrigin): Promise<void>;
  /**
   * Removes every collection, checkpoint and the origin record: an empty store, from which the
   * projections build again from the first event.
   */
  clear(): Promise<void>;

  /** Throws StoreUnavailableError when the store cannot be reached. */
  checkHealth(): Promise<void>;
  close(): Promise<void>;
}

export const READ_STORE = Symbol('READ_STORE');

const SHADOW_SUFFIX = '__rebuild';

/** Where a rebuild writes while `collection` keeps serving. */
export function shadowCollection(collection: string): string {
  return `${collection}${SHADOW_SUFFIX}`;
}

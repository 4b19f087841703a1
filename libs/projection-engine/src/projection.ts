import type { Filter, FindQuery, IndexSpec, Page, StoredDocument } from '@qms/read-store';

/** What a projection's `evolve` receives; the engine gets it from the injected `decodeEvent`. */
export interface ProjectableEvent {
  readonly type: string;
}

/** A document a projection writes: in one of its collections, by id. */
export interface DocumentRef {
  readonly collection: string;
  readonly id: string;
}

/**
 * A share of a projection's replay with event types and collections of its own: no event of one
 * part names a document of another (see Projection.replayParts).
 */
export interface ReplayPart {
  readonly name: string;
  readonly eventTypes: readonly string[];
  /** The collections its events write and look up. */
  readonly collections: readonly string[];
}

export interface CollectionSpec {
  readonly name: string;
  readonly indexes?: readonly ProjectionIndexSpec[];
}

export interface ProjectionIndexSpec extends IndexSpec {
  /**
   * The projection's own code queries it while applying events (afterBatch). The other indexes
   * serve reads only: a rebuild builds them once its replay is done, each in one pass over the
   * table, rather than keeping them in order through every batch of the history.
   */
  readonly whileProjecting?: boolean;
}

/** Every stored document carries the global position of the last event applied to it. */
export interface ProjectedDocument extends StoredDocument {
  readonly _position?: number;
}

export interface EvolveContext {
  /** Collection of the document being evolved. */
  readonly collection: string;
  readonly position: number;
  readonly streamId: string;
  readonly revision: number;
  /** When the event store committed the event (stored data, the same at every replay). */
  readonly recordedAt: string;
  /**
   * Another document of this projection as it stands at this point of the batch, read only.
   * It must be named by `readsDocuments` (or be written by the same event), so that the engine
   * fetched it with the batch: evolve stays synchronous and pure.
   */
  lookup<D extends ProjectedDocument = ProjectedDocument>(collection: string, id: string): D | null;
}

/** A document of the batch as loaded before it and as written after it. */
export interface DocumentChange<D extends ProjectedDocument = ProjectedDocument> {
  readonly collection: string;
  readonly id: string;
  readonly before: D | null;
  readonly after: D | null;
}

/** What afterBatch reads of one collection's changes (see Projection.afterBatchReads). */
export interface ChangeFields {
  /** Top-level fields of `before` and `after` that afterBatch reads; `_id` always comes along. */
  readonly fields: readonly string[];
  /**
   * afterBatch has nothing to do for a change that leaves every one of these fields as it was.
   * With no field named, it has nothing to do for any change of the collection.
   */
  readonly ignoreUnchanged?: boolean;
}

/** What a batch tells `afterBatch` about where it stands in the log. */
export interface BatchInfo {
  /**
   * The batch was not a full page: it reached the end of the log as it stood. Derived work that
   * is costly per batch (a month's report) can wait for such a batch during catch-up and rebuilds.
   */
  readonly caughtUp: boolean;
}

/** A projection's own collections, under their logical names, during `afterBatch`. */
export interface ProjectionStore {
  getMany<D extends StoredDocument = StoredDocument>(
    collection: string,
    ids: readonly string[],
  ): Promise<Map<string, D>>;
  find<D extends StoredDocument = StoredDocument>(collection: string, query?: FindQuery): Promise<Page<D>>;
  count(collection: string, filter?: Filter): Promise<number>;
  stream<D extends StoredDocument = StoredDocument>(collection: string, query?: FindQuery): AsyncIterable<D>;
  bulkWrite<D extends StoredDocument>(
    collection: string,
    batch: { upserts?: readonly D[]; deletes?: readonly string[] },
  ): Promise<void>;
}

/**
 * Derived work too costly for every batch (a month's report from its facts), which the runner
 * runs after the projection has caught up: `settleMs` after the last caught-up batch, but never
 * later than `maxDelayMs` after the first caught-up batch it has not run after. It runs under the
 * runner's lock (no batch in between) against the live collections, is retried after a failure
 * like a batch, and is abandoned (signal aborted) when the runner stops. Must be idempotent and
 * leave its documents as a function of the projection's other documents, so that a run cut short
 * is simply run again. A rebuild runs it on the shadow copies before swapping them in.
 */
export interface DeferredWork {
  readonly settleMs: number;
  readonly maxDelayMs: number;
  /**
   * The largest share of the runner's time the work may take (at least 0.01; default 1, no limit): after a
   * run of D ms the next starts no sooner than D × (1 / maxShare − 1) after it ended, whatever
   * `maxDelayMs` says. Work whose cost grows with the data (a month of many complaints) then runs
   * less often under a steady stream of batches, instead of taking the thread from them.
   */
  readonly maxShare?: number;
  run(store: ProjectionStore, signal: AbortSignal): Promise<void>;
}

/**
 * A read model built from the global log (STYLE.md, "Projections"): the event types it handles,
 * the documents each event touches, and a pure `evolve` per document.
 *
 * The engine loads the touched documents of a batch at once, applies `evolve` in log order in
 * memory, skips an event whose position a document has already reached (`_position`, so a
 * replayed event is applied once), writes each collection in one bulk write, and only then moves
 * the checkpoint.
 *
 * The read-model library's `ReadModelProjection` (one collection named like the projection,
 * `documentIds` returning ids, `evolve(document, event, id)`) is a Projection as it is.
 */
export interface Projection<E extends ProjectableEvent = ProjectableEvent> {
  /** Names the checkpoint; also the collection when `collections` is omitted. */
  readonly name: string;
  /** Bump when evolve changes: the engine then rebuilds into a shadow copy and swaps it in. Default 1. */
  readonly version?: number;
  readonly eventTypes: readonly string[];
  /** Defaults to one collection named like the projection, without secondary indexes. */
  readonly collections?: readonly CollectionSpec[];
  /** Documents this event changes: ids in the first collection, or refs. */
  documentIds(event: E): readonly (string | DocumentRef)[];
  /** Further documents evolve may `lookup` for this event, fetched with the batch. */
  readsDocuments?(event: E): readonly (string | DocumentRef)[];
  /**
   * Pure: no clock, no I/O, no randomness; must not change its arguments (they are frozen).
   * Returns the new document, or null to delete it. `_id` and `_position` are set by the engine.
   * Returning the very document it was given says the event leaves it as it was: it is not
   * written again and keeps the `_position` it had (applying the event again changes nothing).
   */
  evolve(
    document: ProjectedDocument | null,
    event: E,
    id: string,
    context: EvolveContext,
  ): ProjectedDocument | null;
  /**
   * Runs after the batch's documents are written and before the checkpoint moves, for documents
   * derived from many others (a month's report from its facts). Reads and writes only this
   * projection's collections through `store`, which points at the shadow copies during a rebuild.
   * Must be idempotent: a batch that failed is run again, this hook included.
   */
  afterBatch?(changes: readonly DocumentChange[], store: ProjectionStore, info: BatchInfo): Promise<void>;
  /**
   * What afterBatch reads of each collection's changes, by logical name. Only those fields of a
   * change's `before` and `after` are journaled and handed over, so the journal of a batch is not a
   * second copy of its documents; and where a change leaves them as they were and the collection
   * says `ignoreUnchanged`, there is nothing to journal or hand over. A batch left with no change
   * commits its documents and checkpoint together, without afterBatch. A collection not named
   * here hands over whole documents, every change.
   */
  readonly afterBatchReads?: Readonly<Record<string, ChangeFields>>;
  /**
   * What afterBatch keeps, derived from the whole store at once. A rebuild replays the log without
   * afterBatch, holding documents in memory across pages (see replay-working-set.ts), then calls
   * this once before the read indexes are built and the copy catches up batch by batch. It must
   * leave the documents exactly as afterBatch after every batch would have: afterBatch's result
   * has to be a function of the projection's documents, whatever the batching. Without it, a
   * projection with afterBatch is rebuilt page by page through applyBatch.
   */
  afterReplay?(store: ProjectionStore): Promise<void>;
  /** See DeferredWork: what afterBatch leaves pending, done once the log is quiet. */
  readonly deferredWork?: DeferredWork;
  /**
   * Shares of the replay that a rebuild may run in threads of their own, each into its own
   * shadow collections with its own checkpoint, before afterReplay, the read indexes, the
   * catch-up and the swap run once for the whole (rebuild-parts.ts). Every event type belongs to
   * one part; a collection no part names is left to afterReplay. Only for a projection replayed
   * through the working set (no afterBatch, or afterReplay beside it).
   */
  readonly replayParts?: readonly ReplayPart[];
}

export function collectionsOf(
  projection: Pick<Projection, 'name' | 'collections'>,
): readonly CollectionSpec[] {
  return projection.collections ?? [{ name: projection.name }];
}

export function versionOf(projection: Pick<Projection, 'version'>): number {
  return projection.version ?? 1;
}

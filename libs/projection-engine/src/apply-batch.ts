import type { RecordedEvent } from '@qms/event-store';
import { type CollectionWrite, deepFreeze, type ReadStore, type StoredDocument } from '@qms/read-store';
import { changeViewsOf } from './change-views';
import { PoisonEventError } from './poison-event';
import { ScopedProjectionStore } from './scoped-store';
import {
  type BatchInfo,
  collectionsOf,
  versionOf,
  type DocumentChange,
  type DocumentRef,
  type EvolveContext,
  type ProjectableEvent,
  type ProjectedDocument,
  type Projection,
} from './projection';

/** Where one run of a projection writes: the live collections, or the shadow copies of a rebuild. */
export interface ProjectionTarget {
  /** Physical collection of a logical one. */
  readonly physical: (collection: string) => string;
  readonly checkpointName: string;
  /**
   * Before-images of documents whose afterBatch has not run yet (see applyBatch): a collection of
   * the read store, or a map of this process (`MemoryJournal`) when nothing of the store outlives
   * the process.
   */
  readonly journal: string | MemoryJournal;
  /**
   * How evolved documents are frozen before the next event of the batch sees them: 'deep' walks
   * each new document; 'shallow' freezes its top level only, for a read store that deep-freezes
   * what it is given (the in-process store) — nested parts stay open until the bulk write. Default 'deep'.
   */
  readonly freezeEvolved?: 'deep' | 'shallow';
}

/**
 * A journal held in memory. Sound only where a crash takes the documents down with it (the
 * in-process store, rebuilt at every start): what must survive is a batch retried by the same
 * process, and the map does.
 */
export class MemoryJournal {
  /** @internal */
  readonly entries = new Map<string, JournalEntry>();

  get size(): number {
    return this.entries.size;
  }
}

export interface ApplyBatchOptions {
  readonly info?: BatchInfo;
  /** Positions gone past without being applied (an admin's recorded decision). */
  readonly parked?: ReadonlySet<number>;
  /**
   * Most distinct documents one commit touches. A batch holds each of them loaded, evolved and
   * serialised, so its memory follows its documents, not its events: a page of events that names
   * more ends before the event that would pass the bound, and the outcome's position says where.
   * Default: no bound.
   */
  readonly maxDocuments?: number;
}

export interface BatchOutcome {
  /** Position of the batch's last event: the checkpoint now stored. */
  readonly position: number;
  /** Events of the batch the projection handles. */
  readonly applied: number;
  readonly written: number;
}

/** @internal */
export interface JournalEntry extends StoredDocument {
  readonly collection: string;
  readonly id: string;
  /** What afterBatch reads of the document as it was before the batch (Projection.afterBatchReads). */
  readonly before: ProjectedDocument | null;
  /**
   * The whole document before the batch, kept where the batch leaves it deleted: a retry starts it
   * again from here, since the deletion took the `_position` that would have skipped the events
   * applied already. Absent where the batch leaves a document, whose `_position` does that.
   */
  readonly restore?: ProjectedDocument | null;
  /** Position of the first event of the batch that wrote the entry: which batch it belongs to. */
  readonly batch: number;
}

const journalId = (collection: string, id: string): string => `${collection}/${id}`;

const NO_REFS: readonly DocumentRef[] = [];

interface PlannedEvent<E> {
  readonly recorded: RecordedEvent;
  readonly event: E;
  readonly writes: readonly DocumentRef[];
  readonly reads: readonly DocumentRef[];
}

/**
 * The journal of a target, wherever it is kept. A store journal's changes are writes that go
 * into the same commit as the documents or the checkpoint they belong with; a memory journal
 * changes at once (and returns no writes).
 */
interface Journal {
  entries(): Promise<readonly JournalEntry[]>;
  put(entries: readonly JournalEntry[]): CollectionWrite[];
  /** Writes that remove the entries, committed with the checkpoint. */
  remove(ids: readonly string[]): CollectionWrite[];
  /** Once that commit holds: a memory journal forgets the entries then, not before. */
  removed(ids: readonly string[]): void;
}

function journalOf(store: ReadStore, journal: string | MemoryJournal): Journal {
  if (typeof journal === 'string') {
    return {
      entries: async () => (await store.find<JournalEntry>(journal)).items,
      put: (entries) => [{ collection: journal, upserts: entries }],
      remove: (ids) => [{ collection: journal, deletes: ids }],
      removed: () => undefined,
    };
  }
  return {
    entries: () => Promise.resolve([...journal.entries.values()]),
    put: (entries) => {
      for (const entry of entries) journal.entries.set(entry._id, entry);
      return [];
    },
    remove: () => [],
    removed: (ids) => {
      for (const id of ids) journal.entries.delete(id);
    },
  };
}

/** Collections, handled types and ref resolution depend on the projection only: worked out once. */
/** @internal */
export interface ProjectionShape {
  readonly collections: readonly string[];
  readonly handled: ReadonlySet<string>;
  readonly resolve: (ref: string | DocumentRef) => DocumentRef;
}

const shapes = new WeakMap<object, ProjectionShape>();

/** @internal */
export function shapeOf<E extends ProjectableEvent>(projection: Projection<E>): ProjectionShape {
  let shape = shapes.get(projection);
  if (shape === undefined) {
    const collections = collectionsOf(projection).map((spec) => spec.name);
    shape = {
      collections,
      handled: new Set(projection.eventTypes),
      resolve: refResolver(projection.name, collections),
    };
    shapes.set(projection, shape);
  }
  return shape;
}

const NOTHING_PARKED: ReadonlySet<number> = new Set();

/**
 * One batch of one projection: load every touched document with one getMany per collection,
 * evolve in log order in memory, and store the documents with the checkpoint in one `commit`
 * (one transaction on SQLite). Running the same batch again is safe wherever a store without
 * transactions (MongoDB) stopped between the writes and the checkpoint: documents that were
 * written already carry the position they reached and are skipped.
 *
 * A skipped document no longer shows what it was before the batch, which afterBatch needs (the
 * months a fact left). So for a projection with afterBatch the before-images are committed to a
 * journal with the documents and removed after the checkpoint once afterBatch has run: a batch
 * that failed in between hands them to afterBatch on its next attempt. The journal must last as
 * long as the documents it speaks for: a store collection when the read store outlives the
 * process (a crash mid-batch is retried by the next process), a `MemoryJournal` when it does not.
 *
 * An event the projection's own code cannot apply (decode, documentIds, readsDocuments or evolve
 * throws) is a poison event: the events before it are applied and checkpointed as a batch of
 * their own, then PoisonEventError says which event it was. Positions in `parked` are gone past
 * without being applied (an admin's recorded decision, see parking/parking-source.ts).
 */
export async function applyBatch<E extends ProjectableEvent>(
  projection: Projection<E>,
  page: readonly RecordedEvent[],
  store: ReadStore,
  target: ProjectionTarget,
  decodeEvent: (recorded: RecordedEvent) => E,
  options: ApplyBatchOptions = {},
): Promise<BatchOutcome> {
  if (page.length === 0) throw new Error('applyBatch needs at least one event');
  const parked = options.parked ?? NOTHING_PARKED;
  const maxDocuments = options.maxDocuments ?? Number.POSITIVE_INFINITY;
  const { collections, handled, resolve } = shapeOf(projection);
  /** Applies the events before `recorded` on their own, then reports `recorded` as poison. */
  const poisoned = async (recorded: RecordedEvent, cause: unknown): Promise<never> => {
    const before = page.slice(0, page.indexOf(recorded));
    const applied = before.length === 0 ? null : await applyBatch(projection, before, store, target, decodeEvent, options);
    throw new PoisonEventError(projection.name, recorded, cause, applied?.position ?? null);
  };

  const planned: PlannedEvent<E>[] = [];
  const touched = new Set<string>();
  let end = page.length;
  for (let index = 0; index < page.length; index++) {
    const recorded = page[index] as RecordedEvent;
    if (!handled.has(recorded.type) || parked.has(recorded.position)) continue;
    let step: PlannedEvent<E>;
    try {
      const event = decodeEvent(recorded);
      const reads = projection.readsDocuments?.(event);
      step = {
        recorded,
        event,
        writes: projection.documentIds(event).map(resolve),
        reads: reads === undefined || reads.length === 0 ? NO_REFS : reads.map(resolve),
      };
    } catch (error) {
      return poisoned(recorded, error);
    }
    if (maxDocuments !== Number.POSITIVE_INFINITY) {
      const refs = [...step.writes, ...step.reads].map((ref) => journalId(ref.collection, ref.id)).filter((key) => !touched.has(key));
      if (planned.length > 0 && touched.size + new Set(refs).size > maxDocuments) {
        end = index;
        break;
      }
      for (const key of refs) touched.add(key);
    }
    planned.push(step);
  }
  const events = end === page.length ? page : page.slice(0, end);
  const last = events[events.length - 1] as RecordedEvent;
  // A batch cut short has more of the log behind it: not the end of the log as it stood.
  const info: BatchInfo = end === page.length ? (options.info ?? { caughtUp: true }) : { caughtUp: false };
  const first = events[0] as RecordedEvent;
  const journal = journalOf(store, target.journal);
  const views = changeViewsOf(projection);
  const journaled = new Map<string, JournalEntry>();
  // Entries of a batch that was checkpointed (crash between checkpoint and journal cleanup) are stale.
  const stale: string[] = [];
  if (projection.afterBatch !== undefined) {
    for (const entry of await journal.entries()) {
      if (entry.batch === first.position) journaled.set(entry._id, entry);
      else stale.push(entry._id);
    }
  }

  let written = 0;
  const documentWrites: CollectionWrite[] = [];
  if (planned.length > 0 || journaled.size > 0) {
    const wanted = new Map<string, Set<string>>(collections.map((collection) => [collection, new Set()]));
    for (const step of planned) {
      for (const ref of step.writes) wanted.get(ref.collection)?.add(ref.id);
      for (const ref of step.reads) wanted.get(ref.collection)?.add(ref.id);
    }
    for (const entry of journaled.values()) wanted.get(entry.collection)?.add(entry.id);
    const loaded = new Map<string, Map<string, ProjectedDocument>>();
    await Promise.all(
      [...wanted].map(async ([collection, ids]) => {
        const documents =
          ids.size === 0
            ? new Map<string, ProjectedDocument>()
            : await store.getMany<ProjectedDocument>(target.physical(collection), [...ids]);
        for (const document of documents.values()) deepFreeze(document);
        loaded.set(collection, documents);
      }),
    );

    // The batch's view of every loaded document; null marks one deleted in this batch.
    const working = new Map<string, Map<string, ProjectedDocument | null>>(
      collections.map((collection) => [collection, new Map(loaded.get(collection))]),
    );
    const current = (collection: string, id: string): ProjectedDocument | null =>
      working.get(collection)?.get(id) ?? null;
    const before = (collection: string, id: string): ProjectedDocument | null =>
      loaded.get(collection)?.get(id) ?? null;
    // A batch tried before: a document its failed attempt deleted starts again from before the batch
    // (entries of earlier versions have no `restore`: their `before` was the whole document).
    for (const entry of journaled.values()) {
      const restore = entry.restore !== undefined ? entry.restore : before(entry.collection, entry.id) === null ? entry.before : undefined;
      if (restore !== undefined) working.get(entry.collection)?.set(entry.id, restore);
    }
    const dirty = new Map<string, Set<string>>(collections.map((collection) => [collection, new Set()]));
    for (const entry of journaled.values()) dirty.get(entry.collection)?.add(entry.id);
    // Evolve's arguments must not change; 'shallow' leaves the nested parts to the store's freeze.
    const freeze: <T>(value: T) => T = target.freezeEvolved === 'shallow' ? Object.freeze : deepFreeze;

    for (const { recorded, event, writes, reads } of planned) {
      const lookup = <D extends ProjectedDocument>(collection: string, id: string): D | null => {
        if (!names(writes, collection, id) && !names(reads, collection, id)) {
          throw new Error(
            `Projection ${projection.name} looked up ${collection}/${id} without naming it in readsDocuments`,
          );
        }
        return current(collection, id) as D | null;
      };
      for (const ref of writes) {
        const document = current(ref.collection, ref.id);
        // Already past this event: it was applied before a crash or a retry.
        if (document !== null && (document._position ?? -1) >= recorded.position) continue;
        const context = new BatchEvolveContext(ref.collection, recorded, lookup);
        let next: ProjectedDocument | null;
        try {
          next = projection.evolve(document, event, ref.id, context);
        } catch (error) {
          // What this batch evolved so far is only in memory: the events before it start afresh.
          return poisoned(recorded, error);
        }
        // The document as it was: nothing to write, and its `_position` stays where it was.
        if (next === document) continue;
        const stored = next === null ? null : freeze({ ...next, _id: ref.id, _position: recorded.position });
        working.get(ref.collection)?.set(ref.id, stored);
        dirty.get(ref.collection)?.add(ref.id);
      }
    }

    // What afterBatch is to see of the batch: a journal entry and a change per document it concerns.
    const changes = new Map<string, DocumentChange>();
    if (projection.afterBatch !== undefined) {
      const entries: JournalEntry[] = [];
      for (const [collection, ids] of dirty) {
        for (const id of ids) {
          const key = journalId(collection, id);
          const after = current(collection, id);
          const entry = journaled.get(key);
          if (entry !== undefined) {
            changes.set(key, { collection, id, before: entry.before, after: views.of(collection, after) });
            continue;
          }
          const was = before(collection, id);
          if (!views.matters(collection, was, after)) continue;
          const view = views.of(collection, was);
          entries.push({ _id: key, collection, id, before: view, batch: first.position, ...(after === null ? { restore: was } : {}) });
          changes.set(key, { collection, id, before: view, after: views.of(collection, after) });
        }
      }
      if (entries.length > 0) documentWrites.push(...journal.put(entries));
    }

    for (const [collection, ids] of dirty) {
      const upserts: ProjectedDocument[] = [];
      const deletes: string[] = [];
      for (const id of [...ids].sort()) {
        const after = current(collection, id);
        if (after !== null) upserts.push(after);
        else if (before(collection, id) !== null) deletes.push(id);
      }
      if (upserts.length + deletes.length === 0) continue;
      documentWrites.push({ collection: target.physical(collection), upserts, deletes });
      written += upserts.length + deletes.length;
    }

    if (projection.afterBatch !== undefined && changes.size > 0) {
      // The documents (and their journal entries) first: afterBatch reads them from the store.
      if (documentWrites.length > 0) await store.commit({ writes: documentWrites.splice(0) });
      const ordered = [...changes.keys()].sort().map((key) => changes.get(key) as DocumentChange);
      const real = ordered.filter((change) => change.before !== null || change.after !== null);
      if (real.length > 0)
        await projection.afterBatch(real, new ScopedProjectionStore(store, collections, target.physical), info);
      stale.push(...changes.keys());
    }
  }

  await store.commit({
    writes: documentWrites,
    checkpoint: { name: target.checkpointName, checkpoint: { position: last.position, version: versionOf(projection) } },
  });
  // Only once the checkpoint holds (a store without transactions writes it last): until then a
  // retry needs the before-images. Entries left by a crash here are stale to the next batch.
  const leftOver = [...new Set(stale)];
  if (leftOver.length > 0) {
    const removal = journal.remove(leftOver);
    if (removal.length > 0) await store.commit({ writes: removal });
    journal.removed(leftOver);
  }
  return { position: last.position, applied: planned.length, written };
}

/**
 * @internal A class rather than a literal: one shape for every event, `recordedAt` formatted only
 * when read.
 */
export class BatchEvolveContext implements EvolveContext {
  readonly position: number;
  readonly streamId: string;
  readonly revision: number;

  constructor(
    readonly collection: string,
    private readonly recorded: RecordedEvent,
    readonly lookup: EvolveContext['lookup'],
  ) {
    this.position = recorded.position;
    this.streamId = recorded.streamId;
    this.revision = recorded.revision;
  }

  get recordedAt(): string {
    return this.recorded.recordedAt.toISOString();
  }
}

/** @internal */
export function names(refs: readonly DocumentRef[], collection: string, id: string): boolean {
  for (const ref of refs) if (ref.id === id && ref.collection === collection) return true;
  return false;
}

function refResolver(
  name: string,
  collections: readonly string[],
): (ref: string | DocumentRef) => DocumentRef {
  const [first] = collections;
  return (ref) => {
    // An id missing from the event's data arrives here as undefined: name it, not a TypeError.
    if (ref === undefined || ref === null) throw new Error(`Projection ${name} named a document without an id`);
    const resolved = typeof ref === 'string' ? { collection: first ?? name, id: ref } : ref;
    if (!collections.includes(resolved.collection)) {
      throw new Error(
        `Projection ${name} named collection ${resolved.collection}, which it does not declare`,
      );
    }
    if (typeof resolved.id !== 'string' || resolved.id === '') {
      throw new Error(`Projection ${name} named a document without an id in ${resolved.collection}`);
    }
    return resolved;
  };
}


import type { RecordedEvent } from '@qms/event-store';
import type { ReadStore, StoredDocument } from '@qms/read-models';
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
  /** Before-images of documents whose afterBatch has not run yet (see applyBatch). */
  readonly journal: string;
}

export interface BatchOutcome {
  /** Position of the batch's last event: the checkpoint now stored. */
  readonly position: number;
  /** Events of the batch the projection handles. */
  readonly applied: number;
  readonly written: number;
}

interface JournalEntry extends StoredDocument {
  readonly collection: string;
  readonly id: string;
  readonly before: ProjectedDocument | null;
  /** Position of the first event of the batch that wrote the entry: which batch it belongs to. */
  readonly batch: number;
}

const journalId = (collection: string, id: string): string => `${collection}/${id}`;

/**
 * One batch of one projection: load every touched document with one getMany per collection,
 * evolve in log order in memory, write one bulkWrite per collection, run afterBatch, and save
 * the checkpoint last. Any failure leaves the checkpoint where it was; running the same batch
 * again is safe, because documents that were written already carry the position they reached
 * and are skipped.
 *
 * A skipped document no longer shows what it was before the batch, which afterBatch needs (the
 * months a fact left). So for a projection with afterBatch the before-images are written to a
 * journal first and removed once afterBatch has run: a batch that failed in between hands them
 * to afterBatch on its next attempt.
 */
export async function applyBatch<E extends ProjectableEvent>(
  projection: Projection<E>,
  events: readonly RecordedEvent[],
  store: ReadStore,
  target: ProjectionTarget,
  decodeEvent: (recorded: RecordedEvent) => E,
  info: BatchInfo = { caughtUp: true },
): Promise<BatchOutcome> {
  const last = events[events.length - 1];
  if (last === undefined) throw new Error('applyBatch needs at least one event');
  const collections = collectionsOf(projection).map((spec) => spec.name);
  const handled = new Set(projection.eventTypes);
  const resolve = refResolver(projection.name, collections);

  const planned = events
    .filter((recorded) => handled.has(recorded.type))
    .map((recorded) => {
      const event = decodeEvent(recorded);
      return {
        recorded,
        event,
        writes: projection.documentIds(event).map(resolve),
        reads: (projection.readsDocuments?.(event) ?? []).map(resolve),
      };
    });
  const first = events[0] as RecordedEvent;
  const journaled = new Map<string, JournalEntry>();
  // Entries of a batch that was checkpointed (crash between checkpoint and journal cleanup) are stale.
  const stale: string[] = [];
  if (projection.afterBatch !== undefined) {
    for (const entry of (await store.find<JournalEntry>(target.journal)).items) {
      if (entry.batch === first.position) journaled.set(entry._id, entry);
      else stale.push(entry._id);
    }
  }

  let written = 0;
  if (planned.length > 0 || journaled.size > 0) {
    const wanted = new Map<string, Set<string>>(collections.map((collection) => [collection, new Set()]));
    for (const step of planned) {
      for (const ref of [...step.writes, ...step.reads]) wanted.get(ref.collection)?.add(ref.id);
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
    // A batch tried before: its documents start again from their before-images, so that a document
    // the failed attempt deleted (and whose `_position` went with it) is not evolved twice.
    for (const entry of journaled.values()) working.get(entry.collection)?.set(entry.id, entry.before);
    const current = (collection: string, id: string): ProjectedDocument | null =>
      working.get(collection)?.get(id) ?? null;
    const before = (collection: string, id: string): ProjectedDocument | null =>
      loaded.get(collection)?.get(id) ?? null;
    const dirty = new Map<string, Set<string>>(collections.map((collection) => [collection, new Set()]));
    for (const entry of journaled.values()) dirty.get(entry.collection)?.add(entry.id);

    for (const { recorded, event, writes, reads } of planned) {
      const readable = new Set([...writes, ...reads].map((ref) => journalId(ref.collection, ref.id)));
      const lookup = <D extends ProjectedDocument>(collection: string, id: string): D | null => {
        if (!readable.has(journalId(collection, id))) {
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
        const context: EvolveContext = {
          collection: ref.collection,
          position: recorded.position,
          streamId: recorded.streamId,
          revision: recorded.revision,
          recordedAt: recorded.recordedAt.toISOString(),
          metadata: recorded.metadata,
          lookup,
        };
        const next = projection.evolve(document, event, ref.id, context);
        const stored =
          next === null ? null : deepFreeze({ ...next, _id: ref.id, _position: recorded.position });
        working.get(ref.collection)?.set(ref.id, stored);
        dirty.get(ref.collection)?.add(ref.id);
      }
    }

    if (projection.afterBatch !== undefined) {
      const entries: JournalEntry[] = [];
      for (const [collection, ids] of dirty) {
        for (const id of ids) {
          if (!journaled.has(journalId(collection, id))) {
            entries.push({ _id: journalId(collection, id), collection, id, before: before(collection, id), batch: first.position });
          }
        }
      }
      if (entries.length > 0) await store.bulkWrite(target.journal, { upserts: entries });
    }

    await Promise.all(
      [...dirty].map(async ([collection, ids]) => {
        const upserts: ProjectedDocument[] = [];
        const deletes: string[] = [];
        for (const id of [...ids].sort()) {
          const after = current(collection, id);
          if (after !== null) upserts.push(after);
          else if (before(collection, id) !== null) deletes.push(id);
        }
        if (upserts.length + deletes.length === 0) return;
        await store.bulkWrite(target.physical(collection), { upserts, deletes });
        written += upserts.length + deletes.length;
      }),
    );

    if (projection.afterBatch !== undefined) {
      const changes = new Map<string, DocumentChange>();
      for (const entry of journaled.values()) {
        changes.set(entry._id, {
          collection: entry.collection,
          id: entry.id,
          before: entry.before,
          after: current(entry.collection, entry.id),
        });
      }
      for (const [collection, ids] of dirty) {
        for (const id of ids) {
          const key = journalId(collection, id);
          changes.set(key, {
            collection,
            id,
            before: journaled.has(key) ? (journaled.get(key) as JournalEntry).before : before(collection, id),
            after: current(collection, id),
          });
        }
      }
      const ordered = [...changes.keys()].sort().map((key) => changes.get(key) as DocumentChange);
      const real = ordered.filter((change) => change.before !== null || change.after !== null);
      if (real.length > 0)
        await projection.afterBatch(real, new ScopedProjectionStore(store, collections, target.physical), info);
      stale.push(...changes.keys());
    }
  }

  await store.saveCheckpoint(target.checkpointName, {
    position: last.position,
    version: versionOf(projection),
  });
  // Only once the checkpoint holds: until then a retry needs the before-images.
  if (stale.length > 0) await store.bulkWrite(target.journal, { deletes: [...new Set(stale)] });
  return { position: last.position, applied: planned.length, written };
}

function refResolver(
  name: string,
  collections: readonly string[],
): (ref: string | DocumentRef) => DocumentRef {
  const [first] = collections;
  return (ref) => {
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

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const item of Object.values(value)) deepFreeze(item);
  }
  return value;
}

import type { RecordedEvent } from '@qms/event-store';
import type { ReadStore } from '@qms/read-models';
import { ScopedProjectionStore } from './scoped-store';
import {
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
}

export interface BatchOutcome {
  /** Position of the batch's last event: the checkpoint now stored. */
  readonly position: number;
  /** Events of the batch the projection handles. */
  readonly applied: number;
  readonly written: number;
}

/**
 * One batch of one projection: load every touched document with one getMany per collection,
 * evolve in log order in memory, write one bulkWrite per collection, run afterBatch, and save
 * the checkpoint last. Any failure leaves the checkpoint where it was; running the same batch
 * again is safe, because documents that were written already carry the position they reached.
 */
export async function applyBatch<E extends ProjectableEvent>(
  projection: Projection<E>,
  events: readonly RecordedEvent[],
  store: ReadStore,
  target: ProjectionTarget,
  decodeEvent: (recorded: RecordedEvent) => E,
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

  let written = 0;
  if (planned.length > 0) {
    const wanted = new Map<string, Set<string>>(collections.map((collection) => [collection, new Set()]));
    for (const step of planned) {
      for (const ref of [...step.writes, ...step.reads]) wanted.get(ref.collection)?.add(ref.id);
    }
    const loaded = new Map<string, Map<string, ProjectedDocument>>();
    await Promise.all(
      [...wanted].map(async ([collection, ids]) => {
        const documents = ids.size === 0 ? new Map() : await store.getMany<ProjectedDocument>(target.physical(collection), [...ids]);
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
    const dirty = new Map<string, Set<string>>(collections.map((collection) => [collection, new Set()]));

    for (const { recorded, event, writes, reads } of planned) {
      const readable = new Set([...writes, ...reads].map((ref) => `${ref.collection}\u0000${ref.id}`));
      const lookup = <D extends ProjectedDocument>(collection: string, id: string): D | null => {
        if (!readable.has(`${collection}\u0000${id}`)) {
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
        const stored = next === null ? null : deepFreeze({ ...next, _id: ref.id, _position: recorded.position });
        working.get(ref.collection)?.set(ref.id, stored);
        dirty.get(ref.collection)?.add(ref.id);
      }
    }

    const changes: DocumentChange[] = [];
    await Promise.all(
      [...dirty].map(async ([collection, ids]) => {
        const upserts: ProjectedDocument[] = [];
        const deletes: string[] = [];
        for (const id of [...ids].sort()) {
          const before = loaded.get(collection)?.get(id) ?? null;
          const after = current(collection, id);
          if (after !== null) upserts.push(after);
          else if (before !== null) deletes.push(id);
          changes.push({ collection, id, before, after });
        }
        if (upserts.length + deletes.length === 0) return;
        await store.bulkWrite(target.physical(collection), { upserts, deletes });
        written += upserts.length + deletes.length;
      }),
    );

    if (projection.afterBatch !== undefined) {
      changes.sort((a, b) => (a.collection === b.collection ? compare(a.id, b.id) : compare(a.collection, b.collection)));
      await projection.afterBatch(changes, new ScopedProjectionStore(store, collections, target.physical));
    }
  }

  await store.saveCheckpoint(target.checkpointName, { position: last.position, version: versionOf(projection) });
  return { position: last.position, applied: planned.length, written };
}

function refResolver(name: string, collections: readonly string[]): (ref: string | DocumentRef) => DocumentRef {
  const [first] = collections;
  return (ref) => {
    const resolved = typeof ref === 'string' ? { collection: first ?? name, id: ref } : ref;
    if (!collections.includes(resolved.collection)) {
      throw new Error(`Projection ${name} named collection ${resolved.collection}, which it does not declare`);
    }
    if (typeof resolved.id !== 'string' || resolved.id === '') {
      throw new Error(`Projection ${name} named a document without an id in ${resolved.collection}`);
    }
    return resolved;
  };
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const item of Object.values(value)) deepFreeze(item);
  }
  return value;
}

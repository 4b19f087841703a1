/**
 * A stand-in for the projection engine in specs: routes each event to the projections that
 * handle it, evolves every named document, and between batches round-trips the documents through
 * JSON as a store would. Every document evolve is given or returns is deep-frozen, as the engine's
 * live batches freeze them, so a projection that changes its arguments fails here. Also records the before/after of each fact document per event, for the
 * months-affected helper.
 */
import type { DomainEvent } from '@qms/domain-kernel';
import { deepFreeze } from '@qms/read-store';
import { handles, type ReadModelProjection } from '../projection-shape';

type AnyProjection = ReadModelProjection<{ readonly _id: string }, DomainEvent>;

export interface DocumentChange {
  readonly collection: string;
  readonly before: { readonly _id: string } | null;
  readonly after: { readonly _id: string } | null;
}

export interface ProjectionRun {
  readonly collections: Map<string, Map<string, { readonly _id: string }>>;
  /** Per event, in order: the documents it changed. */
  readonly changes: DocumentChange[][];
}

export function project(
  events: readonly DomainEvent[],
  projections: readonly ReadModelProjection<never, never>[],
  batchSize: number,
  passIds = true,
): ProjectionRun {
  const all = projections as unknown as AnyProjection[];
  let collections = new Map<string, Map<string, { readonly _id: string }>>(
    all.map((p) => [p.name, new Map()]),
  );
  const changes: DocumentChange[][] = [];
  events.forEach((event, index) => {
    const changed: DocumentChange[] = [];
    for (const projection of all) {
      if (!handles(projection, event)) continue;
      const documents = collections.get(projection.name) as Map<string, { readonly _id: string }>;
      for (const id of projection.documentIds(event)) {
        const before = documents.get(id) ?? null;
        const after = deepFreeze(passIds ? projection.evolve(before, event, id) : projection.evolve(before, event));
        if (after === null) documents.delete(id);
        else documents.set(id, after);
        changed.push({ collection: projection.name, before, after });
      }
    }
    changes.push(changed);
    if ((index + 1) % batchSize === 0) collections = roundTrip(collections);
  });
  return { collections: roundTrip(collections), changes };
}

function roundTrip<T>(collections: Map<string, Map<string, T>>): Map<string, Map<string, T>> {
  return new Map(
    [...collections].map(([name, documents]) => [
      name,
      new Map([...documents].map(([id, document]) => [id, deepFreeze(JSON.parse(JSON.stringify(document)) as T)])),
    ]),
  );
}

export function documentsOf<D>(run: ProjectionRun, collection: string): D[] {
  const documents = run.collections.get(collection);
  if (documents === undefined) throw new Error(`no collection ${collection}`);
  return [...documents.values()].sort((a, b) => (a._id < b._id ? -1 : a._id > b._id ? 1 : 0)) as D[];
}

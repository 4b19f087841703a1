import type { DomainEvent } from '@qms/domain-kernel';
import type { ProjectedDocument } from '@qms/projection-engine';
import type { ReadModelProjection } from '../kpi/projection-shape';

/**
 * One read model's pure rules (`ReadModelProjection`: documents of one kind, evolve per event)
 * as one collection of an engine projection, under the name the projection stores it as. The
 * engine hands over any event of the projection's types and documents as stored; the part
 * narrows them to its own event union and document type here, at the one place they meet.
 */
export interface FactPart {
  readonly collection: string;
  readonly eventTypes: readonly string[];
  documentIds(event: DomainEvent): readonly string[];
  evolve(document: ProjectedDocument | null, event: DomainEvent, id: string): ProjectedDocument | null;
}

export function factPart<Doc extends ProjectedDocument, Event extends DomainEvent>(
  readModel: ReadModelProjection<Doc, Event>,
  collection: string = readModel.name,
): FactPart {
  // A set rather than handles' list: every event of a rebuild passes here twice.
  const types: ReadonlySet<string> = new Set(readModel.eventTypes);
  const own = (event: DomainEvent): Event => {
    if (!types.has(event.type)) throw new Error(`${readModel.name} was handed ${event.type}, which it does not handle`);
    return event as Event;
  };
  return {
    collection,
    eventTypes: readModel.eventTypes,
    documentIds: (event) => readModel.documentIds(own(event)),
    // A stored document of this collection was written by this evolve: it is a Doc.
    evolve: (document, event, id) => readModel.evolve(document as Doc | null, own(event), id),
  };
}

/** Routes each event type to the parts that handle it. */
export function routeParts(parts: readonly FactPart[]): {
  readonly eventTypes: readonly string[];
  partsFor(type: string): readonly FactPart[];
  partOf(collection: string): FactPart | undefined;
} {
  const byType = new Map<string, FactPart[]>();
  for (const part of parts) for (const type of part.eventTypes) byType.set(type, [...(byType.get(type) ?? []), part]);
  const byCollection = new Map(parts.map((part) => [part.collection, part]));
  return {
    eventTypes: [...byType.keys()],
    partsFor: (type) => byType.get(type) ?? [],
    partOf: (collection) => byCollection.get(collection),
  };
}

import type { DomainEvent } from '@qms/domain-kernel';

/**
 * The shape every projection of this library has: the engine routes an event to the documents
 * named by `documentIds`, loads each (null when absent), calls `evolve` and stores the result
 * (deleting on null) together with the global position it has reached, skipping an event whose
 * position a document has already passed.
 *
 * `evolve` is pure: no clock, no I/O, no randomness; the same document and event always give the
 * same result, so any batching of the same events yields byte-identical documents. The optional
 * third argument is the id being evolved: an event that touches two documents (a delivery
 * correction moving a line between months) is clearer with it, and is still handled without it.
 */
export interface ReadModelProjection<Doc extends { readonly _id: string }, Event extends DomainEvent> {
  /** Projection name, also the collection name. */
  readonly name: string;
  readonly eventTypes: readonly Event['type'][];
  documentIds(event: Event): readonly string[];
  evolve(document: Doc | null, event: Event, documentId?: string): Doc | null;
}

/** Narrows a decoded event to the projection's own union; the engine may hand over any type. */
export function handles<Event extends DomainEvent>(
  projection: { readonly eventTypes: readonly Event['type'][] },
  event: DomainEvent,
): event is Event {
  return (projection.eventTypes as readonly string[]).includes(event.type);
}

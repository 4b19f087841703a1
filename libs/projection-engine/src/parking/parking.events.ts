import type { DomainEvent } from '@qms/domain-kernel';

/**
 * An admin's decision that one projection goes past the event at `position` without applying it
 * (an event its code cannot apply: a poison event). Recorded like every command — who and when
 * in the metadata — so the decision is part of the audit history.
 */
export type ProjectionEventParked = DomainEvent<
  'ProjectionEventParked',
  {
    readonly projection: string;
    readonly position: number;
    /** The parked event's stream and type, as read from the log when parking: for the listing and the audit. */
    readonly streamId: string;
    readonly eventType: string;
    readonly reason: string;
  }
>;

/** The decision taken back: after a rebuild the projection applies the event again. */
export type ProjectionEventUnparked = DomainEvent<
  'ProjectionEventUnparked',
  { readonly projection: string; readonly position: number; readonly reason: string }
>;

export type ParkingEvent = ProjectionEventParked | ProjectionEventUnparked;

export const PARKING_EVENT_SCHEMA_VERSIONS: Readonly<Record<ParkingEvent['type'], number>> = {
  ProjectionEventParked: 1,
  ProjectionEventUnparked: 1,
};

export const PARKING_EVENT_TYPES: ReadonlySet<string> = new Set(Object.keys(PARKING_EVENT_SCHEMA_VERSIONS));

/** One stream per projection: its decisions read in one short stream read. */
export function parkingStreamId(projection: string): string {
  return `projection-parking-${projection}`;
}

/** Parking events are stored as written: no older shapes exist yet. */
export function upcastParkingEvent(_type: string, _version: number, data: unknown): unknown {
  return data;
}

import type { EventStore } from '@qms/event-store';
import { fold } from '@qms/domain-kernel';
import { parkingDecider, type ParkedEvent } from './parking.decider';
import { type ParkingEvent, PARKING_EVENT_TYPES, parkingStreamId } from './parking.events';

/** Where a projection learns which positions it must go past without applying them. */
export interface ParkingSource {
  parked(projection: string): Promise<ReadonlyMap<number, ParkedEvent>>;
}

/**
 * Parking decisions live in the log itself (stream `projection-parking-<name>`), and a projection
 * skips exactly the positions whose latest decision in that stream is "parked" — read from the
 * whole stream, not only the part of the log the projection has reached. The decision always
 * comes after the event it parks (an admin parks what stopped a projection), so reading it only
 * up to the projection's position would never find it. A live run reads the stream when it
 * starts and whenever it stands on a poison event; a rebuild reads it for every page: both apply
 * the same set of decisions, so rebuild == live. Unparking changes that set, which is why an
 * unparked event comes back through a rebuild (after the code is fixed), never by itself.
 */
export function parkingFromLog(eventStore: EventStore): ParkingSource {
  return {
    async parked(projection) {
      const recorded = await eventStore.readStream(parkingStreamId(projection));
      const events = recorded
        .filter((event) => PARKING_EVENT_TYPES.has(event.type))
        .map((event) => ({ type: event.type, data: event.data }) as ParkingEvent);
      return fold(parkingDecider, events).parked;
    },
  };
}

/** No decisions: for replays into scratch copies that must not depend on the live log's parking. */
export const NO_PARKING: ParkingSource = { parked: () => Promise.resolve(new Map()) };

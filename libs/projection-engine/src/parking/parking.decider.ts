import { assertNever, type Decider, IllegalStateError, ValidationError } from '@qms/domain-kernel';
import type { ParkingEvent } from './parking.events';

export interface ParkedEvent {
  readonly position: number;
  readonly streamId: string;
  readonly eventType: string;
  readonly reason: string;
}

/** The decisions in force for one projection, by position. */
export interface ParkingState {
  readonly parked: ReadonlyMap<number, ParkedEvent>;
}

export type ParkingCommand =
  | {
      readonly type: 'ParkEvent';
      readonly projection: string;
      readonly position: number;
      readonly streamId: string;
      readonly eventType: string;
      readonly reason: string;
      /** The poison event the projection stands on now (engine status), null when none. */
      readonly stoppedOn: number | null;
    }
  | { readonly type: 'UnparkEvent'; readonly projection: string; readonly position: number; readonly reason: string };

export function evolveParking(state: ParkingState, event: ParkingEvent): ParkingState {
  const parked = new Map(state.parked);
  switch (event.type) {
    case 'ProjectionEventParked': {
      const { position, streamId, eventType, reason } = event.data;
      parked.set(position, { position, streamId, eventType, reason });
      break;
    }
    case 'ProjectionEventUnparked':
      parked.delete(event.data.position);
      break;
    default:
      return assertNever(event, 'parking event');
  }
  return { parked };
}

/**
 * Parking and unparking one event for one projection. Whether the event exists and whether the
 * projection has already applied it are checked by the caller against the log and the
 * checkpoint (I/O); this decides what the record allows.
 */
export const parkingDecider: Decider<ParkingCommand, ParkingEvent, ParkingState> = {
  initialState: () => ({ parked: new Map() }),
  evolve: evolveParking,
  decide(command, state) {
    const reason = command.reason.trim();
    if (reason === '') throw ValidationError.field('reason', 'say why (it is kept in the audit history)');
    switch (command.type) {
      case 'ParkEvent':
        if (state.parked.has(command.position)) {
          throw new IllegalStateError(`The event at position ${command.position} is already parked for ${command.projection}`);
        }
        // Only what stopped it: parking an event the projection has applied, or not reached yet,
        // would make a rebuild (which skips it from the start) differ from the live run.
        if (command.stoppedOn !== command.position) {
          throw new IllegalStateError(
            `Projection ${command.projection} is not stopped on the event at position ${command.position}` +
              (command.stoppedOn === null ? '' : ` (it is stopped on position ${command.stoppedOn})`) +
              ': only the event a projection is stopped on can be parked',
          );
        }
        return [
          {
            type: 'ProjectionEventParked',
            data: {
              projection: command.projection,
              position: command.position,
              streamId: command.streamId,
              eventType: command.eventType,
              reason,
            },
          },
        ];
      case 'UnparkEvent':
        if (!state.parked.has(command.position)) {
          throw new IllegalStateError(`The event at position ${command.position} is not parked for ${command.projection}`);
        }
        return [{ type: 'ProjectionEventUnparked', data: { projection: command.projection, position: command.position, reason } }];
      default:
        return assertNever(command, 'parking command');
    }
  },
};

import { StoreUnavailableError } from '@qms/domain-kernel';
import type { ProjectionState } from '@qms/projection-engine';

/**
 * How far the read models have read the global log, for the `position` every read answers with
 * and for `?minPosition=` (read your own write): implemented by the projection runner.
 */
export interface ReadModelPositions {
  /** Global position up to which `projection` has applied every event. */
  positionOf(projection: string): number;
  /** Resolves true once `projection` has reached `position`, false after `timeoutMs`. */
  waitFor(projection: string, position: number, timeoutMs: number): Promise<boolean>;
  /** What a reader of the read model should know besides its position. */
  standingOf(projection: string): ReadModelStanding;
}

/**
 * Served with every read: `complete` is false when an admin parked events for this read model
 * (a figure may lack them) or when it is stopped on an event it cannot apply (it is not current).
 */
export interface ReadModelStanding {
  readonly projection: string;
  readonly state: ProjectionState;
  readonly complete: boolean;
  readonly parkedPositions: readonly number[];
  readonly stoppedOn: { readonly position: number; readonly streamId: string; readonly type: string; readonly error: string } | null;
}

export const READ_MODEL_POSITIONS = Symbol('READ_MODEL_POSITIONS');

/** Longest a read waits for its projection to catch up with a client's consistency token. */
export const MIN_POSITION_WAIT_MS = 5000;

export async function awaitPosition(positions: ReadModelPositions, projection: string, minPosition: number | undefined): Promise<number> {
  if (minPosition !== undefined && !(await positions.waitFor(projection, minPosition, MIN_POSITION_WAIT_MS))) {
    throw new StoreUnavailableError(
      `The ${projection} read model has not reached position ${minPosition} within ${MIN_POSITION_WAIT_MS / 1000} s ` +
        `(it is at ${positions.positionOf(projection)}); retry shortly.`,
    );
  }
  return positions.positionOf(projection);
}

import { NotFoundError } from '@qms/domain-kernel';
import type { ParkedEvent } from '../parking/parking.decider';
import type { PoisonEvent } from '../poison-event';
import type { ProjectionStatus } from '../projection-engine';
import type { ProjectionState } from '../projection-runner';
import { PositionWaiters } from './position-waiters';

/**
 * A host of projections that run elsewhere (a worker thread, a projector process) and are
 * followed from here: positions as last learnt, read-your-writes on them, and each projection's
 * standing from its last known status. Subclasses say how positions and status arrive.
 */
export abstract class FollowedProjections {
  protected readonly positions = new Map<string, number>();
  protected readonly waiters = new PositionWaiters(this.positions);

  protected constructor(readonly projectionNames: readonly string[]) {}

  positionOf(name: string): number {
    this.known(name);
    return this.positions.get(name) ?? 0;
  }

  waitForPosition(position: number, timeoutMs: number, names?: readonly string[]): Promise<boolean> {
    const wanted = names ?? this.projectionNames;
    for (const name of wanted) this.known(name);
    return this.waiters.waitFor(position, wanted, timeoutMs);
  }

  standing(name: string): { position: number; state: ProjectionState; stoppedOn: PoisonEvent | null } {
    const status = this.statusOf(name);
    return { position: status.position, state: status.state, stoppedOn: status.stoppedOn };
  }

  parkedEvents(name: string): readonly ParkedEvent[] {
    return this.statusOf(name).parkedEvents;
  }

  /** The last known status, its position at least the last learnt one. */
  protected abstract statusOf(name: string): ProjectionStatus;

  protected known(name: string): void {
    if (!this.projectionNames.includes(name)) throw new NotFoundError(`No projection named ${name}`);
  }
}

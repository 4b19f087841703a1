import { NotFoundError } from '@qms/domain-kernel';
import type { EventStore } from '@qms/event-store';
import { DEFAULT_LAG_COUNT_LIMIT, lagBehindHead } from '../lag';
import type { ParkedEvent } from '../parking/parking.decider';
import type { PoisonEvent } from '../poison-event';
import type { ProjectionStatus } from '../projection-engine';
import type { ProjectionState } from '../projection-runner';
import { PositionWaiters } from './position-waiters';

/** The log as this process sees it, for the head and lag of a status learnt from elsewhere. */
export interface LogView {
  readonly eventStore: Pick<EventStore, 'headPosition' | 'tailAfter'>;
  /** Most events counted for the lag figure. Default 10,000. */
  readonly lagCountLimit?: number;
  readonly now?: () => Date;
}

/**
 * A host of projections that run elsewhere (a worker thread, a projector process) and are
 * followed from here: positions as last learnt, read-your-writes on them, and each projection's
 * standing from its last known status. Subclasses say how positions and status arrive.
 */
export abstract class FollowedProjections {
  protected readonly positions = new Map<string, number>();
  protected readonly waiters = new PositionWaiters(this.positions);

  protected constructor(
    readonly projectionNames: readonly string[],
    private readonly log?: LogView,
  ) {}

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

  /**
   * Head and lag measured now on this process's view of the log. A status learnt from elsewhere
   * carries the head of its moment: a client that appended, then reads the head here to wait for
   * it with `?minPosition=`, must get a head no older than its append.
   */
  protected async withCurrentLag(statuses: readonly ProjectionStatus[]): Promise<ProjectionStatus[]> {
    const log = this.log;
    if (log === undefined) return [...statuses];
    const lagOf = await lagBehindHead(log.eventStore, log.lagCountLimit ?? DEFAULT_LAG_COUNT_LIMIT, (log.now ?? (() => new Date()))());
    return Promise.all(statuses.map(async (status) => ({ ...status, ...(await lagOf(status.position)) })));
  }

  /** The last known status, its position at least the last learnt one. */
  protected abstract statusOf(name: string): ProjectionStatus;

  protected known(name: string): void {
    if (!this.projectionNames.includes(name)) throw new NotFoundError(`No projection named ${name}`);
  }
}

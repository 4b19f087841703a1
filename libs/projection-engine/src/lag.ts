import type { EventStore } from '@qms/event-store';
import type { ProjectionStatus } from './projection-engine';

/** Most events counted for a lag figure unless a host says otherwise. */
export const DEFAULT_LAG_COUNT_LIMIT = 10_000;

/** How far a projection's position is behind the log, as its status reports it. */
export type Lag = Pick<ProjectionStatus, 'headPosition' | 'lagEvents' | 'lagCountCapped' | 'lagSeconds'>;

const UNKNOWN: Lag = { headPosition: null, lagEvents: null, lagCountCapped: false, lagSeconds: null };

/** The lag of a status whose host measures it elsewhere: unknown here. */
export const notMeasured = (): Promise<Lag> => Promise.resolve(UNKNOWN);

/**
 * Reads the head once and gives each position's lag behind it, with one tail count per distinct
 * position (projections that are level share it). Never reads more than the store's count of
 * `limit` events, however far a projection lags: the status is read every half second.
 */
export async function lagBehindHead(
  eventStore: Pick<EventStore, 'headPosition' | 'tailAfter'>,
  limit: number,
  now: Date,
): Promise<(position: number) => Promise<Lag>> {
  let head: number;
  try {
    head = await eventStore.headPosition();
  } catch {
    return notMeasured;
  }
  const tails = new Map<number, Promise<Lag>>();
  const measure = async (position: number): Promise<Lag> => {
    try {
      const tail = await eventStore.tailAfter(position, limit);
      const since = tail.firstRecordedAt === null ? 0 : Math.max(0, (now.getTime() - tail.firstRecordedAt.getTime()) / 1000);
      return { headPosition: head, lagEvents: tail.events, lagCountCapped: tail.events >= limit, lagSeconds: since };
    } catch {
      return { ...UNKNOWN, headPosition: head };
    }
  };
  return (position) => {
    if (position >= head) return Promise.resolve({ headPosition: head, lagEvents: 0, lagCountCapped: false, lagSeconds: 0 });
    let lag = tails.get(position);
    if (lag === undefined) {
      lag = measure(position);
      tails.set(position, lag);
    }
    return lag;
  };
}

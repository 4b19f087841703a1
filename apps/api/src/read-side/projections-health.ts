import { eventHoldingReadModel, type ProjectionsHost, type ProjectionStatus } from '@qms/projection-engine';
import type { DependencyCheck } from '../health/with-timeout';
import { withTimeout } from '../health/with-timeout';

/**
 * The projections' part of /health/ready. Down while any read model stands on an event its code
 * cannot apply — the live copy stopped on it, or the rebuild the live copy waits for (a first
 * build, a build after a code change): the read model no longer follows the log until the code
 * is fixed or an admin parks the event, so the service is not ready (503) even though commands
 * are still accepted. A projection that lags, retries (a store that is down) or rebuilds beside a
 * live copy that follows is reported but leaves the service ready. A status that does not come in
 * time is reported as unknown.
 */
export async function projectionsHealth(engine: ProjectionsHost, timeoutMs: number): Promise<DependencyCheck> {
  let items: ProjectionStatus[] = [];
  const answered = await withTimeout(async () => {
    items = await engine.status();
  }, timeoutMs);
  if (answered.status !== 'up') return { status: 'up', items: [], unknown: answered['reason'] };
  const stopped = items.filter((item) => eventHoldingReadModel(item) !== null);
  if (stopped.length === 0) return { status: 'up', items };
  const reason = stopped.map(standingReason).join('; ');
  return { status: 'down', reason, stopped: stopped.map((item) => item.name), items };
}

function standingReason(item: ProjectionStatus): string {
  const event = eventHoldingReadModel(item);
  const what = item.stoppedOn !== null ? `${item.name} is stopped` : `${item.name}'s rebuild, which its read model waits for, is stopped`;
  return `${what} on the event at position ${event?.position} (${event?.type})`;
}

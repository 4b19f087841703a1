import type { ProjectionsHost, ProjectionStatus } from '@qms/projection-engine';
import type { DependencyCheck } from '../health/with-timeout';
import { withTimeout } from '../health/with-timeout';

/**
 * The projections' part of /health/ready. Down while any projection is stopped on an event it
 * cannot apply: its read model no longer follows the log until the code is fixed or an admin
 * parks the event, so the service is not ready (503) even though commands are still accepted.
 * A projection that lags, retries (a store that is down) or rebuilds is reported but leaves the
 * service ready: it resumes by itself. A status that does not come in time is reported as unknown.
 */
export async function projectionsHealth(engine: ProjectionsHost, timeoutMs: number): Promise<DependencyCheck> {
  let items: ProjectionStatus[] = [];
  const answered = await withTimeout(async () => {
    items = await engine.status();
  }, timeoutMs);
  if (answered.status !== 'up') return { status: 'up', items: [], unknown: answered['reason'] };
  const stopped = items.filter((item) => item.stoppedOn !== null);
  if (stopped.length === 0) return { status: 'up', items };
  const reason = stopped.map((item) => `${item.name} is stopped on the event at position ${item.stoppedOn?.position} (${item.stoppedOn?.type})`).join('; ');
  return { status: 'down', reason, stopped: stopped.map((item) => item.name), items };
}

import type { ProjectionsHost } from '@qms/projection-engine';

/**
 * The projections' part of /health. `status` is 'down' while any projection is stopped on an
 * event it cannot apply: its read model no longer follows the log until the code is fixed or an
 * admin parks the event, so the service is not ready (/health answers 503, "degraded") even
 * though commands are still accepted. A projection that is retrying (a store that is down) or
 * rebuilding is reported but not counted down: it resumes by itself.
 */
export async function projectionsHealth(engine: ProjectionsHost): Promise<Record<string, unknown>> {
  const items = await engine.status();
  const stopped = items.filter((item) => item.stoppedOn !== null).map((item) => item.name);
  return stopped.length > 0 ? { status: 'down', ready: false, stopped, items } : { status: 'up', ready: true, items };
}

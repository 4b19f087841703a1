import type { ProjectionsHost, ProjectionStatus, RebuildProgress } from '@qms/projection-engine';
import { projectionsHealth } from './projections-health';

const POISON = { position: 142, streamId: 'legacy-import-1', type: 'ReturnReceived', error: 'Not an ISO-8601 instant: undefined' };

function status(name: string, changes: Partial<ProjectionStatus> = {}): ProjectionStatus {
  return {
    name,
    version: 1,
    state: 'running',
    position: 141,
    headPosition: 300,
    lagEvents: 0,
    lagCountCapped: false,
    lagSeconds: 0,
    lastFailure: null,
    stoppedOn: null,
    parkedEvents: [],
    rebuild: null,
    ...changes,
  };
}

function rebuildStandingOnIt(projection: string): RebuildProgress {
  return { projection, phase: 'replaying', position: 141, targetPosition: 300, eventsProcessed: 141, eventsPerSecond: 1000, etaSeconds: null, resumed: false, stoppedOn: POISON };
}

const hostWith = (statuses: ProjectionStatus[]): ProjectionsHost => ({ status: async () => statuses }) as unknown as ProjectionsHost;

describe('the projections part of /health/ready', () => {
  it('is up while every live copy follows the log, a rebuild beside one standing on an event included', async () => {
    const check = await projectionsHealth(hostWith([status('complaint_lists', { rebuild: rebuildStandingOnIt('complaint_lists') }), status('monthly_report')]), 1_000);
    expect(check.status).toBe('up');
  });

  it('is down, naming the event, while a live copy is stopped on it', async () => {
    const check = await projectionsHealth(hostWith([status('monthly_report', { state: 'stopped', stoppedOn: POISON }), status('complaint_lists')]), 1_000);
    expect(check).toMatchObject({ status: 'down', stopped: ['monthly_report'], reason: 'monthly_report is stopped on the event at position 142 (ReturnReceived)' });
  });

  it('is down while the rebuild a live copy waits for (a first build) stands on an event', async () => {
    const check = await projectionsHealth(hostWith([status('monthly_report', { state: 'rebuilding', position: 0, rebuild: rebuildStandingOnIt('monthly_report') })]), 1_000);
    expect(check).toMatchObject({
      status: 'down',
      stopped: ['monthly_report'],
      reason: "monthly_report's rebuild, which its read model waits for, is stopped on the event at position 142 (ReturnReceived)",
    });
  });
});

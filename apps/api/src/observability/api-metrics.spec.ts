import { ApiMetrics, type ProjectionStatusLike } from './api-metrics';

const POISON = { position: 142 };

function status(name: string, changes: Partial<ProjectionStatusLike> = {}): ProjectionStatusLike {
  return { name, state: 'running', position: 141, headPosition: 300, lagEvents: 0, lagSeconds: 0, stoppedOn: null, parkedEvents: [], rebuild: null, ...changes };
}

async function stoppedPositions(statuses: readonly ProjectionStatusLike[]): Promise<string[]> {
  const metrics = new ApiMetrics({ defaultMetrics: false });
  metrics.watchProjections(async () => statuses);
  return (await metrics.render()).split('\n').filter((line) => line.startsWith('qms_projection_stopped_position{'));
}

describe('qms_projection_stopped_position', () => {
  it('gives the event a live copy is stopped on, or the one the rebuild it waits for stands on', async () => {
    expect(
      await stoppedPositions([
        status('complaint_lists', { state: 'stopped', stoppedOn: POISON }),
        status('monthly_report', { state: 'rebuilding', position: 0, rebuild: { stoppedOn: POISON } }),
        status('satisfaction_summary'),
      ]),
    ).toEqual(['qms_projection_stopped_position{projection="complaint_lists"} 142', 'qms_projection_stopped_position{projection="monthly_report"} 142']);
  });

  it('is absent for a read model that follows the log while a rebuild beside it stands on an event', async () => {
    expect(await stoppedPositions([status('monthly_report', { rebuild: { stoppedOn: POISON } })])).toEqual([]);
  });
});

import { Controller, Get, Header, Inject } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { ProjectionsHost } from '@qms/projection-engine';
import { Public } from '../auth/auth.guard';
import { PROJECTION_ENGINE } from './read-side.tokens';

/** Projection progress and lag in Prometheus' text format, for dashboards and alerts. */
@ApiTags('health')
@Controller('metrics')
export class MetricsController {
  constructor(@Inject(PROJECTION_ENGINE) private readonly engine: ProjectionsHost) {}

  @Public()
  @Get()
  @Header('Content-Type', 'text/plain; version=0.0.4')
  @ApiOperation({ summary: 'Prometheus metrics: projection position, lag in events and seconds, event store head' })
  async metrics(): Promise<string> {
    const statuses = await this.engine.status();
    const lines = [
      '# HELP qms_projection_position Global position up to which the projection has applied the log.',
      '# TYPE qms_projection_position gauge',
      ...statuses.map((status) => `qms_projection_position{projection="${status.name}"} ${status.position}`),
      '# HELP qms_projection_lag_events Events not yet applied (capped at the engine lag count limit).',
      '# TYPE qms_projection_lag_events gauge',
      ...statuses.flatMap((status) => (status.lagEvents === null ? [] : [`qms_projection_lag_events{projection="${status.name}"} ${status.lagEvents}`])),
      '# HELP qms_projection_lag_seconds Age of the oldest event not yet applied.',
      '# TYPE qms_projection_lag_seconds gauge',
      ...statuses.flatMap((status) => (status.lagSeconds === null ? [] : [`qms_projection_lag_seconds{projection="${status.name}"} ${status.lagSeconds}`])),
      '# HELP qms_projection_up 1 while the projection runs without failures.',
      '# TYPE qms_projection_up gauge',
      ...statuses.map((status) => `qms_projection_up{projection="${status.name}"} ${status.state === 'running' || status.state === 'catching-up' ? 1 : 0}`),
      '# HELP qms_projection_stopped_position Position of the event the projection is stopped on (it cannot apply it); absent while it goes on.',
      '# TYPE qms_projection_stopped_position gauge',
      ...statuses.flatMap((status) => (status.stoppedOn === null ? [] : [`qms_projection_stopped_position{projection="${status.name}"} ${status.stoppedOn.position}`])),
      '# HELP qms_projection_parked_events Events an admin parked for the projection (its figures may be incomplete).',
      '# TYPE qms_projection_parked_events gauge',
      ...statuses.map((status) => `qms_projection_parked_events{projection="${status.name}"} ${status.parkedEvents.length}`),
      '# HELP qms_event_store_head_position Position of the last event in the store.',
      '# TYPE qms_event_store_head_position gauge',
      ...(statuses[0]?.headPosition !== null && statuses[0] !== undefined ? [`qms_event_store_head_position ${statuses[0].headPosition}`] : []),
    ];
    return `${lines.join('\n')}\n`;
  }
}

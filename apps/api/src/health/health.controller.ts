import { Controller, Get, Inject, Res } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { EVENT_STORE, type EventStore } from '@qms/event-store';
import type { FastifyReply } from 'fastify';
import { Public } from '../auth/auth.guard';
import { HEALTH_CONTRIBUTORS, type HealthContributor } from './health-contributor';

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(
    @Inject(EVENT_STORE) private readonly eventStore: EventStore,
    @Inject(HEALTH_CONTRIBUTORS) private readonly contributors: readonly HealthContributor[],
  ) {}

  /**
   * 200 "ok" while commands are accepted and every contributor is ready; 503 "unavailable" when
   * the event store is down; 503 "degraded" when a contributor says it is not ready (a projection
   * stopped on an event it cannot apply: commands work, a read model does not follow).
   */
  @Public()
  @Get()
  async health(@Res({ passthrough: true }) reply: FastifyReply): Promise<Record<string, unknown>> {
    const eventStore = await this.eventStore
      .checkHealth()
      .then(() => ({ status: 'up' as const }))
      .catch((error: unknown) => ({ status: 'down' as const, reason: (error as Error).message }));
    const details: Record<string, Record<string, unknown>> = Object.fromEntries(
      await Promise.all(this.contributors.map(async (contributor) => [contributor.name, await contributor.health()] as const)),
    );
    const degraded = Object.values(details).some((detail) => detail['ready'] === false);
    const status = eventStore.status !== 'up' ? 'unavailable' : degraded ? 'degraded' : 'ok';
    void reply.status(status === 'ok' ? 200 : 503);
    return { status, eventStore, ...details };
  }
}

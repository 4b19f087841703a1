import { Controller, Get, Inject, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { EVENT_STORE, type EventStore } from '@qms/event-store';
import type { FastifyReply } from 'fastify';
import { Public } from '../auth/auth.guard';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { HEALTH_CONTRIBUTORS, type HealthContributor } from './health-contributor';
import { type DependencyCheck, withTimeout } from './with-timeout';

/**
 * Liveness (the process answers; no dependency is called, so a store outage never gets the
 * process restarted) and readiness (the event store and the read store answer, each within
 * HEALTH_CHECK_TIMEOUT_MS, so the whole answer comes within a second even when one hangs).
 */
@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(
    @Inject(EVENT_STORE) private readonly eventStore: EventStore,
    @Inject(HEALTH_CONTRIBUTORS) private readonly contributors: readonly HealthContributor[],
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Public()
  @Get('live')
  @ApiOperation({ summary: 'Liveness: 200 while the process serves requests; calls no dependency' })
  live(): { status: 'ok'; uptimeSeconds: number } {
    return { status: 'ok', uptimeSeconds: Math.round(process.uptime()) };
  }

  @Public()
  @Get('ready')
  @ApiOperation({ summary: 'Readiness: 200 when the event store and the read store answer, 503 naming the one that does not' })
  ready(@Res({ passthrough: true }) reply: FastifyReply): Promise<Record<string, unknown>> {
    return this.readiness(reply);
  }

  /** Readiness under its former path, for monitors configured before /health/live and /health/ready. */
  @Public()
  @Get()
  @ApiOperation({ summary: 'Same as /health/ready' })
  health(@Res({ passthrough: true }) reply: FastifyReply): Promise<Record<string, unknown>> {
    return this.readiness(reply);
  }

  private async readiness(reply: FastifyReply): Promise<Record<string, unknown>> {
    const timeoutMs = this.config.healthCheckTimeoutMs;
    const checks: { name: string; check: Promise<DependencyCheck> }[] = [
      { name: 'eventStore', check: withTimeout(() => this.eventStore.checkHealth(), timeoutMs) },
      ...this.contributors.map((contributor) => ({ name: contributor.name, check: contributor.health(timeoutMs) })),
    ];
    const results = await Promise.all(checks.map(async ({ name, check }) => [name, await check] as const));
    const down = results.filter(([, result]) => result.status === 'down').map(([name]) => name);
    void reply.status(down.length === 0 ? 200 : 503);
    return {
      status: down.length === 0 ? 'ok' : 'unavailable',
      ...(down.length > 0 ? { down } : {}),
      ...Object.fromEntries(results),
    };
  }
}

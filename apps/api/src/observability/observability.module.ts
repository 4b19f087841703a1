import { type DynamicModule, Global, Module } from '@nestjs/common';
import type { Logger } from 'pino';
import type { AppConfig } from '../config/app-config';
import { ApiMetrics } from './api-metrics';
import { ROOT_LOGGER } from './logging';
import { MetricsController } from './metrics.controller';

/** Logs (pino; the access line is bootstrap's onResponse hook) and metrics (prom-client) for the whole app. */
@Global()
@Module({})
export class ObservabilityModule {
  static forRoot(config: AppConfig, logger: Logger, metrics: ApiMetrics): DynamicModule {
    return {
      module: ObservabilityModule,
      // With METRICS_PORT the metrics have a listener of their own and are not on the API port.
      controllers: config.metricsPort === undefined ? [MetricsController] : [],
      providers: [
        { provide: ApiMetrics, useValue: metrics },
        { provide: ROOT_LOGGER, useValue: logger },
      ],
      exports: [ApiMetrics, ROOT_LOGGER],
    };
  }
}

import { type DynamicModule, Global, Module } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import type { Logger } from 'pino';
import type { AppConfig } from '../config/app-config';
import { ApiMetrics } from './api-metrics';
import { loggerModuleParams } from './logging';
import { MetricsController } from './metrics.controller';

/** Logs (pino, one access line per request) and metrics (prom-client) for the whole app. */
@Global()
@Module({})
export class ObservabilityModule {
  static forRoot(config: AppConfig, logger: Logger, metrics: ApiMetrics): DynamicModule {
    return {
      module: ObservabilityModule,
      imports: [LoggerModule.forRoot(loggerModuleParams(logger))],
      // With METRICS_PORT the metrics have a listener of their own and are not on the API port.
      controllers: config.metricsPort === undefined ? [MetricsController] : [],
      providers: [{ provide: ApiMetrics, useValue: metrics }],
      exports: [ApiMetrics],
    };
  }
}

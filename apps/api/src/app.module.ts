import { type DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { CqrsModule } from '@nestjs/cqrs';
import type { EventStore } from '@qms/event-store';
import { AuditModule } from './audit/audit.module';
import { AuthGuard } from './auth/auth.guard';
import { RequestShapeGuard } from './http/input-checks';
import type { AppConfig } from './config/app-config';
import { ComplaintsModule } from './complaints/complaints.module';
import { DashboardModule } from './dashboard/dashboard.module';
import { DeliveriesModule } from './deliveries/deliveries.module';
import { HealthController } from './health/health.controller';
import { DomainExceptionFilter } from './http/domain-exception.filter';
import { InfrastructureModule } from './infrastructure/infrastructure.module';
import { ReadSideModule } from './read-side/read-side.module';
import { ReturnsModule } from './returns/returns.module';
import { SurveysModule } from './surveys/surveys.module';
import type { Clock } from './infrastructure/tokens';
import type { ApiMetrics } from './observability/api-metrics';
import { ObservabilityModule } from './observability/observability.module';
import type { DestinationStream, Logger } from 'pino';

export interface AppOverrides {
  readonly clock?: Clock;
  readonly eventStore?: EventStore;
  /** Where the logs go instead of stdout (tests read the access log from it). */
  readonly logDestination?: DestinationStream;
}

export interface AppObservability {
  readonly logger: Logger;
  readonly metrics: ApiMetrics;
}

@Module({})
export class AppModule {
  static forRoot(config: AppConfig, overrides: AppOverrides, observability: AppObservability): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ObservabilityModule.forRoot(config, observability.logger, observability.metrics),
        InfrastructureModule.forRoot(config, overrides),
        CqrsModule.forRoot(),
        ComplaintsModule,
        ReturnsModule,
        DeliveriesModule,
        SurveysModule,
        ReadSideModule,
        AuditModule,
        DashboardModule,
      ],
      controllers: [HealthController],
      providers: [
        // In this order: the request's shape is checked for the actor AuthGuard found.
        { provide: APP_GUARD, useClass: AuthGuard },
        { provide: APP_GUARD, useClass: RequestShapeGuard },
        { provide: APP_FILTER, useClass: DomainExceptionFilter },
      ],
    };
  }
}

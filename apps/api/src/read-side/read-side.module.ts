import { Global, Inject, Logger, Module, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { DomainEvent } from '@qms/domain-kernel';
import type { EventCatalogue } from '@qms/event-catalogue';
import { EVENT_STORE, type EventStore } from '@qms/event-store';
import { ProjectionEngine } from '@qms/projection-engine';
import { InMemoryReadStore, MongoReadStore, READ_STORE, type ReadStore } from '@qms/read-store';
import { createQualityReportingProjection, type ReportingConfig } from '@qms/reporting';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { DEADLINE_POLICY } from '../config/domain-policy';
import { ComplaintsModule } from '../complaints/complaints.module';
import { HEALTH_CONTRIBUTORS, type HealthContributor } from '../health/health-contributor';
import { withTimeout } from '../health/with-timeout';
import { ApiMetrics } from '../observability/api-metrics';
import { EVENT_CATALOGUE } from '../infrastructure/tokens';
import { ComplaintListsController } from './complaint-lists/complaint-lists.controller';
import { ComplaintBreakdownsController } from './monthly-report/breakdowns/complaint-breakdowns.controller';
import { MonthlyReportExportController } from './monthly-report/monthly-report-export.controller';
import { MonthlyReportController } from './monthly-report/monthly-report.controller';
import { engineOptionsFor } from './engine-options';
import { ProjectionsAdminController } from './projections-admin.controller';
import { READ_MODEL_POSITIONS, type ReadModelPositions } from './read-model-positions';
import { REPORTING_CONFIG, reportingConfigFrom } from './reporting-config.provider';
import { MONTHLY_REPORT_MATERIALIZER, PROJECTION_ENGINE } from './read-side.tokens';
import { SatisfactionSummaryController } from './satisfaction/satisfaction-summary.controller';

type QualityReporting = ReturnType<typeof createQualityReportingProjection>;
const QUALITY_REPORTING = Symbol('QUALITY_REPORTING');

/**
 * The read side: projections follow the event store into the read store (MongoDB with MONGO_URL,
 * in process otherwise, rebuilt from the events at every start), and the read APIs serve them.
 */
@Global()
@Module({
  imports: [ComplaintsModule],
  controllers: [
    ComplaintListsController,
    ComplaintBreakdownsController,
    MonthlyReportController,
    MonthlyReportExportController,
    SatisfactionSummaryController,
    ProjectionsAdminController,
  ],
  providers: [
    {
      provide: READ_STORE,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig): ReadStore =>
        config.mongoUrl
          ? MongoReadStore.create({ url: config.mongoUrl, dbName: config.mongoDatabase, serverSelectionTimeoutMS: config.mongoServerSelectionTimeoutMs })
          : new InMemoryReadStore(),
    },
    { provide: REPORTING_CONFIG, inject: [APP_CONFIG, DEADLINE_POLICY], useFactory: reportingConfigFrom },
    { provide: QUALITY_REPORTING, inject: [REPORTING_CONFIG], useFactory: (config: ReportingConfig) => createQualityReportingProjection(config) },
    { provide: MONTHLY_REPORT_MATERIALIZER, inject: [QUALITY_REPORTING], useFactory: (projection: QualityReporting) => projection.materializer },
    {
      provide: PROJECTION_ENGINE,
      inject: [EVENT_STORE, READ_STORE, EVENT_CATALOGUE, QUALITY_REPORTING],
      useFactory: (eventStore: EventStore, readStore: ReadStore, catalogue: EventCatalogue, reporting: QualityReporting) =>
        new ProjectionEngine<DomainEvent>({
          eventStore,
          readStore,
          projections: [reporting],
          decodeEvent: (recorded) => catalogue.decode(recorded),
          logger: new Logger('Projections'),
          ...engineOptionsFor(readStore),
        }),
    },
    {
      provide: READ_MODEL_POSITIONS,
      inject: [PROJECTION_ENGINE],
      useFactory: (engine: ProjectionEngine<DomainEvent>): ReadModelPositions => ({
        positionOf: (projection) => engine.positionOf(projection),
        waitFor: (projection, position, timeoutMs) => engine.waitForPosition(position, timeoutMs, [projection]),
      }),
    },
    {
      provide: HEALTH_CONTRIBUTORS,
      inject: [READ_STORE, PROJECTION_ENGINE],
      useFactory: (readStore: ReadStore, engine: ProjectionEngine<DomainEvent>): HealthContributor[] => [
        { name: 'readStore', health: (timeoutMs) => withTimeout(() => readStore.checkHealth(), timeoutMs) },
        // Reported, never fatal: a projection that lags or retries leaves the service ready.
        {
          name: 'projections',
          health: async (timeoutMs) => {
            let items: unknown = [];
            const answered = await withTimeout(async () => {
              items = await engine.status();
            }, timeoutMs);
            return answered.status === 'up' ? { status: 'up', items } : { status: 'up', items: [], unknown: answered['reason'] };
          },
        },
      ],
    },
  ],
  exports: [READ_STORE, READ_MODEL_POSITIONS, PROJECTION_ENGINE, MONTHLY_REPORT_MATERIALIZER, HEALTH_CONTRIBUTORS],
})
export class ReadSideModule implements OnApplicationBootstrap, OnApplicationShutdown {
  constructor(
    @Inject(PROJECTION_ENGINE) private readonly engine: ProjectionEngine<DomainEvent>,
    @Inject(READ_STORE) private readonly readStore: ReadStore,
    @Inject(ApiMetrics) metrics: ApiMetrics,
  ) {
    metrics.watchProjections(() => engine.status());
  }

  onApplicationBootstrap(): void {
    this.engine.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.engine.stop();
    await this.readStore.close();
  }
}

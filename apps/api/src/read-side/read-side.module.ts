import { Global, Inject, Logger, Module, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { ValidationError } from '@qms/domain-kernel';
import type { EventCatalogue } from '@qms/event-catalogue';
import { EVENT_STORE, type EventStore } from '@qms/event-store';
import { type ProjectionsHost, ReadModelOriginError } from '@qms/projection-engine';
import { READ_STORE, type ReadStore, SqliteReadStore } from '@qms/read-store';
import { createReportingProjections, type ReportingConfig, type ReportingProjections } from '@qms/reporting';
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
import { createProjectionsHost, openReadStore } from './projections-hosting';
import { WorkerProjections } from './worker/worker-projections';
import { holdReadModelLock } from './read-model-lock';
import { ProjectionsAdminController } from './projections-admin.controller';
import { READ_MODEL_POSITIONS, type ReadModelPositions } from './read-model-positions';
import { REPORTING_CONFIG, reportingConfigFrom } from './reporting-config.provider';
import { MONTHLY_REPORT_MATERIALIZER, PROJECTION_ENGINE, READ_MODEL_ORIGIN, REPORTING_PROJECTIONS } from './read-side.tokens';
import { originWording } from './origin/origin-wording';
import { ReadModelOriginGate } from './origin/read-model-origin.gate';
import { SatisfactionSummaryController } from './satisfaction/satisfaction-summary.controller';
import { ParkedEventsController } from './parking/parked-events.controller';
import { ParkingDecisionHandler } from './parking/parking.handlers';
import { projectionsHealth } from './projections-health';

/**
 * The read side: one projection per read model (complaint lists, monthly report, satisfaction
 * summary) follows the event store into the read store (MongoDB with MONGO_URL, otherwise the
 * SQLite file READ_DB_PATH) from its own checkpoint, so a restart resumes where the last run
 * stopped; the read APIs serve them.
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
    ParkedEventsController,
  ],
  providers: [
    {
      provide: READ_STORE,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig): ReadStore => openReadStore(config),
    },
    { provide: REPORTING_CONFIG, inject: [APP_CONFIG, DEADLINE_POLICY], useFactory: reportingConfigFrom },
    { provide: REPORTING_PROJECTIONS, inject: [REPORTING_CONFIG], useFactory: (config: ReportingConfig) => createReportingProjections(config) },
    { provide: MONTHLY_REPORT_MATERIALIZER, inject: [REPORTING_PROJECTIONS], useFactory: (reporting: ReportingProjections) => reporting.materializer },
    ParkingDecisionHandler,
    {
      provide: PROJECTION_ENGINE,
      inject: [APP_CONFIG, EVENT_STORE, READ_STORE, EVENT_CATALOGUE, REPORTING_PROJECTIONS],
      useFactory: (config: AppConfig, eventStore: EventStore, readStore: ReadStore, catalogue: EventCatalogue, reporting: ReportingProjections) =>
        createProjectionsHost(config, eventStore, readStore, catalogue, reporting),
    },
    {
      provide: READ_MODEL_ORIGIN,
      inject: [APP_CONFIG, EVENT_STORE, READ_STORE, PROJECTION_ENGINE],
      useFactory: (config: AppConfig, eventStore: EventStore, readStore: ReadStore, engine: ProjectionsHost) =>
        new ReadModelOriginGate({
          eventStore,
          readStore,
          // An instance that only reads (PROJECTIONS=off) never clears what the projector writes.
          policy: engine.runsProjections ? config.readModelsOnMismatch : 'refuse',
          wording: originWording(config, readStore, engine.runsProjections),
          logger: new Logger('ReadModels'),
        }),
    },
    {
      provide: READ_MODEL_POSITIONS,
      inject: [PROJECTION_ENGINE, READ_MODEL_ORIGIN, EVENT_STORE],
      // Every read asks for its position first: none is served from a read store of another log.
      useFactory: (engine: ProjectionsHost, origin: ReadModelOriginGate, eventStore: EventStore): ReadModelPositions => ({
        positionOf: (projection) => {
          origin.assertServing();
          return engine.positionOf(projection);
        },
        waitFor: async (projection, position, timeoutMs) => {
          origin.assertServing();
          if (engine.positionOf(projection) >= position) return true;
          // A position no command has answered with yet would only ever time out: say so at once.
          const head = await eventStore.headPosition();
          if (position > head) {
            throw ValidationError.field(
              'minPosition',
              `is beyond the last event of the log (position ${head}): pass the position a command answered with`,
            );
          }
          return engine.waitForPosition(position, timeoutMs, [projection]);
        },
        standingOf: (projection) => {
          origin.assertServing();
          const { state, stoppedOn } = engine.standing(projection);
          const parkedPositions = engine.parkedEvents(projection).map((event) => event.position);
          return { projection, state, complete: parkedPositions.length === 0 && stoppedOn === null, parkedPositions, stoppedOn };
        },
      }),
    },
    {
      provide: HEALTH_CONTRIBUTORS,
      inject: [READ_STORE, PROJECTION_ENGINE, READ_MODEL_ORIGIN],
      useFactory: (readStore: ReadStore, engine: ProjectionsHost, origin: ReadModelOriginGate): HealthContributor[] => [
        { name: 'readStore', health: (timeoutMs) => withTimeout(() => readStore.checkHealth(), timeoutMs) },
        // Down while the read store is not known to have been built from this event log.
        { name: 'readModelOrigin', health: () => Promise.resolve(origin.health()) },
        // Down only while a projection is stopped on an event it cannot apply: one that lags or
        // retries (a store down) leaves the service ready (see projections-health.ts).
        { name: 'projections', health: (timeoutMs) => projectionsHealth(engine, timeoutMs) },
      ],
    },
  ],
  exports: [READ_STORE, READ_MODEL_POSITIONS, PROJECTION_ENGINE, MONTHLY_REPORT_MATERIALIZER, REPORTING_PROJECTIONS, HEALTH_CONTRIBUTORS],
})
export class ReadSideModule implements OnApplicationBootstrap, OnApplicationShutdown {
  private lock: { release(): void } | undefined;

  constructor(
    @Inject(PROJECTION_ENGINE) private readonly engine: ProjectionsHost,
    @Inject(READ_STORE) private readonly readStore: ReadStore,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(READ_MODEL_ORIGIN) private readonly origin: ReadModelOriginGate,
    @Inject(ApiMetrics) metrics: ApiMetrics,
  ) {
    metrics.watchProjections(() => engine.status());
    if (engine instanceof WorkerProjections) metrics.watchProjectionsHeap(() => engine.heap);
  }

  /** Fails start-up when the read store was built from another event log (see ReadModelOriginGate). */
  async onApplicationBootstrap(): Promise<void> {
    // The CLI's rebuild and comparison of the embedded file refuse while this process writes it.
    if (this.engine.runsProjections && this.readStore instanceof SqliteReadStore && this.config.readDbPath !== ':memory:') {
      this.lock = holdReadModelLock(this.config.readDbPath, 'api');
    }
    try {
      await this.origin.open(() => this.engine.start());
    } catch (error) {
      if (error instanceof ReadModelOriginError) new Logger('ReadModels').error(`Refusing to start: ${error.message}`);
      throw error;
    }
  }

  async onApplicationShutdown(): Promise<void> {
    this.origin.close();
    await this.engine.stop();
    this.lock?.release();
    await this.readStore.close();
  }
}

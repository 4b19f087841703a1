import { rmSync } from 'node:fs';
import { Controller, Get, HttpCode, Inject, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import { IllegalStateError, NotFoundError, ValidationError } from '@qms/domain-kernel';
import { EventCatalogue } from '@qms/event-catalogue';
import { EVENT_STORE, type EventStore } from '@qms/event-store';
import { dropProjectionCopy, type ProjectionsHost, verifyProjection } from '@qms/projection-engine';
import { MongoReadStore, READ_STORE, SqliteReadStore, type ReadStore } from '@qms/read-store';
import { createReportingProjections, type MonthlyReportMaterializer, type ReportingConfig } from '@qms/reporting';
import { IsOptional, Matches } from 'class-validator';
import { Roles } from '../auth/auth.guard';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { EVENT_CATALOGUE } from '../infrastructure/tokens';
import { REPORTING_CONFIG } from './reporting-config.provider';
import { MONTHLY_REPORT_MATERIALIZER, PROJECTION_ENGINE } from './read-side.tokens';
import { ApiJsonOk } from '../http/response-schemas';
import { ProjectionStatusListAnswer, ProjectionVerificationAnswer } from './read-side.answers';

/** A month of the plausible years (@qms/domain-kernel PLAUSIBLE_YEARS). */
const MONTH = /^(20[0-9]{2}|2100)-(0[1-9]|1[0-2])$/;
const MONTH_PATTERN = MONTH.source;

export class MonthRangeDto {
  @ApiProperty({ example: '2026-01', pattern: MONTH_PATTERN }) @IsOptional() @Matches(MONTH, { message: '$property must be YYYY-MM from 2000-01 to 2100-12' }) from?: string;
  @ApiProperty({ example: '2026-12', pattern: MONTH_PATTERN }) @IsOptional() @Matches(MONTH, { message: '$property must be YYYY-MM from 2000-01 to 2100-12' }) to?: string;
}

/** Operations on the read models: status, zero-downtime rebuilds, a month range of the report. */
@ApiTags('admin')
@ApiBearerAuth()
@Controller('admin/projections')
export class ProjectionsAdminController {
  constructor(
    @Inject(PROJECTION_ENGINE) private readonly engine: ProjectionsHost,
    @Inject(READ_STORE) private readonly store: ReadStore,
    @Inject(MONTHLY_REPORT_MATERIALIZER) private readonly materializer: MonthlyReportMaterializer,
    @Inject(EVENT_STORE) private readonly eventStore: EventStore,
    @Inject(EVENT_CATALOGUE) private readonly catalogue: EventCatalogue,
    @Inject(REPORTING_CONFIG) private readonly reportingConfig: ReportingConfig,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  private verifying = false;

  @Get()
  @ApiJsonOk(ProjectionStatusListAnswer)
  @Roles('admin', 'auditor')
  @ApiOperation({ summary: 'Position, lag and state of every projection, and any rebuild under way' })
  status() {
    return this.engine.status();
  }

  @Post(':name/rebuild')
  @HttpCode(202)
  @Roles('admin')
  @ApiOperation({ summary: 'Rebuild from the first event into a fresh copy while the current one serves, then switch' })
  async rebuild(@Param('name') name: string) {
    this.known(name);
    // Elsewhere (PROJECTIONS=off) the host refuses at once: a 409 saying where to rebuild.
    if (!this.engine.runsProjections) await this.engine.rebuild(name);
    const started = this.engine.rebuild(name);
    // The rebuild runs on; its progress shows in GET /admin/projections.
    started.catch(() => undefined);
    return { name, started: true, progress: '/admin/projections' };
  }

  @Post('monthly-report/rebuild')
  @Roles('admin')
  @ApiOperation({ summary: 'Recompute a month range of the monthly report from the facts' })
  async rebuildMonths(@Query() range: MonthRangeDto) {
    if (range.from === undefined || range.to === undefined) throw ValidationError.field('from', 'give from and to as YYYY-MM');
    if (range.from > range.to) throw ValidationError.field('from', 'must not be after to');
    const months = await this.materializer.rebuildMonths(this.store, range.from, range.to);
    return { from: range.from, to: range.to, months };
  }

  @Get(':name/verify')
  @ApiJsonOk(ProjectionVerificationAnswer)
  @Roles('admin', 'auditor')
  @ApiOperation({
    summary: 'Rebuild into a scratch copy up to the live checkpoint and compare document by document (DESIGN §10)',
    description: 'equal, and every difference: missing (only in the rebuild), extra (only live) or changed, with the first differing field',
  })
  async verify(@Param('name') name: string) {
    this.known(name);
    // A fresh instance: the reference copy must not share anything with the live one.
    const projection = createReportingProjections(this.reportingConfig).byName(name);
    if (projection === undefined) throw new NotFoundError(`No projection named ${name}`);
    if (this.verifying) throw new IllegalStateError('A verification is already running; try again when it has finished');
    this.verifying = true;
    // Beside the live collections in MongoDB, in a scratch file beside the read-model file otherwise.
    const scratchFile = this.config.mongoUrl ? undefined : `${this.config.readDbPath}.verify`;
    if (scratchFile !== undefined) removeSqliteFile(scratchFile);
    const scratch: ReadStore =
      scratchFile === undefined
        ? MongoReadStore.create({
            url: this.config.mongoUrl ?? '',
            dbName: this.config.mongoDatabase,
            collectionPrefix: 'verify__',
            compatibility: this.config.mongoCompatibility,
          })
        : SqliteReadStore.open({ path: scratchFile });
    try {
      await this.engine.settleDeferredWork(name);
      const result = await verifyProjection({
        eventStore: this.eventStore,
        live: this.store,
        scratch,
        projection,
        decodeEvent: (recorded) => this.catalogue.decode(recorded),
        decodeMetadataKeys: EventCatalogue.DECODE_METADATA_KEYS,
        maxDifferences: 100,
      });
      if (result.equal) await dropProjectionCopy(scratch, projection);
      return result;
    } finally {
      this.verifying = false;
      await scratch.close();
      if (scratchFile !== undefined) removeSqliteFile(scratchFile);
    }
  }

  private known(name: string): void {
    if (!this.engine.projectionNames.includes(name)) {
      throw new NotFoundError(`No projection named ${name}; the projections are: ${this.engine.projectionNames.join(', ')}`);
    }
  }
}

/** A SQLite file with its WAL and shared-memory companions (a crashed verification may have left them). */
function removeSqliteFile(path: string): void {
  for (const suffix of ['', '-wal', '-shm']) rmSync(`${path}${suffix}`, { force: true });
}

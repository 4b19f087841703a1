import { Controller, Get, HttpCode, Inject, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import { IllegalStateError, NotFoundError, ValidationError } from '@qms/domain-kernel';
import type { ProjectionsHost } from '@qms/projection-engine';
import { READ_STORE, type ReadStore } from '@qms/read-store';
import type { MonthlyReportMaterializer } from '@qms/reporting';
import { IsOptional, Matches } from 'class-validator';
import { Roles } from '../auth/auth.guard';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { MONTHLY_REPORT_MATERIALIZER, PROJECTION_ENGINE } from './read-side.tokens';
import { ApiJsonOk } from '../http/response-schemas';
import { ProjectionStatusListAnswer, ProjectionVerificationAnswer } from './read-side.answers';
import { verifyInThread } from './verification/projection-verification';

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
    if (this.verifying) throw new IllegalStateError('A verification is already running; try again when it has finished');
    this.verifying = true;
    try {
      await this.engine.settleDeferredWork(name);
      return await verifyInThread(this.config, name);
    } finally {
      this.verifying = false;
    }
  }

  private known(name: string): void {
    if (!this.engine.projectionNames.includes(name)) {
      throw new NotFoundError(`No projection named ${name}; the projections are: ${this.engine.projectionNames.join(', ')}`);
    }
  }
}

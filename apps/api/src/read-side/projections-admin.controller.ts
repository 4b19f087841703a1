import { Controller, Get, HttpCode, Inject, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import type { DomainEvent } from '@qms/domain-kernel';
import { ValidationError } from '@qms/domain-kernel';
import type { ProjectionEngine } from '@qms/projection-engine';
import { type MonthlyReportMaterializer, READ_STORE, type ReadStore } from '@qms/read-models';
import { IsOptional, Matches } from 'class-validator';
import { Roles } from '../auth/auth.guard';
import { MONTHLY_REPORT_MATERIALIZER, PROJECTION_ENGINE } from './read-side.tokens';

const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;

export class MonthRangeDto {
  @ApiPropertyOptional({ example: '2026-01' }) @IsOptional() @Matches(MONTH, { message: '$property must be YYYY-MM' }) from?: string;
  @ApiPropertyOptional({ example: '2026-12' }) @IsOptional() @Matches(MONTH, { message: '$property must be YYYY-MM' }) to?: string;
}

/** Operations on the read models: status, zero-downtime rebuilds, a month range of the report. */
@ApiTags('admin')
@ApiBearerAuth()
@Controller('admin/projections')
export class ProjectionsAdminController {
  constructor(
    @Inject(PROJECTION_ENGINE) private readonly engine: ProjectionEngine<DomainEvent>,
    @Inject(READ_STORE) private readonly store: ReadStore,
    @Inject(MONTHLY_REPORT_MATERIALIZER) private readonly materializer: MonthlyReportMaterializer,
  ) {}

  @Get()
  @Roles('admin', 'auditor')
  @ApiOperation({ summary: 'Position, lag and state of every projection, and any rebuild under way' })
  status() {
    return this.engine.status();
  }

  @Post(':name/rebuild')
  @HttpCode(202)
  @Roles('admin')
  @ApiOperation({ summary: 'Rebuild from the first event into a fresh copy while the current one serves, then switch' })
  rebuild(@Param('name') name: string) {
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
}

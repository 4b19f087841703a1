import { Controller, Get, Inject, Param, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { ValidationError } from '@qms/domain-kernel';
import { READ_STORE, type ReadStore } from '@qms/read-store';
import { MONTHLY_REPORT_PROJECTION, type MonthlyReportMaterializer, type SectionChoice } from '@qms/reporting';
import { IsIn, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import type { FastifyReply } from 'fastify';
import { awaitPosition, READ_MODEL_POSITIONS, type ReadModelPositions } from '../read-model-positions';
import { MONTHLY_REPORT_MATERIALIZER } from '../read-side.tokens';
import { QueryInteger } from '../../http/dto-validators';
import { ApiJsonOk } from '../../http/response-schemas';
import { MonthlyReportMonthAnswer, MonthlyReportRangeAnswer } from './monthly-report.answers';

/** A month of the plausible years (@qms/domain-kernel PLAUSIBLE_YEARS). */
const MONTH = /^(20[0-9]{2}|2100)-(0[1-9]|1[0-2])$/;
const MONTH_PATTERN = MONTH.source;

export class MonthlyReportQueryDto {
  @ApiPropertyOptional({ example: '2026-01', pattern: MONTH_PATTERN }) @IsOptional() @Matches(MONTH, { message: '$property must be YYYY-MM from 2000-01 to 2100-12' }) from?: string;
  @ApiPropertyOptional({ example: '2026-12', pattern: MONTH_PATTERN }) @IsOptional() @Matches(MONTH, { message: '$property must be YYYY-MM from 2000-01 to 2100-12' }) to?: string;
  @ApiPropertyOptional({ description: 'With this customer’s section (the total stays the whole company)' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  customerId?: string;
  @ApiPropertyOptional({
    enum: ['none', 'all'],
    default: 'none',
    description:
      'Customer sections to include: none (the total and customerIds only, a few kB), or all (about 2.8 kB per active customer). ' +
      'customerId= includes that customer’s section alone.',
  })
  @IsOptional()
  @IsIn(['none', 'all'])
  customers?: 'none' | 'all';
  @QueryInteger({ minimum: 0, description: "A command's position: wait until the report includes it" }) minPosition?: number;
}

/** The monthly quality/delivery report (每月品质(客户抱怨)及交期月报), per month, per customer and in total. */
@ApiTags('reports')
@ApiBearerAuth()
@Controller('reports/monthly')
export class MonthlyReportController {
  constructor(
    @Inject(READ_STORE) private readonly store: ReadStore,
    @Inject(READ_MODEL_POSITIONS) private readonly positions: ReadModelPositions,
    @Inject(MONTHLY_REPORT_MATERIALIZER) private readonly materializer: MonthlyReportMaterializer,
  ) {}

  @Get()
  @ApiJsonOk(MonthlyReportRangeAnswer)
  @ApiOperation({ summary: 'Reports of a month range (every KPI of the KPI dictionary with target and met flag)' })
  async range(@Query() query: MonthlyReportQueryDto, @Res({ passthrough: true }) reply: FastifyReply) {
    const position = await awaitPosition(this.positions, MONTHLY_REPORT_PROJECTION, query.minPosition);
    const to = query.to ?? query.from;
    const from = query.from ?? to;
    if (from === undefined || to === undefined) throw ValidationError.field('from', 'give from and/or to as YYYY-MM');
    if (from > to) throw ValidationError.field('from', 'must not be after to');
    const months = monthsFrom(from, to);
    if (months.length > 120) throw ValidationError.field('to', 'a range covers at most 120 months');
    const reports = [];
    for (const month of months) reports.push(await this.materializer.report(this.store, month, sectionsOf(query)));
    void reply.header('X-Read-Model-Position', String(position));
    return { position, readModel: this.positions.standingOf(MONTHLY_REPORT_PROJECTION), reports };
  }

  @Get(':month')
  @ApiJsonOk(MonthlyReportMonthAnswer)
  @ApiOperation({ summary: "One month's report" })
  async month(@Param('month') month: string, @Query() query: MonthlyReportQueryDto, @Res({ passthrough: true }) reply: FastifyReply) {
    if (!MONTH.test(month)) throw ValidationError.field('month', 'must be YYYY-MM');
    const position = await awaitPosition(this.positions, MONTHLY_REPORT_PROJECTION, query.minPosition);
    void reply.header('X-Read-Model-Position', String(position));
    return { position, readModel: this.positions.standingOf(MONTHLY_REPORT_PROJECTION), report: await this.materializer.report(this.store, month, sectionsOf(query)) };
  }
}

function sectionsOf(query: MonthlyReportQueryDto): SectionChoice {
  if (query.customerId !== undefined) return { customerId: query.customerId };
  return query.customers ?? 'none';
}

function monthsFrom(from: string, to: string): string[] {
  const months: string[] = [];
  let [year, month] = from.split('-').map(Number) as [number, number];
  for (let guard = 0; guard < 1000; guard++) {
    const key = `${year}-${String(month).padStart(2, '0')}`;
    months.push(key);
    if (key >= to) break;
    month += 1;
    if (month > 12) {
      month = 1;
      year += 1;
    }
  }
  return months;
}

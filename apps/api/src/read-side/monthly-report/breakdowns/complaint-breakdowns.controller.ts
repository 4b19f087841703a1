import { Controller, Get, Inject, Param, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { ValidationError } from '@qms/domain-kernel';
import { type Filter, READ_STORE, type ReadStore, type SortKey } from '@qms/read-store';
import {
  addMonths,
  calendarFor,
  COMPLAINTS_COLLECTION,
  type ComplaintDocument,
  isMonthKey,
  type MonthlyReportMaterializer,
  COMPLAINT_LISTS_PROJECTION,
  type ReportingConfig,
} from '@qms/reporting';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import type { FastifyReply } from 'fastify';
import { awaitPosition, READ_MODEL_POSITIONS, type ReadModelPositions } from '../../read-model-positions';
import { MONTHLY_REPORT_MATERIALIZER } from '../../read-side.tokens';
import { REPORTING_CONFIG } from '../../reporting-config.provider';
import { openAge, pareto, PARETO_DIMENSIONS, type ParetoDimension } from './complaint-breakdowns';
import { ApiJsonOk } from '../../../http/response-schemas';
import { OpenAgeAnswer, ParetoAnswer } from './complaint-breakdowns.answers';

class BreakdownQueryDto {
  @ApiPropertyOptional({ description: 'Only this customer’s complaints' }) @IsOptional() @IsString() @MaxLength(100) customerId?: string;
  @ApiPropertyOptional() @IsOptional() @Type(() => Number) @IsInt() @Min(0) minPosition?: number;
}

export class ParetoQueryDto extends BreakdownQueryDto {
  @ApiProperty({ enum: PARETO_DIMENSIONS }) @IsIn(PARETO_DIMENSIONS) by!: ParetoDimension;
  @ApiPropertyOptional({ description: 'Months ending with :month (1 = the month alone, 12 = the year to it)', default: 1 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(12)
  months?: number;
  @ApiPropertyOptional({ description: 'Items listed; the rest are summed as `others`', default: 20 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100)
  limit?: number;
}

export class OpenAgeQueryDto extends BreakdownQueryDto {}

/** Complaint fields each breakdown reads: twelve months are about 20,000 complaints of the benchmark history, whole documents 40 MB. */
const PARETO_FIELDS = ['customerId', 'partNo', 'description', 'quantityAffected', 'rootCause'] as const;
const OPEN_AGE_FIELDS = ['receivedAt', 'closedAt', 'severity'] as const;
type BreakdownComplaint<F extends keyof ComplaintDocument> = Pick<ComplaintDocument, '_id' | F>;

/**
 * The monthly meeting's drill-downs from the complaint list: a Pareto of the month's complaints
 * and the age of the 8Ds open at its end. Each reads the complaints with indexed queries bounded
 * by the month (received in it; open at its end), never the whole history.
 */
@ApiTags('reports')
@ApiBearerAuth()
@Controller('reports/monthly')
export class ComplaintBreakdownsController {
  constructor(
    @Inject(READ_STORE) private readonly store: ReadStore,
    @Inject(READ_MODEL_POSITIONS) private readonly positions: ReadModelPositions,
    @Inject(REPORTING_CONFIG) private readonly config: ReportingConfig,
    @Inject(MONTHLY_REPORT_MATERIALIZER) private readonly materializer: MonthlyReportMaterializer,
  ) {}

  @Get(':month/pareto')
  @ApiJsonOk(ParetoAnswer)
  @ApiOperation({ summary: 'Pareto of complaints received in the month (or the months to it) by defect, part, customer or cause category' })
  async pareto(@Param('month') month: string, @Query() query: ParetoQueryDto, @Res({ passthrough: true }) reply: FastifyReply) {
    checkMonth(month);
    const position = await awaitPosition(this.positions, COMPLAINT_LISTS_PROJECTION, query.minPosition);
    const calendar = calendarFor(this.config.timeZone);
    const months = query.months ?? 1;
    const from = addMonths(month, 1 - months);
    const start = calendar.bounds(from).start;
    const end = calendar.bounds(month).end;
    const complaints = this.read([{ ...customer(query), receivedAt: { gte: start, lt: end } }], query.customerId === undefined ? BY_RECEIPT : BY_CUSTOMER, PARETO_FIELDS);
    const result = pareto(await collect(complaints), query.by, query.limit ?? 20);
    void reply.header('X-Read-Model-Position', String(position));
    return { position, month, from, by: query.by, customerId: query.customerId ?? null, periodStart: start, periodEnd: end, ...result };
  }

  @Get(':month/open-age')
  @ApiJsonOk(OpenAgeAnswer)
  @ApiOperation({ summary: 'Complaints (8Ds) open at the end of the month by days open: 0–7, 8–14, 15–30, more than 30' })
  async openAge(@Param('month') month: string, @Query() query: OpenAgeQueryDto, @Res({ passthrough: true }) reply: FastifyReply) {
    checkMonth(month);
    const position = await awaitPosition(this.positions, COMPLAINT_LISTS_PROJECTION, query.minPosition);
    const end = calendarFor(this.config.timeZone).bounds(month).end;
    // Open at the end: not closed at all, or closed after it. A complaint closed after the end was
    // received at most the longest closure time before it, which bounds the second query's run.
    const longest = (await this.materializer.state(this.store)).longestClosedMs;
    const closedAfter = longest === null ? { gte: end } : { gte: end, lte: new Date(Date.parse(end) + longest).toISOString() };
    const complaints = this.read(
      [
        { ...customer(query), closedAt: { eq: null }, receivedAt: { lt: end } },
        { ...customer(query), closedAt: closedAfter, receivedAt: { lt: end } },
      ],
      [],
      OPEN_AGE_FIELDS,
    );
    const buckets = openAge(await collect(complaints), end);
    void reply.header('X-Read-Model-Position', String(position));
    return { position, month, customerId: query.customerId ?? null, asOf: end, open: buckets.reduce((sum, bucket) => sum + bucket.complaints, 0), buckets };
  }

  private async *read<F extends keyof ComplaintDocument>(filters: readonly Filter[], sort: readonly SortKey[], fields: readonly F[]): AsyncGenerator<BreakdownComplaint<F>> {
    const seen = new Set<string>();
    for (const filter of filters) {
      for await (const complaint of this.store.stream<BreakdownComplaint<F>>(COMPLAINTS_COLLECTION, { filter, fields, ...(sort.length > 0 ? { sort } : {}) })) {
        if (seen.has(complaint._id)) continue;
        seen.add(complaint._id);
        yield complaint;
      }
    }
  }
}

/** The complaint list's own indexes: by receipt, and by customer then receipt. */
const BY_RECEIPT: readonly SortKey[] = [{ field: 'receivedAt', direction: 'desc' }];
const BY_CUSTOMER: readonly SortKey[] = [
  { field: 'customerId', direction: 'asc' },
  { field: 'receivedAt', direction: 'desc' },
];

function customer(query: BreakdownQueryDto): Filter {
  return query.customerId === undefined ? {} : { customerId: { eq: query.customerId } };
}

function checkMonth(month: string): void {
  if (!isMonthKey(month)) throw ValidationError.field('month', 'must be YYYY-MM');
}

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const all: T[] = [];
  for await (const item of items) all.push(item);
  return all;
}

import { ApiPropertyOptional } from '@nestjs/swagger';
import { FORM_LANGUAGES, type FormLanguage } from '@qms/audit';
import { CHANNELS, SEVERITIES } from '@qms/complaint-domain';
import { IsIn, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { INSTANT_PATTERN, IsInstant, QueryInteger } from '../../http/dto-validators';
import { EXPORT_LISTS, type ExportList } from './complaint-export';

/** A month of the plausible years (@qms/domain-kernel PLAUSIBLE_YEARS). */
const MONTH = /^(20[0-9]{2}|2100)-(0[1-9]|1[0-2])$/;
const MONTH_MESSAGE = { message: '$property must be a month YYYY-MM from 2000-01 to 2100-12' };

export const COMPLAINT_SORTS = ['receivedAt', '-receivedAt', 'nextDueAt', '-nextDueAt', 'number', '-number', 'closedAt', '-closedAt'] as const;

/**
 * Every query parameter a reporting tool may send: typed and whitelisted, so nothing a client
 * sends can become a MongoDB operator (unknown parameters are refused with 400).
 */
export class ComplaintListQueryDto {
  @ApiPropertyOptional({ description: 'One customer; with a drill-down filter, the figure of that customer\'s section of the monthly report' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  customerId?: string;
  @ApiPropertyOptional({ enum: ['open', 'closed'] }) @IsOptional() @IsIn(['open', 'closed']) status?: 'open' | 'closed';
  @ApiPropertyOptional({ enum: SEVERITIES }) @IsOptional() @IsIn(SEVERITIES) severity?: string;
  @ApiPropertyOptional({ enum: CHANNELS }) @IsOptional() @IsIn(CHANNELS) channel?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(100) department?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(100) partNo?: string;
  @ApiPropertyOptional({ description: 'Received at or after (ISO-8601 with offset)', pattern: INSTANT_PATTERN })
  @IsOptional()
  @IsInstant()
  receivedFrom?: string;
  @ApiPropertyOptional({ description: 'Received before (ISO-8601 with offset)', pattern: INSTANT_PATTERN })
  @IsOptional()
  @IsInstant()
  receivedTo?: string;
  @ApiPropertyOptional({ enum: ['true'], description: 'Only complaints with a step past its deadline and not done, as of now' })
  @IsOptional()
  @IsIn(['true'], { message: '$property can only be true (omit it for every complaint)' })
  overdue?: 'true';
  @ApiPropertyOptional({
    example: '2026-03',
    pattern: MONTH.source,
    description:
      'Drill-down: complaints overdue at the end of this month (open then, with a containment, action-reply or action deadline passed and not done); ' +
      'the count is the monthly report\'s complaints.overdueAtEnd of that month (of the customer\'s section with customerId).',
  })
  @IsOptional()
  @Matches(MONTH, MONTH_MESSAGE)
  overdueAtEndOf?: string;
  @ApiPropertyOptional({
    example: '2026-03',
    pattern: MONTH.source,
    description:
      'Drill-down: repeat complaints received in this month (reopened, or same customer + part + cause category within the repeat window); ' +
      'the count is the monthly report\'s complaints.repeats.',
  })
  @IsOptional()
  @Matches(MONTH, MONTH_MESSAGE)
  repeatOf?: string;
  @ApiPropertyOptional({
    example: '2026-03',
    pattern: MONTH.source,
    description:
      'Drill-down: complaints received in this month whose containment was not recorded by its deadline (late, or not recorded); ' +
      'the count is the monthly report\'s complaints.received − complaints.containmentOnTime.',
  })
  @IsOptional()
  @Matches(MONTH, MONTH_MESSAGE)
  containmentLateIn?: string;
  @ApiPropertyOptional({ enum: COMPLAINT_SORTS, default: '-receivedAt' }) @IsOptional() @IsIn(COMPLAINT_SORTS)
  sort?: (typeof COMPLAINT_SORTS)[number];
  @QueryInteger({ minimum: 1, maximum: 500, default: 50 }) pageSize?: number;
  @ApiPropertyOptional({ description: 'nextCursor of the previous page', minLength: 1 }) @IsOptional() @IsString() @MaxLength(2000) cursor?: string;
  @QueryInteger({ minimum: 0, description: "A command's position: wait until the list includes it" })
  minPosition?: number;
}

export class ComplaintExportQueryDto extends ComplaintListQueryDto {
  @ApiPropertyOptional({ enum: ['csv', 'xlsx'], default: 'csv' }) @IsOptional() @IsIn(['csv', 'xlsx']) format?: 'csv' | 'xlsx';
  @ApiPropertyOptional({ enum: FORM_LANGUAGES, default: 'zh-CN', description: 'Column headers and values; without it, Accept-Language decides' })
  @IsOptional()
  @IsIn(FORM_LANGUAGES)
  lang?: FormLanguage;
  @ApiPropertyOptional({ enum: EXPORT_LISTS, default: 'master', description: 'The list a CSV holds; a workbook holds both, one sheet each' })
  @IsOptional()
  @IsIn(EXPORT_LISTS)
  list?: ExportList;
}

import { ApiPropertyOptional } from '@nestjs/swagger';
import { FORM_LANGUAGES, type FormLanguage } from '@qms/audit';
import { CHANNELS, SEVERITIES } from '@qms/complaint-domain';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import { INSTANT } from '../../http/dto-validators';
import { EXPORT_LISTS, type ExportList } from './complaint-export';

const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;
const MONTH_MESSAGE = { message: '$property must be a month YYYY-MM' };

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
  @ApiPropertyOptional({ description: 'Received at or after (ISO-8601 with offset)' })
  @IsOptional()
  @Matches(INSTANT, { message: '$property must be an ISO-8601 date-time with an offset or Z' })
  receivedFrom?: string;
  @ApiPropertyOptional({ description: 'Received before (ISO-8601 with offset)' })
  @IsOptional()
  @Matches(INSTANT, { message: '$property must be an ISO-8601 date-time with an offset or Z' })
  receivedTo?: string;
  @ApiPropertyOptional({ enum: ['true'], description: 'Only complaints with a step past its deadline and not done, as of now' })
  @IsOptional()
  @IsIn(['true'], { message: '$property can only be true (omit it for every complaint)' })
  overdue?: 'true';
  @ApiPropertyOptional({
    example: '2026-03',
    description:
      'Drill-down: complaints overdue at the end of this month (open then, with a containment, action-reply or action deadline passed and not done); ' +
      'the count is the monthly report\'s complaints.overdueAtEnd of that month (of the customer\'s section with customerId).',
  })
  @IsOptional()
  @Matches(MONTH, MONTH_MESSAGE)
  overdueAtEndOf?: string;
  @ApiPropertyOptional({
    example: '2026-03',
    description:
      'Drill-down: repeat complaints received in this month (reopened, or same customer + part + cause category within the repeat window); ' +
      'the count is the monthly report\'s complaints.repeats.',
  })
  @IsOptional()
  @Matches(MONTH, MONTH_MESSAGE)
  repeatOf?: string;
  @ApiPropertyOptional({
    example: '2026-03',
    description:
      'Drill-down: complaints received in this month whose containment was not recorded by its deadline (late, or not recorded); ' +
      'the count is the monthly report\'s complaints.received − complaints.containmentOnTime.',
  })
  @IsOptional()
  @Matches(MONTH, MONTH_MESSAGE)
  containmentLateIn?: string;
  @ApiPropertyOptional({ enum: COMPLAINT_SORTS, default: '-receivedAt' }) @IsOptional() @IsIn(COMPLAINT_SORTS)
  sort?: (typeof COMPLAINT_SORTS)[number];
  @ApiPropertyOptional({ default: 50, maximum: 500 }) @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(500) pageSize?: number;
  @ApiPropertyOptional({ description: 'nextCursor of the previous page' }) @IsOptional() @IsString() @MaxLength(2000) cursor?: string;
  @ApiPropertyOptional({ description: "A command's position: wait until the list includes it" })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
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

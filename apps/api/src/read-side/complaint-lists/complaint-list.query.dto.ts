import { ApiPropertyOptional } from '@nestjs/swagger';
import { FORM_LANGUAGES, type FormLanguage } from '@qms/audit';
import { CHANNELS, SEVERITIES } from '@qms/complaint-domain';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import { INSTANT } from '../../http/dto-validators';
import { EXPORT_LISTS, type ExportList } from './complaint-export';

export const COMPLAINT_SORTS = ['receivedAt', '-receivedAt', 'nextDueAt', '-nextDueAt', 'number', '-number', 'closedAt', '-closedAt'] as const;

/**
 * Every query parameter a reporting tool may send: typed and whitelisted, so nothing a client
 * sends can become a MongoDB operator (unknown parameters are refused with 400).
 */
export class ComplaintListQueryDto {
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(100) customerId?: string;
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

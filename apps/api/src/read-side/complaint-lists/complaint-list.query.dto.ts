import { ApiPropertyOptional } from '@nestjs/swagger';
import { FORM_LANGUAGES, type FormLanguage } from '@qms/audit';
import { CHANNELS, SEVERITIES } from '@qms/complaint-domain';
import { IsIn, IsOptional, IsString, MaxLength } from 'class-validator';
import { INSTANT_PATTERN, IsInstant, QueryInteger } from '../../http/dto-validators';
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

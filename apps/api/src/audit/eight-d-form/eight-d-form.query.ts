import { ApiPropertyOptional } from '@nestjs/swagger';
import { AS_OF_BASES, FORM_LANGUAGES, type AsOfBasis, type FormLanguage } from '@qms/audit';
import { IsIn, IsOptional, IsString, Matches } from 'class-validator';
import { INSTANT } from '../../http/dto-validators';

export const EIGHT_D_FORM_FORMATS = ['html', 'xlsx'] as const;
export type EightDFormFormat = (typeof EIGHT_D_FORM_FORMATS)[number];

export class EightDFormQuery {
  @ApiPropertyOptional({ enum: EIGHT_D_FORM_FORMATS, default: 'html' })
  @IsOptional()
  @IsIn(EIGHT_D_FORM_FORMATS)
  format?: EightDFormFormat;

  @ApiPropertyOptional({ enum: FORM_LANGUAGES, default: 'zh-CN', description: 'Language of the labels; without it, Accept-Language decides' })
  @IsOptional()
  @IsIn(FORM_LANGUAGES)
  lang?: FormLanguage;

  @ApiPropertyOptional({ description: 'The report as it stood at this instant (offset or Z)', example: '2026-11-22T00:00:00+08:00' })
  @IsOptional()
  @IsString()
  @Matches(INSTANT, { message: '$property must be an ISO-8601 date-time with an offset or Z' })
  at?: string;

  @ApiPropertyOptional({
    enum: AS_OF_BASES,
    default: 'recorded',
    description: 'With at: recorded (what the record showed then) or business (what had happened by then, as known today)',
  })
  @IsOptional()
  @IsIn(AS_OF_BASES)
  basis?: AsOfBasis;
}

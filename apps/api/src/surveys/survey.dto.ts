import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { SURVEY_DIMENSIONS } from '@qms/survey-domain';
import { PLAUSIBLE_YEARS } from '@qms/domain-kernel';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsNumber,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  ValidateNested,
} from 'class-validator';
import { DATE_PATTERN, IsCalendarDate, IsPlausibleDate, OccurredAt, OneOf, OptionalText, QueryInteger, Text } from '../http/dto-validators';

export const PERIOD_ID = /^\d{4}-[A-Z0-9]{1,10}$/;

export class SurveyCustomerDto {
  @Text(100, 'ACME') customerId!: string;
  @ApiProperty({ example: '2019-04-01', description: 'Start of the business relationship', pattern: '^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$' })
  @IsString()
  @IsCalendarDate()
  relationshipStart!: string;
}

export class IssueSurveyDto {
  @ApiProperty({ example: '2026-H1', description: '<year>-<period code of the survey calendar>' })
  @IsString()
  @Matches(PERIOD_ID, { message: '$property must be <year>-<code>, e.g. 2026-H1' })
  periodId!: string;
  @ApiPropertyOptional({
    type: [SurveyCustomerDto],
    minItems: 1,
    maxItems: 5000,
    description:
      'Customers with relationship starts; when absent, surveys.customers of the policy file. Customers of less than a year are excluded (regular contact).',
  })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(5000)
  @ValidateNested({ each: true })
  @Type(() => SurveyCustomerDto)
  customers?: SurveyCustomerDto[];
  @OccurredAt() occurredAt?: string;
}

/** Scores per dimension; the allowed range is the scale recorded when the survey was issued. */
export class SurveyScoresDto {
  @ApiPropertyOptional() @IsOptional() @IsNumber() personnel_service?: number;
  @ApiPropertyOptional() @IsOptional() @IsNumber() complaint_handling?: number;
  @ApiPropertyOptional() @IsOptional() @IsNumber() quality?: number;
  @ApiPropertyOptional() @IsOptional() @IsNumber() delivery?: number;
  @ApiPropertyOptional() @IsOptional() @IsNumber() price?: number;
}

export class RespondentDto {
  @Text(200, 'Li Wei') name!: string;
  @OptionalText(200) title?: string | null;
}

class SurveyAnswerDto {
  @ApiProperty({ type: SurveyScoresDto })
  @IsObject()
  @ValidateNested()
  @Type(() => SurveyScoresDto)
  scores!: SurveyScoresDto;
  @OptionalText(4000) comments?: string | null;
  @ApiProperty({ type: RespondentDto })
  @IsObject()
  @ValidateNested()
  @Type(() => RespondentDto)
  respondent!: RespondentDto;
  @OccurredAt() occurredAt?: string;
}

export class RecordSurveyResponseDto extends SurveyAnswerDto {
  @Text(100, 'ACME') customerId!: string;
}

export class CorrectSurveyResponseDto extends SurveyAnswerDto {
  @Text(4000) reason!: string;
}

export class AssignCountermeasureDto {
  @Text(100, 'ACME') customerId!: string;
  @OneOf(SURVEY_DIMENSIONS) dimension!: string;
  @Text(100, 'assembly') department!: string;
  @Text(4000) description!: string;
  @ApiProperty({ example: '2026-09-30', pattern: DATE_PATTERN }) @IsString() @IsPlausibleDate() dueDate!: string;
  @OccurredAt() occurredAt?: string;
}

export class ApproveCountermeasureDto {
  @OptionalText(4000) note?: string | null;
  @OccurredAt() occurredAt?: string;
}

export class CloseSurveyPeriodDto {
  @OccurredAt() occurredAt?: string;
}

export class SurveyCalendarQueryDto {
  @QueryInteger({ minimum: PLAUSIBLE_YEARS.min, maximum: PLAUSIBLE_YEARS.max, required: true }) year!: number;
}

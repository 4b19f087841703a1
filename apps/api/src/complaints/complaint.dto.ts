import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ANALYSIS_METHODS,
  CAUSE_CATEGORIES,
  CHANNELS,
  RESPONSIBILITIES,
  SEVERITIES,
} from '@qms/complaint-domain';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsNotEmpty,
  IsObject,
  IsOptional,
  IsString,
  MaxLength,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { Count, INSTANT_OR_DATE_PATTERN, Instant, IsInstantOrDate, OccurredAt, OneOf, OptionalCount, OptionalInstant, OptionalText, Text } from '../http/dto-validators';

export class RegisterComplaintDto {
  @Text(100, 'ACME') customerId!: string;
  @Text(200) customerContact!: string;
  @Text(100) partNo!: string;
  @Text(100) lot!: string;
  @Text(4000) defectDescription!: string;
  @Count(1) quantityAffected!: number;
  @OneOf(SEVERITIES) severity!: string;
  @OneOf(CHANNELS) channel!: string;
  @Instant('When the customer complaint arrived (business time; may be earlier than now, never later)') receivedAt!: string;
  @ApiProperty() @IsBoolean() returnNeeded!: boolean;
  @ApiProperty({ description: "Whether the customer's production or delivery is affected" }) @IsBoolean()
  customerProductionAffected!: boolean;
  @OptionalInstant("The customer's required deadline for the action reply") customerDeadline?: string | null;
  @OccurredAt() occurredAt?: string;
}

export class AssignComplaintDto {
  @Text(100, 'assembly') department!: string;
  @OccurredAt() occurredAt?: string;
}

export class RecordContainmentDto {
  @Text(4000) description!: string;
  @OptionalCount(0) quantitySecured?: number | null;
  @OccurredAt() occurredAt?: string;
}

export class RecordRootCauseDto {
  @OneOf(CAUSE_CATEGORIES) category!: string;
  @OneOf(ANALYSIS_METHODS) method!: string;
  @Text(4000) description!: string;
  @Text(4000) departmentExplanation!: string;
  @OptionalText(4000) escapeDescription?: string | null;
  @OccurredAt() occurredAt?: string;
}

export class DecideResponsibilityDto {
  @OneOf(RESPONSIBILITIES) responsibility!: string;
  @Text(4000) explanation!: string;
  @OptionalCount(0, 'The corrected quantity affected')
  quantityAffected?: number | null;
  @OccurredAt() occurredAt?: string;
}

/** IATF 10.2.3: a PFMEA / control plan either was revised (name the revision) or why not. */
export class DocumentRevisionDto {
  @ApiProperty() @IsBoolean() revised!: boolean;
  @ApiPropertyOptional() @ValidateIf((dto: DocumentRevisionDto) => dto.revised === true) @IsString() @IsNotEmpty() @MaxLength(200)
  revision?: string;
  @ApiPropertyOptional() @ValidateIf((dto: DocumentRevisionDto) => dto.revised === false) @IsString() @IsNotEmpty() @MaxLength(2000)
  reason?: string;
}

class PlanActionDto {
  @Text(4000) description!: string;
  @Text(200) owner!: string;
  @ApiProperty({ description: 'Instant, or a local date meaning the end of that day', example: '2026-12-15', pattern: INSTANT_OR_DATE_PATTERN })
  @IsString()
  @IsInstantOrDate()
  dueAt!: string;
  @OccurredAt() occurredAt?: string;
}

export class PlanCorrectiveActionDto extends PlanActionDto {
  @ApiProperty({ type: [String] }) @IsArray() @ArrayMaxSize(100) @IsString({ each: true }) similarProductsCovered!: string[];
  @ApiProperty({ type: [String] }) @IsArray() @ArrayMaxSize(100) @IsString({ each: true }) similarProcessesCovered!: string[];
  @OptionalText(2000) noSimilarItemsReason?: string | null;
  @ApiProperty({ type: DocumentRevisionDto }) @IsObject() @ValidateNested() @Type(() => DocumentRevisionDto) pfmea!: DocumentRevisionDto;
  @ApiProperty({ type: DocumentRevisionDto }) @IsObject() @ValidateNested() @Type(() => DocumentRevisionDto) controlPlan!: DocumentRevisionDto;
}

export class PlanPreventiveActionDto extends PlanActionDto {
  @ApiPropertyOptional({ type: [String] }) @IsOptional() @IsArray() @ArrayMaxSize(100) @IsString({ each: true })
  similarProductsCovered?: string[];
  @ApiPropertyOptional({ type: [String] }) @IsOptional() @IsArray() @ArrayMaxSize(100) @IsString({ each: true })
  similarProcessesCovered?: string[];
  @ApiPropertyOptional({ type: DocumentRevisionDto }) @IsOptional() @ValidateNested() @Type(() => DocumentRevisionDto)
  pfmea?: DocumentRevisionDto | null;
  @ApiPropertyOptional({ type: DocumentRevisionDto }) @IsOptional() @ValidateNested() @Type(() => DocumentRevisionDto)
  controlPlan?: DocumentRevisionDto | null;
}

export class ReasonDto {
  @Text(4000) reason!: string;
  @OccurredAt() occurredAt?: string;
}

/** §6.3.2: the customer's new facts go to the new complaint; whatever is left out is copied. */
export class ReopenComplaintDto extends ReasonDto {
  @OptionalCount(1, "The customer's new quantity affected") quantityAffected?: number | null;
  @OptionalText(100) lot?: string | null;
  @OptionalText(4000) defectDescription?: string | null;
  @OptionalInstant("The customer's new deadline for the action reply") customerDeadline?: string | null;
}

export class CommentDto {
  @OptionalText(4000) comment?: string | null;
  @OccurredAt() occurredAt?: string;
}

export class OccurredAtDto {
  @OccurredAt() occurredAt?: string;
}

export class CompleteActionDto {
  @Text(4000) evidence!: string;
  @OccurredAt() occurredAt?: string;
}

export class VerifyActionDto {
  @ApiProperty({ enum: ['effective', 'not_effective', 'not_completed'] }) @IsIn(['effective', 'not_effective', 'not_completed'])
  result!: string;
  @ApiPropertyOptional({ type: 'string', description: 'Required unless effective: the new improvement date', nullable: true, pattern: INSTANT_OR_DATE_PATTERN })
  @ValidateIf((dto: VerifyActionDto) => dto.result !== 'effective' || (dto.newDueAt !== undefined && dto.newDueAt !== null))
  @IsString()
  @IsInstantOrDate()
  newDueAt?: string | null;
  @OptionalText(4000) comment?: string | null;
  @OccurredAt() occurredAt?: string;
}

export class ApproveDecisionDto {
  @Text(4000) decision!: string;
  @OccurredAt() occurredAt?: string;
}

export class CustomerReplyDto {
  @Text(8000) message!: string;
  @OccurredAt() occurredAt?: string;
}

export class CloseComplaintDto {
  @OptionalText(4000) remarks?: string | null;
  @OccurredAt() occurredAt?: string;
}

import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  DISPOSITION_SOURCES,
  RETURN_DISPOSITIONS,
  RETURN_RESPONSIBILITIES,
  REWORK_INSTRUCTIONS,
} from '@qms/return-domain';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsOptional,
  IsString,
  ValidateNested,
} from 'class-validator';
import { Count, DATE_PATTERN, IsPlausibleDate, OccurredAt, OneOf, OptionalCount, OptionalText, Text } from '../http/dto-validators';


export class ReturnedItemDto {
  @Count(1, 'Line of the receiving note, unique within the return')
  itemNo!: number;
  @Text(100, 'M-4711') materialNo!: string;
  @Count(1) quantity!: number;
}

export class ReceiveReturnDto {
  @Text(100, 'RN-2026-0042') receivingNoteNo!: string;
  @Text(100, 'ACME') customerId!: string;
  @ApiProperty({ type: [ReturnedItemDto] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(500)
  @ValidateNested({ each: true })
  @Type(() => ReturnedItemDto)
  items!: ReturnedItemDto[];
  @OptionalText(100) complaintNumber?: string | null;
  @ApiPropertyOptional({ description: 'Periodic/bulk return (统退货): never linked to a complaint' })
  @IsOptional()
  @IsBoolean()
  periodicBulk?: boolean;
  @ApiPropertyOptional({ description: 'The customer urgently needs replacement product (§6.1.5)' })
  @IsOptional()
  @IsBoolean()
  urgentNeed?: boolean;
  @OccurredAt() occurredAt?: string;
}

export class InspectedItemDto {
  @Count(1) itemNo!: number;
  @Count(0, '0 = no trouble found on this item')
  defectiveQuantity!: number;
}

export class InspectReturnDto {
  @ApiProperty({ type: [InspectedItemDto], description: 'Every received item, each once' })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(500)
  @ValidateNested({ each: true })
  @Type(() => InspectedItemDto)
  items!: InspectedItemDto[];
  @ApiPropertyOptional({
    type: 'string',
    enum: RETURN_RESPONSIBILITIES,
    nullable: true,
    description: 'Required when something is defective; absent when nothing is',
  })
  @IsOptional()
  @IsIn(RETURN_RESPONSIBILITIES)
  responsibility?: string | null;
  @Text(4000) findings!: string;
  @OccurredAt() occurredAt?: string;
}

export class DispositionReturnItemDto {
  @Count(1) itemNo!: number;
  @Count(1) quantity!: number;
  @OneOf(RETURN_DISPOSITIONS) disposition!: string;
  @ApiPropertyOptional({ enum: DISPOSITION_SOURCES, description: 'Defaults to received' })
  @IsOptional()
  @IsIn(DISPOSITION_SOURCES)
  source?: string;
  @ApiPropertyOptional({
    type: 'string',
    enum: REWORK_INSTRUCTIONS,
    nullable: true,
    description: 'Rework only: repair, or 100 % inspection',
  })
  @IsOptional()
  @IsIn(REWORK_INSTRUCTIONS)
  reworkInstruction?: string | null;
  @OptionalText(100) concessionReference?: string | null;
  @OptionalText(100) nonconformingReportNo?: string | null;
  @OptionalText(4000) note?: string | null;
  @OccurredAt() occurredAt?: string;
}

export class IssueReworkOrderDto {
  @Text(100, 'RW-2026-0007') reworkOrderNo!: string;
  @OccurredAt() occurredAt?: string;
}

export class CompleteReworkDto {
  @Count(0) passedQuantity!: number;
  @Count(0) failedQuantity!: number;
  @OccurredAt() occurredAt?: string;
}

export class ArchiveFailureAnalysisDto {
  @Text(100, 'FA-2026-0031') reportReference!: string;
  @Text(4000) conclusion!: string;
  @OccurredAt() occurredAt?: string;
}

export class CheckStockDto {
  @Text(100) materialNo!: string;
  @Count(1) requiredQuantity!: number;
  @Count(0) availableQuantity!: number;
  @OccurredAt() occurredAt?: string;
}

export class ConfirmStockDto {
  @Text(100) materialNo!: string;
  @Count(0) confirmedAvailableQuantity!: number;
  @OccurredAt() occurredAt?: string;
}

export class RequestEmergencyProductionDto {
  @Text(100) materialNo!: string;
  @OptionalCount(1, 'Defaults to the confirmed shortage; may be more, never less')
  quantity?: number;
  @ApiPropertyOptional({ type: 'string', example: '2026-04-10', nullable: true, pattern: DATE_PATTERN })
  @IsOptional()
  @IsString()
  @IsPlausibleDate()
  neededBy?: string | null;
  @OccurredAt() occurredAt?: string;
}

export class CreditReturnDto {
  @Text(100, 'CN-2026-0012') creditNoteNo!: string;
  @Count(1) creditedQuantity!: number;
  @OptionalText(4000) note?: string | null;
  @OccurredAt() occurredAt?: string;
}

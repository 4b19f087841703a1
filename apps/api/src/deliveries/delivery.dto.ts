import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  IsBoolean,
  IsIn,
  IsNotEmpty,
  IsNotEmptyObject,
  IsOptional,
  IsString,
  MaxLength,
  ValidateNested,
} from 'class-validator';
import { Count, DATE_PATTERN, INSTANT_PATTERN, Instant, IsInstant, IsPlausibleDate, OccurredAt, OptionalCount, Text } from '../http/dto-validators';
import { DELIVERY_IMPORT_MODES } from './delivery-importer';


/** One delivered order line as the ERP reports it; order + line is its identity. */
export class RecordDeliveryDto {
  @Text(100, 'ACME') customerId!: string;
  @Text(100, 'SO-1001') orderNo!: string;
  @Text(100, '10') lineNo!: string;
  @Text(100, 'P-100') partNo!: string;
  @Count(1) quantity!: number;
  @ApiProperty({ example: '2026-03-05', description: 'Promised (confirmed) date', pattern: DATE_PATTERN })
  @IsString()
  @IsPlausibleDate()
  promisedDate!: string;
  @Instant('When the goods were delivered; never in the future') deliveredAt!: string;
  @ApiPropertyOptional({ default: false }) @IsOptional() @IsBoolean() premiumFreight?: boolean;
}

export class DeliveryChangesDto {
  @ApiPropertyOptional({ minLength: 1, maxLength: 100 })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(100)
  customerId?: string;
  @ApiPropertyOptional({ minLength: 1, maxLength: 100 })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(100)
  partNo?: string;
  @OptionalCount(1) quantity?: number;
  @ApiPropertyOptional({ example: '2026-03-06', pattern: DATE_PATTERN })
  @IsOptional()
  @IsString()
  @IsPlausibleDate()
  promisedDate?: string;
  @ApiPropertyOptional({ example: '2026-03-06T08:30:00+08:00', pattern: INSTANT_PATTERN })
  @IsOptional()
  @IsString()
  @IsInstant()
  deliveredAt?: string;
  @ApiPropertyOptional() @IsOptional() @IsBoolean() premiumFreight?: boolean;
}

/** Changes facts of a recorded line; the reason is kept for the audit trail. */
export class CorrectDeliveryDto {
  @Text(100, 'SO-1001') orderNo!: string;
  @Text(100, '10') lineNo!: string;
  @ApiProperty({ type: DeliveryChangesDto, description: 'Only the facts that change' })
  @IsNotEmptyObject({ nullable: false }, { message: '$property must name at least one fact to correct' })
  @ValidateNested()
  @Type(() => DeliveryChangesDto)
  changes!: DeliveryChangesDto;
  @Text(4000) reason!: string;
  @OccurredAt() occurredAt?: string;
}

export class DeliveryImportQueryDto {
  @ApiPropertyOptional({
    enum: DELIVERY_IMPORT_MODES,
    default: 'all-or-nothing',
    description:
      'all-or-nothing: check every row first (fields, conflicts with recorded lines, duplicates within the file) and import only a clean file; ' +
      'validate: the same check, nothing imported; good-rows: import the good rows, report the bad ones',
  })
  @IsOptional()
  @IsIn(DELIVERY_IMPORT_MODES)
  mode?: (typeof DELIVERY_IMPORT_MODES)[number];
}

export class RejectedRowResponse {
  @ApiProperty({ description: 'Line number as an editor shows it (1 = header)' }) line!: number;
  @ApiProperty({ type: [String] }) errors!: string[];
}

export class DeliveryImportResponse {
  @ApiProperty({ enum: DELIVERY_IMPORT_MODES }) mode!: string;
  @ApiProperty({ description: 'Rows read after the header' }) rows!: number;
  @ApiProperty({ description: 'Deliveries appended' }) imported!: number;
  @ApiProperty({
    description:
      'Order lines already recorded with the same facts (or repeated in the file): nothing appended',
  })
  alreadyPresent!: number;
  @ApiPropertyOptional({ description: 'validate mode: what a real import would append' }) toImport?: number;
  @ApiProperty({ type: [RejectedRowResponse], description: 'Every bad line with every problem on it' })
  rejected!: RejectedRowResponse[];
  @ApiProperty({ description: 'False when nothing was written (validate, or all-or-nothing with bad rows)' })
  committed!: boolean;
}

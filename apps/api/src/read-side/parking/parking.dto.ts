import { ApiProperty } from '@nestjs/swagger';
import { IsInt, IsString, Max, MaxLength, Min, MinLength } from 'class-validator';

export class ParkEventDto {
  @ApiProperty({ type: 'integer', minimum: 1, maximum: Number.MAX_SAFE_INTEGER, description: 'Global position of the event the projection is stopped on', example: 2 })
  @IsInt()
  @Min(1)
  @Max(Number.MAX_SAFE_INTEGER)
  position!: number;

  @ApiProperty({ minLength: 1, maxLength: 2000, description: 'Why the read model may go on without it (kept in the audit history)', example: 'Imported by an old tool without containment data; see NCR-2026-014' })
  @IsString()
  @MinLength(1)
  @MaxLength(2000)
  reason!: string;
}

export class UnparkEventDto {
  @ApiProperty({ minLength: 1, maxLength: 2000, description: 'Why the event comes back (e.g. the code now applies it); rebuild the projection afterwards', example: 'Fixed in release 2.4' })
  @IsString()
  @MinLength(1)
  @MaxLength(2000)
  reason!: string;
}

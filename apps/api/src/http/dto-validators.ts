import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsNotEmpty, IsOptional, IsString, Matches, MaxLength } from 'class-validator';

/** An instant with an explicit offset: a local time without a zone names no single moment. */
export const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;
/** An instant, or a local date meaning the end of that day in the complaint's time zone. */
export const INSTANT_OR_DATE = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2}))?$/;

export function Text(maxLength = 2000, example?: string) {
  return applyDecorators(ApiProperty({ maxLength, ...(example ? { example } : {}) }), IsString(), IsNotEmpty(), MaxLength(maxLength));
}

export function OptionalText(maxLength = 2000) {
  return applyDecorators(ApiPropertyOptional({ maxLength, nullable: true }), IsOptional(), IsString(), MaxLength(maxLength));
}

export function Instant(description: string) {
  return applyDecorators(
    ApiProperty({ description, example: '2026-11-20T09:00:00+08:00' }),
    IsString(),
    Matches(INSTANT, { message: '$property must be an ISO-8601 date-time with an offset or Z' }),
  );
}

export function OptionalInstant(description: string) {
  return applyDecorators(
    ApiPropertyOptional({ description, nullable: true }),
    IsOptional(),
    IsString(),
    Matches(INSTANT, { message: '$property must be an ISO-8601 date-time with an offset or Z' }),
  );
}

/** Business time of the step; defaults to the time the request is received. */
export function OccurredAt() {
  return OptionalInstant('Business time of the step (may be back-dated, never in the future); defaults to now');
}

export function OneOf(values: readonly string[]) {
  return applyDecorators(ApiProperty({ enum: values }), IsIn(values as string[]));
}

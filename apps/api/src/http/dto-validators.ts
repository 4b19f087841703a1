import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { dateProblem, instantProblem, isCalendarDate, MAX_QUANTITY } from '@qms/domain-kernel';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsNotEmpty, IsOptional, IsString, Max, MaxLength, Min, ValidateBy } from 'class-validator';

/*
 * The field kinds every DTO is made of. Calendar, range and quantity rules come from
 * @qms/domain-kernel, so a request is refused here with the same words the domain would use.
 */

/** An instant with an explicit offset: a local time without a zone names no single moment. */
export const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;
/** An instant, or a local date meaning the end of that day in the complaint's time zone. */
export const INSTANT_OR_DATE = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2}))?$/;

function ruleDecorator(name: string, problem: (value: unknown) => string | null) {
  return ValidateBy({
    name,
    validator: {
      validate: (value: unknown) => problem(value) === null,
      defaultMessage: (args) => `${args?.property ?? 'value'} ${problem(args?.value) ?? 'is invalid'}`,
    },
  });
}

/** A real instant (no hour 25, no 30 February, offset within ±14:00) in a plausible year. */
export const IsInstant = () => ruleDecorator('isInstant', instantProblem);
/** A real calendar day YYYY-MM-DD in a plausible year. */
export const IsPlausibleDate = () => ruleDecorator('isPlausibleDate', dateProblem);
/** A real calendar day, any year: facts from before these records began (a customer since 1998). */
export const IsCalendarDate = () =>
  ruleDecorator('isCalendarDate', (value) => (isCalendarDate(value) ? null : 'must be a calendar date YYYY-MM-DD'));
/** A calendar day (end of that day in the local zone) or an instant. */
export const IsInstantOrDate = () =>
  ruleDecorator('isInstantOrDate', (value) =>
    typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value) ? dateProblem(value) : instantProblem(value),
  );

/*
 * The same rules written as patterns for the OpenAPI document, so that a client (or a fuzzer)
 * reading it knows that 30 February, hour 25, +25:00 and year 1 are refused.
 */
const YEAR = '(?:20[0-9]{2}|2100)';
const LEAP_YEAR = '20(?:[02468][048]|[13579][26])';
const MONTH_DAY = '(?:(?:0[13578]|1[02])-(?:0[1-9]|[12][0-9]|3[01])|(?:0[469]|11)-(?:0[1-9]|[12][0-9]|30)|02-(?:0[1-9]|1[0-9]|2[0-8]))';
const PLAUSIBLE_DATE = `(?:${YEAR}-${MONTH_DAY}|${LEAP_YEAR}-02-29)`;
const TIME_AND_OFFSET = 'T(?:[01][0-9]|2[0-3]):[0-5][0-9](?::[0-5][0-9](?:\\.[0-9]{1,9})?)?(?:Z|[+-](?:(?:0[0-9]|1[0-3]):[0-5][0-9]|14:00))';
export const INSTANT_PATTERN = `^${PLAUSIBLE_DATE}${TIME_AND_OFFSET}$`;
export const DATE_PATTERN = `^${PLAUSIBLE_DATE}$`;
export const INSTANT_OR_DATE_PATTERN = `^${PLAUSIBLE_DATE}(?:${TIME_AND_OFFSET})?$`;
const INSTANT_SCHEMA = { type: 'string', pattern: INSTANT_PATTERN } as const;

export function Text(maxLength = 2000, example?: string) {
  return applyDecorators(ApiProperty({ maxLength, minLength: 1, ...(example ? { example } : {}) }), IsString(), IsNotEmpty(), MaxLength(maxLength));
}

export function OptionalText(maxLength = 2000) {
  return applyDecorators(ApiPropertyOptional({ type: 'string', maxLength, nullable: true }), IsOptional(), IsString(), MaxLength(maxLength));
}

export function Instant(description: string) {
  return applyDecorators(
    ApiProperty({ ...INSTANT_SCHEMA, description, example: '2026-11-20T09:00:00+08:00' }),
    IsString(),
    IsInstant(),
  );
}

export function OptionalInstant(description: string) {
  return applyDecorators(
    ApiPropertyOptional({ ...INSTANT_SCHEMA, description, nullable: true, example: '2026-11-20T09:00:00+08:00' }),
    IsOptional(),
    IsString(),
    IsInstant(),
  );
}

/** An optional instant in a query string (no null there: a parameter is given or not). */
export function InstantQuery(description: string) {
  return applyDecorators(
    ApiPropertyOptional({ ...INSTANT_SCHEMA, description, example: '2026-11-01T00:00:00+08:00' }),
    IsOptional(),
    IsString(),
    IsInstant(),
  );
}

export function LocalDate(description: string, example = '2026-03-05') {
  return applyDecorators(ApiProperty({ type: 'string', pattern: DATE_PATTERN, description, example }), IsString(), IsPlausibleDate());
}

export function OptionalLocalDate(description: string, example = '2026-03-05') {
  return applyDecorators(
    ApiPropertyOptional({ type: 'string', pattern: DATE_PATTERN, description, example }),
    IsOptional(),
    IsString(),
    IsPlausibleDate(),
  );
}

/** A deadline: a local date (end of that day in the complaint's zone) or an instant. */
export function InstantOrDate(description: string) {
  return applyDecorators(
    ApiProperty({ type: 'string', pattern: INSTANT_OR_DATE_PATTERN, description, example: '2026-12-15' }),
    IsString(),
    IsInstantOrDate(),
  );
}

/** Counted pieces, bounded by MAX_QUANTITY (see @qms/domain-kernel for why). */
export function Count(min: 0 | 1 = 1, description?: string) {
  return applyDecorators(
    ApiProperty({ type: 'integer', minimum: min, maximum: MAX_QUANTITY, ...(description ? { description } : {}) }),
    IsInt(),
    Min(min),
    Max(MAX_QUANTITY),
  );
}

export function OptionalCount(min: 0 | 1 = 1, description?: string) {
  return applyDecorators(
    ApiPropertyOptional({ type: 'integer', minimum: min, maximum: MAX_QUANTITY, nullable: true, ...(description ? { description } : {}) }),
    IsOptional(),
    IsInt(),
    Min(min),
    Max(MAX_QUANTITY),
  );
}

/** Business time of the step; defaults to the time the request is received. */
export function OccurredAt() {
  return OptionalInstant('Business time of the step (may be back-dated, never in the future); defaults to now');
}

export function OneOf(values: readonly string[]) {
  return applyDecorators(ApiProperty({ enum: values }), IsIn(values as string[]));
}

/** A whole number in a query string (strings on the wire, converted before the checks). */
export function QueryInteger(options: { minimum: number; maximum?: number; default?: number; description?: string; required?: boolean }) {
  const { required = false, ...schema } = options;
  const limit = schema.maximum === undefined ? [] : [Max(schema.maximum)];
  return applyDecorators(
    (required ? ApiProperty : ApiPropertyOptional)({ type: 'integer', ...schema }),
    ...(required ? [] : [IsOptional()]),
    Type(() => Number),
    IsInt(),
    Min(schema.minimum),
    ...limit,
  );
}

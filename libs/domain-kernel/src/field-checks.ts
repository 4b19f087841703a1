import { type FieldError, ValidationError } from './errors';
import { dateProblem, instantProblem, MAX_QUANTITY, textProblem } from './input-rules';

/**
 * Input checks that need no history. Collects every bad field before throwing, so that the
 * caller learns about all of them at once (DESIGN §11: 400 naming each bad field).
 */
export class FieldChecks {
  private readonly errors: FieldError[] = [];

  fail(field: string, message: string): void {
    this.errors.push({ field, message });
  }

  text(field: string, value: unknown, maxLength = 4000): string {
    if (value !== undefined && value !== null && typeof value !== 'string') {
      this.fail(field, 'must be a string');
      return '';
    }
    if (typeof value !== 'string' || value.trim() === '') {
      this.fail(field, 'is required');
      return '';
    }
    if (value.length > maxLength) this.fail(field, `must be at most ${maxLength} characters`);
    const problem = textProblem(value);
    if (problem !== null) this.fail(field, problem);
    return value.trim();
  }

  optionalText(field: string, value: unknown, maxLength = 4000): string | null {
    if (value === undefined || value === null || (typeof value === 'string' && value.trim() === ''))
      return null;
    return this.text(field, value, maxLength);
  }

  positiveInteger(field: string, value: unknown): number {
    if (!Number.isSafeInteger(value) || (value as number) <= 0 || (value as number) > MAX_QUANTITY)
      this.fail(field, `must be a positive integer up to ${MAX_QUANTITY}`);
    return value as number;
  }

  nonNegativeInteger(field: string, value: unknown): number {
    if (!Number.isSafeInteger(value) || (value as number) < 0 || (value as number) > MAX_QUANTITY)
      this.fail(field, `must be a non-negative integer up to ${MAX_QUANTITY}`);
    return value as number;
  }

  oneOf<T extends string>(field: string, value: unknown, allowed: readonly T[]): T {
    if (!allowed.includes(value as T)) this.fail(field, `must be one of ${allowed.join(', ')}`);
    return value as T;
  }

  date(field: string, value: unknown): string {
    const problem = dateProblem(value);
    if (problem !== null) this.fail(field, problem);
    return String(value);
  }

  optionalDate(field: string, value: unknown): string | null {
    if (value === undefined || value === null) return null;
    const problem = dateProblem(value);
    if (problem !== null) this.fail(field, problem);
    return value as string;
  }

  /** An ISO-8601 instant not after `now`, normalised to UTC ('' when invalid). */
  pastInstant(field: string, value: unknown, now: Date): string {
    const instant = parseInstant(value);
    if (instant === null) {
      this.fail(field, instantProblem(value) ?? 'must be an ISO-8601 date-time with offset');
      return '';
    }
    if (instant.getTime() > now.getTime()) {
      this.fail(field, `is in the future (now is ${now.toISOString()})`);
      return '';
    }
    return instant.toISOString();
  }

  /** Throws a ValidationError naming every failed field, if any. */
  done(): void {
    if (this.errors.length > 0) throw new ValidationError(this.errors);
  }
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

function isValidDay(year: number, month: number, day: number): boolean {
  if (month < 1 || month > 12 || day < 1) return false;
  return day <= new Date(Date.UTC(year, month, 0)).getUTCDate();
}

export function isCalendarDate(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  const match = DATE.exec(value);
  return match !== null && isValidDay(Number(match[1]), Number(match[2]), Number(match[3]));
}

/**
 * ISO-8601 date-time with an explicit offset or Z, on a real calendar day of a plausible year;
 * Date.parse alone would roll 30 Feb over and throw on hour 25 later.
 */
export function parseInstant(value: unknown): Date | null {
  if (typeof value !== 'string' || instantProblem(value) !== null) return null;
  const time = Date.parse(value);
  return Number.isNaN(time) ? null : new Date(time);
}

/**
 * The business time of a command as ISO UTC: the given one, or `now` when none was given.
 * Business time may lie in the past (typed in later) but never after `now`.
 */
export function businessTime(value: string | undefined, now: Date, field = 'occurredAt'): string {
  if (value === undefined) return now.toISOString();
  const checks = new FieldChecks();
  const time = checks.pastInstant(field, value, now);
  checks.done();
  return time;
}

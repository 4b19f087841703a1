/**
 * Input checks shared by the deciders. The API validates shapes too, but the domain cannot
 * assume every caller (CLI, imports, tests) went through it, so it re-checks what its rules
 * depend on and names each bad field.
 */
import { ValidationError, type FieldError } from '@qms/domain-kernel';
import { endOfLocalDay, parseLocalDate } from './deadlines/time-zone';

// Offset or Z is required: a local time without a zone has no single instant.
const INSTANT_PATTERN = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

export class FieldChecks {
  private readonly errors: FieldError[] = [];

  fail(field: string, message: string): void {
    this.errors.push({ field, message });
  }

  has(field: string): boolean {
    return this.errors.some((error) => error.field === field);
  }

  text(field: string, value: unknown): string {
    if (typeof value !== 'string' || value.trim() === '') {
      this.fail(field, 'is required');
      return '';
    }
    return value.trim();
  }

  optionalText(field: string, value: unknown): string | null {
    if (value === undefined || value === null) return null;
    if (typeof value !== 'string') {
      this.fail(field, 'must be a string');
      return null;
    }
    return value.trim() === '' ? null : value.trim();
  }

  textList(field: string, value: unknown): string[] {
    if (!Array.isArray(value) || value.some((item) => typeof item !== 'string' || item.trim() === '')) {
      this.fail(field, 'must be a list of non-empty strings');
      return [];
    }
    return (value as string[]).map((item) => item.trim());
  }

  oneOf<T extends string>(field: string, value: unknown, allowed: readonly T[]): T {
    if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
      this.fail(field, `must be one of ${allowed.join(', ')}`);
      return allowed[0] as T;
    }
    return value as T;
  }

  boolean(field: string, value: unknown): boolean {
    if (typeof value !== 'boolean') this.fail(field, 'must be true or false');
    return value === true;
  }

  integer(field: string, value: unknown, min: number): number {
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
      this.fail(field, min === 1 ? 'must be a positive integer' : `must be an integer ≥ ${min}`);
      return min;
    }
    return value;
  }

  instant(field: string, value: unknown): Date {
    const parsed = typeof value === 'string' && INSTANT_PATTERN.test(value) ? new Date(value) : null;
    if (parsed === null || Number.isNaN(parsed.getTime())) {
      this.fail(field, 'must be an ISO-8601 date-time with Z or an offset');
      return new Date(0);
    }
    return parsed;
  }

  /** An instant, or a local date `YYYY-MM-DD` meaning the end of that day in the zone. */
  deadline(field: string, value: unknown, timeZone: string): Date {
    if (typeof value === 'string') {
      const date = parseLocalDate(value);
      if (date !== null) return endOfLocalDay(date, timeZone);
    }
    if (typeof value !== 'string' || !INSTANT_PATTERN.test(value)) {
      this.fail(field, 'must be a date YYYY-MM-DD or an ISO-8601 date-time with Z or an offset');
      return new Date(0);
    }
    return this.instant(field, value);
  }

  /** Throws once with every failure collected so far. */
  done(): void {
    if (this.errors.length > 0) throw new ValidationError([...this.errors]);
  }
}

/** Business time may be back-dated, never later than the recorded time of the command. */
export function notInFuture(checks: FieldChecks, field: string, value: Date, now: Date): void {
  if (value.getTime() > now.getTime()) {
    checks.fail(field, `${value.toISOString()} is in the future (now ${now.toISOString()})`);
  }
}

/** A step cannot have happened before the step it follows. */
export function notBefore(checks: FieldChecks, field: string, value: Date, earliest: string | null, what: string): void {
  if (earliest !== null && value.toISOString() < earliest) {
    checks.fail(field, `${value.toISOString()} is before ${what} (${earliest})`);
  }
}

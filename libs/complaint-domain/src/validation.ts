/**
 * Input checks shared by the deciders. The API validates shapes too, but the domain cannot
 * assume every caller (CLI, imports, tests) went through it, so it re-checks what its rules
 * depend on and names each bad field.
 */
import {
  dateProblem,
  type FieldError,
  instantProblem,
  MAX_QUANTITY,
  textProblem,
  ValidationError,
} from '@qms/domain-kernel';
import { endOfLocalDay, parseLocalDate } from './deadlines/time-zone';

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
    this.clean(field, value);
    return value.trim();
  }

  private clean(field: string, value: string): void {
    const problem = textProblem(value);
    if (problem !== null) this.fail(field, problem);
  }

  optionalText(field: string, value: unknown): string | null {
    if (value === undefined || value === null) return null;
    if (typeof value !== 'string') {
      this.fail(field, 'must be a string');
      return null;
    }
    this.clean(field, value);
    return value.trim() === '' ? null : value.trim();
  }

  textList(field: string, value: unknown): string[] {
    if (!Array.isArray(value) || value.some((item) => typeof item !== 'string' || item.trim() === '')) {
      this.fail(field, 'must be a list of non-empty strings');
      return [];
    }
    (value as string[]).forEach((item, index) => this.clean(`${field}[${index}]`, item));
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
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > MAX_QUANTITY) {
      this.fail(field, `must be an integer from ${min} to ${MAX_QUANTITY}`);
      return min;
    }
    return value;
  }

  instant(field: string, value: unknown): Date {
    const problem = instantProblem(value);
    if (problem !== null) {
      this.fail(field, problem);
      return new Date(0);
    }
    return new Date(value as string);
  }

  /** An instant, or a local date `YYYY-MM-DD` meaning the end of that day in the zone. */
  deadline(field: string, value: unknown, timeZone: string): Date {
    if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value)) {
      const problem = dateProblem(value);
      const date = parseLocalDate(value);
      if (problem === null && date !== null) return endOfLocalDay(date, timeZone);
      this.fail(field, problem ?? 'must be a date YYYY-MM-DD');
      return new Date(0);
    }
    if (typeof value !== 'string' || !value.includes('T')) {
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

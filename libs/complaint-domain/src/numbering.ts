/**
 * Complaint numbers (DESIGN §4): `CC-<year>-<4-digit sequence>`, unique and gap-free per year;
 * the application layer allocates the sequence. A reopened complaint is numbered after the one
 * it reopens plus `-1`, `-2`, … (§6.3.2), so a reopening of a reopened complaint nests
 * (`CC-2025-0007-1-1`).
 */
import { ValidationError } from '@qms/domain-kernel';
import { localDateOf } from './deadlines/time-zone';

export interface ParsedComplaintNumber {
  readonly year: number;
  readonly sequence: number;
  /** `[]` for an original complaint, `[1]` for its first reopening, `[1, 2]` for … */
  readonly reopenPath: readonly number[];
  /** The number of the complaint at the root of the reopen chain. */
  readonly original: string;
}

const NUMBER_PATTERN = /^CC-(\d{4})-(\d{4,})((?:-[1-9]\d*)*)$/;

export function formatComplaintNumber(year: number, sequence: number): string {
  if (!Number.isInteger(year) || year < 1000 || year > 9999) {
    throw ValidationError.field('year', `must be a four-digit year, got ${year}`);
  }
  if (!Number.isInteger(sequence) || sequence < 1) {
    throw ValidationError.field('sequence', `must be a positive integer, got ${sequence}`);
  }
  return `CC-${year}-${String(sequence).padStart(4, '0')}`;
}

/** null when the text is not a complaint number. */
export function parseComplaintNumber(text: string): ParsedComplaintNumber | null {
  const match = NUMBER_PATTERN.exec(text);
  if (match === null) return null;
  const [, year = '', sequence = '', suffixes = ''] = match;
  // A sequence wider than four digits is only valid beyond 9999, never as zero padding.
  if (sequence.length > 4 && sequence.startsWith('0')) return null;
  const sequenceNumber = Number(sequence);
  if (sequenceNumber < 1) return null;
  return {
    year: Number(year),
    sequence: sequenceNumber,
    reopenPath: suffixes === '' ? [] : suffixes.slice(1).split('-').map(Number),
    original: `CC-${year}-${sequence}`,
  };
}

export function isComplaintNumber(text: string): boolean {
  return parseComplaintNumber(text) !== null;
}

/** The number of the n-th reopening (1-based) of `number`. */
export function reopenNumber(number: string, n: number): string {
  if (!Number.isInteger(n) || n < 1) throw ValidationError.field('n', `must be a positive integer, got ${n}`);
  return `${number}-${n}`;
}

/** Stream holding one complaint's events. */
export function complaintStreamId(number: string): string {
  return `complaint-${number}`;
}

/** The year a complaint is numbered in: the year of its local received date. */
export function complaintYear(receivedAt: string | Date, timeZone: string): number {
  const instant = typeof receivedAt === 'string' ? new Date(receivedAt) : receivedAt;
  return localDateOf(instant, timeZone).year;
}

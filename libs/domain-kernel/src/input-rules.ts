/*
 * What every input must satisfy before a rule looks at it (DESIGN §11): real calendar days and
 * times, dates a quality record can plausibly carry, quantities a shop floor can count, and text
 * that is clean Unicode. One place, so the API's DTOs, the domain's checks and the CSV import
 * refuse the same things with the same words.
 */

/**
 * Records of this business start after 2000; 2100 bounds typing slips (20266, 0001) that would
 * otherwise become a complaint number in year 1901 or a delivery that never falls in any month.
 */
export const PLAUSIBLE_YEARS = { min: 2000, max: 2100 } as const;

/**
 * Counted pieces: a billion is two orders of magnitude above the largest yearly delivery volume of
 * an automotive supplier plant, and stays an exact integer through every sum a report makes
 * (a month of 10^9-piece rows times 10^5 rows is still below 2^53).
 */
export const MAX_QUANTITY = 1_000_000_000;

/** Real offsets lie between UTC-12:00 and UTC+14:00; ±14:00 covers them all. */
const MAX_OFFSET_MINUTES = 14 * 60;

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(\.\d{1,9})?)?(Z|([+-])(\d{2}):(\d{2}))$/;

export function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

function dayProblem(year: number, month: number, day: number): string | null {
  if (month < 1 || month > 12) return `month ${month} does not exist`;
  if (day < 1 || day > daysInMonth(year, month))
    return `day ${day} does not exist in ${year}-${String(month).padStart(2, '0')}`;
  if (year < PLAUSIBLE_YEARS.min || year > PLAUSIBLE_YEARS.max)
    return `year ${year} is outside ${PLAUSIBLE_YEARS.min}–${PLAUSIBLE_YEARS.max}`;
  return null;
}

/** Why `value` is not a plausible calendar date YYYY-MM-DD, or null when it is one. */
export function dateProblem(value: unknown): string | null {
  if (typeof value !== 'string') return 'must be a calendar date YYYY-MM-DD';
  const match = DATE.exec(value);
  if (match === null) return 'must be a calendar date YYYY-MM-DD';
  const problem = dayProblem(Number(match[1]), Number(match[2]), Number(match[3]));
  return problem === null ? null : `${value}: ${problem}`;
}

/** Why `value` is not an ISO-8601 instant with an offset (strict calendar, plausible year), or null. */
export function instantProblem(value: unknown): string | null {
  const shape = 'must be an ISO-8601 date-time with Z or an offset, e.g. 2026-03-05T08:30:00+08:00';
  if (typeof value !== 'string') return shape;
  const match = DATE_TIME.exec(value);
  if (match === null) return shape;
  const [, year, month, day, hour, minute, second, , zone, , offsetHours, offsetMinutes] = match;
  if (Number(hour) > 23 || Number(minute) > 59 || Number(second ?? 0) > 59)
    return `${value}: ${hour}:${minute}${second === undefined ? '' : `:${second}`} is not a time of day`;
  if (zone !== 'Z' && (Number(offsetMinutes) > 59 || Number(offsetHours) * 60 + Number(offsetMinutes) > MAX_OFFSET_MINUTES))
    return `${value}: offset ${zone} is not a UTC offset (−14:00 to +14:00)`;
  const problem = dayProblem(Number(year), Number(month), Number(day));
  return problem === null ? null : `${value}: ${problem}`;
}

export function isPlausibleDate(value: unknown): value is string {
  return dateProblem(value) === null;
}

/** Why `value` is not a positive whole number of pieces (1 … MAX_QUANTITY), or null. */
export function quantityProblem(value: unknown, min = 1): string | null {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > MAX_QUANTITY)
    return `must be an integer from ${min} to ${MAX_QUANTITY.toLocaleString('en-US')}`;
  return null;
}

/*
 * C0 controls other than tab, line feed and carriage return, DEL, C1 controls, lone surrogates
 * (which no UTF-8 encoder can write, so they would not survive the event store or an export),
 * and the noncharacters U+FFFE/U+FFFF.
 */
const UNCLEAN = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/u;

/** Why a piece of text is not clean Unicode, or null. */
export function textProblem(value: string): string | null {
  const found = UNCLEAN.exec(value);
  if (found === null) return null;
  const code = found[0].codePointAt(0) ?? 0;
  const what = code >= 0xd800 && code <= 0xdfff ? 'a lone surrogate' : 'a control character';
  return `contains ${what} (U+${code.toString(16).toUpperCase().padStart(4, '0')}) at position ${found.index}`;
}

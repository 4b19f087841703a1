/**
 * Instants shown to people: `yyyy-mm-dd hh:mm` in the configured time zone, never a UTC string.
 * Formatters are cached per zone because building one costs far more than using it.
 */
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (formatter === undefined) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

export interface WallClock {
  readonly year: number;
  readonly month: number;
  readonly day: number;
  readonly hour: number;
  readonly minute: number;
  readonly second: number;
}

export function wallClockOf(instant: Date, timeZone: string): WallClock {
  const parts: Record<string, number> = {};
  for (const part of formatterFor(timeZone).formatToParts(instant)) {
    if (part.type !== 'literal') parts[part.type] = Number(part.value);
  }
  return {
    year: parts['year'] ?? 0,
    month: parts['month'] ?? 0,
    day: parts['day'] ?? 0,
    hour: parts['hour'] ?? 0,
    minute: parts['minute'] ?? 0,
    second: parts['second'] ?? 0,
  };
}

const pad = (value: number): string => String(value).padStart(2, '0');

/** `2026-11-20 09:00` for `2026-11-20T01:00:00.000Z` in Asia/Shanghai; '' for null. */
export function localDateTime(iso: string | null, timeZone: string): string {
  if (iso === null) return '';
  const clock = wallClockOf(new Date(iso), timeZone);
  return `${clock.year}-${pad(clock.month)}-${pad(clock.day)} ${pad(clock.hour)}:${pad(clock.minute)}`;
}

/** `2026-11-20`: for due dates, which are the end of a local day. */
export function localDate(iso: string | null, timeZone: string): string {
  if (iso === null) return '';
  const clock = wallClockOf(new Date(iso), timeZone);
  return `${clock.year}-${pad(clock.month)}-${pad(clock.day)}`;
}

/**
 * The local wall-clock time as a Date whose UTC fields read that local time. Spreadsheets have no
 * time zones: a cell holds a serial date that Excel shows as it is, so a workbook for Shanghai
 * must carry 09:00, not the 01:00 UTC of the same instant.
 */
export function spreadsheetDate(iso: string | null, timeZone: string): Date | null {
  if (iso === null) return null;
  const clock = wallClockOf(new Date(iso), timeZone);
  return new Date(Date.UTC(clock.year, clock.month - 1, clock.day, clock.hour, clock.minute, clock.second));
}

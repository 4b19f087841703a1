/**
 * Calendar arithmetic in an IANA time zone with nothing but `Intl.DateTimeFormat`: the domain
 * needs "the local day of receipt" and "the end of a local day" as exact UTC instants, across
 * daylight-saving changes, without a date library.
 */

/** A calendar day with no time zone attached. */
export interface LocalDate {
  readonly year: number;
  readonly month: number;
  readonly day: number;
}

const HOUR_MS = 60 * 60 * 1000;
const DAY_MS = 24 * HOUR_MS;

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

export function isValidTimeZone(timeZone: string): boolean {
  try {
    formatterFor(timeZone);
    return true;
  } catch {
    return false;
  }
}

interface WallClock extends LocalDate {
  readonly hour: number;
  readonly minute: number;
  readonly second: number;
}

function wallClockOf(instant: Date, timeZone: string): WallClock {
  const fields: Record<string, number> = {};
  for (const part of formatterFor(timeZone).formatToParts(instant)) {
    if (part.type !== 'literal') fields[part.type] = Number(part.value);
  }
  const read = (name: string): number => {
    const value = fields[name];
    if (value === undefined || Number.isNaN(value)) throw new Error(`Intl gave no ${name} for ${timeZone}`);
    return value;
  };
  return {
    year: read('year'),
    month: read('month'),
    day: read('day'),
    hour: read('hour'),
    minute: read('minute'),
    second: read('second'),
  };
}

/** Offset of the zone from UTC at that instant, in milliseconds (east positive). */
export function timeZoneOffsetMs(instant: Date, timeZone: string): number {
  const ms = instant.getTime();
  if (!Number.isFinite(ms)) return exactOffsetMs(instant, timeZone);
  const hour = Math.floor(ms / HOUR_MS);
  const atStart = offsetAtHour(timeZone, hour);
  // Equal at both ends of the UTC hour means no change inside it (no zone changes twice within an
  // hour); otherwise the hour holds a transition, which may fall on any minute (Chatham, Lord Howe).
  if (atStart === offsetAtHour(timeZone, hour + 1)) return atStart;
  return exactOffsetMs(instant, timeZone);
}

export function localDateOf(instant: Date, timeZone: string): LocalDate {
  // The wall clock is the instant shifted by the offset; offsets are whole seconds, so the shifted
  // instant's UTC date is the formatter's local date without a formatToParts per call.
  const wall = new Date(instant.getTime() + timeZoneOffsetMs(instant, timeZone));
  return { year: wall.getUTCFullYear(), month: wall.getUTCMonth() + 1, day: wall.getUTCDate() };
}

/**
 * formatToParts costs microseconds and deadlines need several offsets per command, so offsets are
 * kept per zone at whole UTC hours. Bounded: a long replay over many years starts the map afresh.
 */
const hourlyOffsets = new Map<string, Map<number, number>>();
const MAX_CACHED_HOURS_PER_ZONE = 100_000;

function offsetAtHour(timeZone: string, hour: number): number {
  let zone = hourlyOffsets.get(timeZone);
  if (zone === undefined) {
    zone = new Map();
    hourlyOffsets.set(timeZone, zone);
  }
  let offset = zone.get(hour);
  if (offset === undefined) {
    offset = exactOffsetMs(new Date(hour * HOUR_MS), timeZone);
    if (zone.size >= MAX_CACHED_HOURS_PER_ZONE) zone.clear();
    zone.set(hour, offset);
  }
  return offset;
}

function exactOffsetMs(instant: Date, timeZone: string): number {
  const wall = wallClockOf(instant, timeZone);
  const wallAsUtc = Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute, wall.second);
  const wholeSeconds = Math.floor(instant.getTime() / 1000) * 1000;
  return wallAsUtc - wholeSeconds;
}

/**
 * The instant at which the zone's clocks show this local time. On a fall-back overlap the first
 * occurrence wins; a time inside a spring-forward gap is read with the offset in force before the
 * gap, i.e. it lands after the gap (as clocks that were not moved forward would show it).
 */
export function zonedTimeToInstant(
  date: LocalDate,
  time: { hour: number; minute: number; second: number; millisecond: number },
  timeZone: string,
): Date {
  const wallAsUtc = Date.UTC(date.year, date.month - 1, date.day, time.hour, time.minute, time.second, time.millisecond);
  // Zones change offset at most once within a day around any given time, so the offsets a day
  // before and a day after are the only candidates.
  const offsetBefore = timeZoneOffsetMs(new Date(wallAsUtc - DAY_MS), timeZone);
  const offsetAfter = timeZoneOffsetMs(new Date(wallAsUtc + DAY_MS), timeZone);
  const matches = [offsetBefore, offsetAfter]
    .map((offset) => wallAsUtc - offset)
    .filter((candidate) => timeZoneOffsetMs(new Date(candidate), timeZone) === wallAsUtc - candidate);
  if (matches.length === 0) return new Date(wallAsUtc - offsetBefore);
  return new Date(Math.min(...matches));
}

/** 23:59:59.999 local on that day, as an instant. */
export function endOfLocalDay(date: LocalDate, timeZone: string): Date {
  return zonedTimeToInstant(date, { hour: 23, minute: 59, second: 59, millisecond: 999 }, timeZone);
}

export function addDays(date: LocalDate, days: number): LocalDate {
  const shifted = new Date(Date.UTC(date.year, date.month - 1, date.day + days));
  return { year: shifted.getUTCFullYear(), month: shifted.getUTCMonth() + 1, day: shifted.getUTCDate() };
}

/** 0 = Sunday … 6 = Saturday. */
export function weekdayOf(date: LocalDate): number {
  return new Date(Date.UTC(date.year, date.month - 1, date.day)).getUTCDay();
}

export function formatLocalDate(date: LocalDate): string {
  const pad = (value: number, width: number) => String(value).padStart(width, '0');
  return `${pad(date.year, 4)}-${pad(date.month, 2)}-${pad(date.day, 2)}`;
}

const LOCAL_DATE_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;

/** null unless `YYYY-MM-DD` naming a real calendar day. */
export function parseLocalDate(text: string): LocalDate | null {
  const match = LOCAL_DATE_PATTERN.exec(text);
  if (match === null) return null;
  const date = { year: Number(match[1]), month: Number(match[2]), day: Number(match[3]) };
  return formatLocalDate(addDays(date, 0)) === text ? date : null;
}

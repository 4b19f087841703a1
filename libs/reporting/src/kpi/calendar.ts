/**
 * Months and local dates of the reporting time zone (DESIGN §8: "a month is a calendar month in
 * the configured time zone; an event belongs to the month of its business time").
 *
 * Intl costs microseconds per call and a rebuild asks for the month of a million deliveries, so
 * the boundaries (the UTC instant at which each local month and day begins) are computed once per
 * month and every lookup after that is a comparison of numbers.
 */
import { zonedTimeToInstant } from '@qms/complaint-domain';

/** 'YYYY-MM'. */
export type MonthKey = string;
/** 'YYYY-MM-DD'. */
export type LocalDateKey = string;

const MONTH_PATTERN = /^(\d{4})-(\d{2})$/;
const MIDNIGHT = { hour: 0, minute: 0, second: 0, millisecond: 0 };
/** A day of 24 hours; a local day is one but on a change of its zone's offset. */
export const DAY_MS = 24 * 60 * 60 * 1000;

export function isMonthKey(text: string): boolean {
  const match = MONTH_PATTERN.exec(text);
  return match !== null && Number(match[2]) >= 1 && Number(match[2]) <= 12;
}

function parseMonth(month: MonthKey): { year: number; month: number } {
  const match = MONTH_PATTERN.exec(month);
  if (match === null || !isMonthKey(month)) throw new Error(`Not a month 'YYYY-MM': ${month}`);
  return { year: Number(match[1]), month: Number(match[2]) };
}

function formatMonth(year: number, month: number): MonthKey {
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}`;
}

export function addMonths(month: MonthKey, count: number): MonthKey {
  const { year, month: m } = parseMonth(month);
  const index = year * 12 + (m - 1) + count;
  return formatMonth(Math.floor(index / 12), (index % 12) + 1);
}

/** Every month from `from` to `to`, both included; empty when `to` is before `from`. */
export function monthsBetween(from: MonthKey, to: MonthKey): MonthKey[] {
  const months: MonthKey[] = [];
  for (let month = from; month <= to; month = addMonths(month, 1)) months.push(month);
  return months;
}

/** Adds days to a 'YYYY-MM-DD' calendar date (no time zone involved). */
export function addDaysToDate(date: LocalDateKey, days: number): LocalDateKey {
  const [year, month, day] = date.split('-').map(Number) as [number, number, number];
  const shifted = new Date(Date.UTC(year, month - 1, day + days));
  return shifted.toISOString().slice(0, 10);
}

export interface MonthBounds {
  /** First instant of the month, ISO-8601 UTC. */
  readonly start: string;
  /** First instant of the next month (exclusive end), ISO-8601 UTC. */
  readonly end: string;
}

/** A month with its neighbours and where it begins and ends, remembered per calendar. */
interface MonthEdges {
  readonly month: MonthKey;
  readonly previous: MonthKey;
  readonly next: MonthKey;
  readonly start: number;
  readonly end: number;
}

/** Month arithmetic for one IANA time zone; get one with `calendarFor`. */
export class ReportingCalendar {
  private readonly monthStarts = new Map<MonthKey, number>();
  private readonly edges = new Map<MonthKey, MonthEdges>();
  private readonly dayStarts = new Map<MonthKey, readonly number[]>();

  constructor(readonly timeZone: string) {
    // Fails fast on an unknown zone rather than on the first event.
    this.startOf('2000-01');
  }

  /** UTC milliseconds at which the local month begins. */
  startOf(month: MonthKey): number {
    let start = this.monthStarts.get(month);
    if (start === undefined) {
      const { year, month: m } = parseMonth(month);
      start = zonedTimeToInstant({ year, month: m, day: 1 }, MIDNIGHT, this.timeZone).getTime();
      this.monthStarts.set(month, start);
    }
    return start;
  }

  bounds(month: MonthKey): MonthBounds {
    return {
      start: new Date(this.startOf(month)).toISOString(),
      end: new Date(this.startOf(addMonths(month, 1))).toISOString(),
    };
  }

  monthOf(instant: string): MonthKey {
    return this.monthAt(instant, parseInstant(instant));
  }

  /** monthOf for an instant already parsed (`ms`), which localDateOf needs as well. */
  private monthAt(instant: string, ms: number): MonthKey {
    // UTC offsets stay within ±14 h, so the local month is the UTC month or one of its neighbours.
    const edges = this.edgesOf(instant.slice(0, 7)) ?? this.edgesOf(new Date(ms).toISOString().slice(0, 7));
    if (edges === undefined) throw new Error(`Not an instant of years 0000 to 9999: ${instant}`);
    if (ms < edges.start) return edges.previous;
    return ms < edges.end ? edges.month : edges.next;
  }

  /** The month after `month` (addMonths(month, 1), remembered: loops over months ask it often). */
  nextMonth(month: MonthKey): MonthKey {
    const edges = this.edgesOf(month);
    if (edges === undefined) throw new Error(`Not a month 'YYYY-MM': ${month}`);
    return edges.next;
  }

  private edgesOf(month: string): MonthEdges | undefined {
    let edges = this.edges.get(month);
    if (edges === undefined) {
      if (!isMonthKey(month)) return undefined;
      const next = addMonths(month, 1);
      edges = { month, previous: addMonths(month, -1), next, start: this.startOf(month), end: this.startOf(next) };
      this.edges.set(month, edges);
    }
    return edges;
  }

  localDateOf(instant: string): LocalDateKey {
    const ms = parseInstant(instant);
    const month = this.monthAt(instant, ms);
    const starts = this.dayStartsOf(month);
    // Days are 24 hours but on a change of the zone's offset: the guess is the day or next to it.
    let day = Math.min(starts.length, Math.max(1, Math.floor((ms - (starts[0] as number)) / DAY_MS) + 1));
    while (day < starts.length && (starts[day] as number) <= ms) day += 1;
    while (day > 1 && (starts[day - 1] as number) > ms) day -= 1;
    return `${month}-${day < 10 ? '0' : ''}${day}`;
  }

  private dayStartsOf(month: MonthKey): readonly number[] {
    let starts = this.dayStarts.get(month);
    if (starts === undefined) {
      const { year, month: m } = parseMonth(month);
      const days = new Date(Date.UTC(year, m, 0)).getUTCDate();
      const computed: number[] = [];
      for (let day = 1; day <= days; day += 1) {
        computed.push(zonedTimeToInstant({ year, month: m, day }, MIDNIGHT, this.timeZone).getTime());
      }
      starts = computed;
      this.dayStarts.set(month, starts);
    }
    return starts;
  }
}

function parseInstant(instant: string): number {
  const ms = Date.parse(instant);
  if (Number.isNaN(ms)) throw new Error(`Not an ISO-8601 instant: ${instant}`);
  return ms;
}

const calendars = new Map<string, ReportingCalendar>();

/** One shared, lazily filled calendar per time zone. */
export function calendarFor(timeZone: string): ReportingCalendar {
  let calendar = calendars.get(timeZone);
  if (calendar === undefined) {
    calendar = new ReportingCalendar(timeZone);
    calendars.set(timeZone, calendar);
  }
  return calendar;
}

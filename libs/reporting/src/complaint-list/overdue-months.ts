/**
 * "Overdue at the end of M" (KPI dictionary, DESIGN §8) as a field of the complaint document that
 * the read store can match with an index, so that the list drills into the monthly report's
 * figure with one query: `overdueMonths: { in: overdueAtEndOfTokens(M) }`.
 *
 * Why a set of tokens and not a pair of month bounds: a complaint can be overdue, then not, then
 * overdue again (containment late in January, an action due in May left undone), so its overdue
 * months are not one range. And while it is open, the months to come are unknown to a projection
 * that reads no clock: the last state it knows holds "from then on". So the set is
 *
 * - every month M from the month of receipt up to H, the month of the latest instant the document
 *   knows (an event's business time or a due date), at whose end the complaint was overdue,
 *   judged by the same functions as the report (complaint-timeline.ts); and
 * - when the complaint is open and overdue at the end of H: every month from H on. After H nothing
 *   the document knows happens any more, so "overdue at the end of M" is the same for every later
 *   M until the next event, which rewrites the document. The open end is written from the first
 *   month T of the run of overdue months that ends at H, so that an event that only moves H (an
 *   action due later, planned while the complaint is overdue) leaves the tokens as they were, and
 *   the complaint's row with them.
 *
 * The open end "every month from T on" is stored as T's dyadic ancestors (the month's index
 * shifted right by 0 … 15 bits) and asked with the dyadic blocks that cover months 0 … M, at most
 * one per bit: T ≤ M exactly when one of T's ancestors is one of those blocks. A query is thus
 * one `in` of at most 17 values on one (multikey) index, whatever the length of the history, and
 * a document holds at most 16 such tokens besides its month list.
 */
import type { MonthKey, ReportingCalendar } from '../kpi/calendar';
import type { ComplaintDocument } from './complaint.document';
import { isOverdueAt, type TimelineFacts } from './complaint-timeline';

/** Month indices below 2^16 (years 0 … 5461): the ancestors of every month fit 16 levels. */
const LEVELS = 16;
const MONTH = /^(\d{4})-(\d{2})$/;

function monthIndex(month: MonthKey): number {
  const match = MONTH.exec(month);
  if (match === null) throw new Error(`Not a month 'YYYY-MM': ${month}`);
  return Number(match[1]) * 12 + Number(match[2]) - 1;
}

/** The tokens meaning "overdue at the end of every month from `month` on". */
export function overdueFromTokens(month: MonthKey): string[] {
  const index = monthIndex(month);
  const tokens: string[] = [];
  for (let level = 0; level < LEVELS; level += 1) tokens.push(`from/${level}/${index >> level}`);
  return tokens;
}

/** What `overdueMonths` must hold (one of) for a complaint overdue at the end of `month`. */
export function overdueAtEndOfTokens(month: MonthKey): string[] {
  const bound = monthIndex(month) + 1;
  const tokens: string[] = [month];
  for (let level = 0; level < LEVELS; level += 1) {
    if (((bound >> level) & 1) === 1) tokens.push(`from/${level}/${(bound >> level) - 1}`);
  }
  return tokens;
}

/** Whether two overdue-month lists hold the same tokens in the same order. */
export function sameOverdueMonths(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let index = 0; index < a.length; index++) if (a[index] !== b[index]) return false;
  return true;
}

/** The fields the overdue months are derived from. */
export type OverdueFacts = TimelineFacts & Partial<Pick<ComplaintDocument, 'responsibility'>>;

function latestInstant(document: OverdueFacts): string {
  let latest = document.receivedAt;
  const see = (instant: string | null | undefined) => {
    if (instant !== null && instant !== undefined && instant > latest) latest = instant;
  };
  see(document.closedAt);
  see(document.containment.dueAt);
  see(document.containment.doneAt);
  see(document.actionReply.dueAt);
  see(document.actionReply.doneAt);
  see(document.responsibility?.decidedAt);
  for (const action of document.actions) {
    for (const round of action.rounds) {
      see(round.setAt);
      see(round.dueAt);
      see(round.completedAt);
    }
  }
  return latest;
}

/** Sorted month keys, then the open end's tokens (see the file comment). */
export function overdueMonthsOf(document: OverdueFacts, calendar: ReportingCalendar): string[] {
  const first = calendar.monthOf(document.receivedAt);
  const last = calendar.monthOf(latestInstant(document));
  const months: string[] = [];
  for (let month = first; month <= last; month = calendar.nextMonth(month)) {
    if (!isOverdueAt(document, endOf(calendar, month))) continue;
    if (month === last && document.closedAt === null) {
      let runStart = month;
      while (months.length > 0 && calendar.nextMonth(months[months.length - 1] as MonthKey) === runStart) runStart = months.pop() as MonthKey;
      return months.concat(overdueFromTokens(runStart));
    }
    months.push(month);
  }
  return months;
}

const ends = new WeakMap<ReportingCalendar, Map<MonthKey, string>>();

/** First instant of the next month, as an ISO string, remembered per calendar. */
function endOf(calendar: ReportingCalendar, month: MonthKey): string {
  let known = ends.get(calendar);
  if (known === undefined) {
    known = new Map();
    ends.set(calendar, known);
  }
  let end = known.get(month);
  if (end === undefined) {
    end = calendar.bounds(month).end;
    known.set(month, end);
  }
  return end;
}

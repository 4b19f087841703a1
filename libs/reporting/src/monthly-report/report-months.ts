/**
 * Which months of the report an event can change, and which documents a month needs.
 *
 * The report is a function of the fact documents only, so an event changes exactly the months of
 * the fact documents it changed — judged on the document before AND after the event (a correction
 * moves a delivery out of one month into another; a category recorded late changes repeats up to
 * the repeat window after the complaint's receipt).
 */
import { assertNever } from '@qms/domain-kernel';
import type { ComplaintDocument } from '../complaint-list';
import { COMPLAINTS_COLLECTION } from '../complaint-list/complaint.document';
import { addMonths, calendarFor, DAY_MS, monthsBetween, type MonthKey } from '../kpi/calendar';
import type { ReportingConfig } from '../kpi/reporting-config';
import { DELIVERY_MONTH_CUSTOMER_COLLECTION, type DeliveryMonthCustomerDocument } from '../deliveries';
import { RETURNS_COLLECTION, type ReturnDocument } from '../returns';
import { SATISFACTION_SUMMARY_COLLECTION, type SatisfactionSummaryDocument } from '../satisfaction-summary';
import {
  CUSTOMER_NOTIFICATIONS_COLLECTION,
  type CustomerNotificationDocument,
} from './customer-notification.projection';
import type { Filter } from '@qms/read-store';
import type { MonthlyReportInputs, ReportComplaint } from './monthly-report.types';

/** Months `from` … `to` inclusive; `to` null = every later month as well. */
export interface MonthSpan {
  readonly from: MonthKey;
  readonly to: MonthKey | null;
}

/**
 * The fields of each fact that decide the months it shows in: all the month rules read of a
 * change, and so all the projection journals of one (Projection.afterBatchReads).
 */
export const MONTH_SPAN_FIELDS = {
  complaints: ['receivedAt', 'closedAt'],
  deliveries: ['month'],
  returns: ['receivedAt'],
  notifications: ['receivedAt', 'kind', 'endedAt'],
  surveys: ['month'],
} as const satisfies {
  complaints: readonly (keyof ReportComplaint)[];
  deliveries: readonly (keyof DeliveryMonthCustomerDocument)[];
  returns: readonly (keyof ReturnDocument)[];
  notifications: readonly (keyof CustomerNotificationDocument)[];
  surveys: readonly (keyof SatisfactionSummaryDocument)[];
};

type Fields = typeof MONTH_SPAN_FIELDS;
type Change<C extends string, D> = { readonly collection: C; readonly before: D | null; readonly after: D | null };

/** A fact document as it was before and after one event (null when absent), as far as its months go. */
export type ReportFactChange =
  | Change<typeof COMPLAINTS_COLLECTION, Pick<ReportComplaint, Fields['complaints'][number]>>
  | Change<typeof DELIVERY_MONTH_CUSTOMER_COLLECTION, Pick<DeliveryMonthCustomerDocument, Fields['deliveries'][number]>>
  | Change<typeof RETURNS_COLLECTION, Pick<ReturnDocument, Fields['returns'][number]>>
  | Change<typeof CUSTOMER_NOTIFICATIONS_COLLECTION, Pick<CustomerNotificationDocument, Fields['notifications'][number]>>
  | Change<typeof SATISFACTION_SUMMARY_COLLECTION, Pick<SatisfactionSummaryDocument, Fields['surveys'][number]>>;

type SpanConfig = Pick<ReportingConfig, 'timeZone' | 'repeatWindowDays'>;

const laterOf = (a: MonthKey, b: MonthKey): MonthKey => (a > b ? a : b);

/**
 * Every month a complaint shows in: received, open or overdue at the end of, closed, and — as the
 * earlier complaint of a repeat — up to the repeat window after its receipt. Open-ended while open.
 */
export function complaintMonthSpan(
  complaint: Pick<ComplaintDocument, 'receivedAt' | 'closedAt'>,
  config: SpanConfig,
): MonthSpan {
  const calendar = calendarFor(config.timeZone);
  const from = calendar.monthOf(complaint.receivedAt);
  if (complaint.closedAt === null) return { from, to: null };
  const windowEnd = new Date(
    Date.parse(complaint.receivedAt) + config.repeatWindowDays * DAY_MS,
  ).toISOString();
  return {
    from,
    to: laterOf(laterOf(calendar.monthOf(complaint.closedAt), calendar.monthOf(windowEnd)), from),
  };
}

const singleMonth = (month: MonthKey): MonthSpan => ({ from: month, to: month });

/** The months a fact document shows in. */
function spansOf(change: ReportFactChange, config: SpanConfig): MonthSpan[] {
  const calendar = calendarFor(config.timeZone);
  switch (change.collection) {
    case COMPLAINTS_COLLECTION:
      return present(change).map((complaint) => complaintMonthSpan(complaint, config));
    case DELIVERY_MONTH_CUSTOMER_COLLECTION:
      return present(change).map((aggregate) => singleMonth(aggregate.month));
    case RETURNS_COLLECTION:
      return present(change).map((item) => singleMonth(calendar.monthOf(item.receivedAt)));
    case CUSTOMER_NOTIFICATIONS_COLLECTION:
      return present(change).map((notification) => {
        const from = calendar.monthOf(notification.receivedAt);
        // A special status counts as "in force at the end" of every month until it ends.
        if (notification.kind !== 'special_status') return singleMonth(from);
        return {
          from,
          to: notification.endedAt === null ? null : laterOf(calendar.monthOf(notification.endedAt), from),
        };
      });
    case SATISFACTION_SUMMARY_COLLECTION:
      return present(change).map((period) => singleMonth(period.month));
    default:
      return assertNever(change, 'report fact change');
  }
}

function present<D>(change: { readonly before: D | null; readonly after: D | null }): D[] {
  return [change.before, change.after].filter((document): document is D => document !== null);
}

/** Merges overlapping or adjacent spans; sorted by start. */
export function mergeMonthSpans(spans: readonly MonthSpan[]): MonthSpan[] {
  const sorted = [...spans].sort((a, b) => (a.from < b.from ? -1 : a.from > b.from ? 1 : 0));
  const merged: MonthSpan[] = [];
  for (const span of sorted) {
    const last = merged[merged.length - 1];
    if (last !== undefined && (last.to === null || span.from <= addMonths(last.to, 1))) {
      const to = last.to === null || span.to === null ? null : laterOf(last.to, span.to);
      merged[merged.length - 1] = { from: last.from, to };
    } else {
      merged.push(span);
    }
  }
  return merged;
}

/**
 * Each changed fact's own span, before and after, unmerged: the latest month a batch reaches is
 * the latest start or finite end among these (merging would let an open span hide later ones).
 */
export function reportMonthSpans(changes: readonly ReportFactChange[], config: SpanConfig): MonthSpan[] {
  return changes.flatMap((change) => spansOf(change, config));
}

/** The report months the changes of one event (or a whole batch) can affect, merged. */
export function reportMonthsAffected(changes: readonly ReportFactChange[], config: SpanConfig): MonthSpan[] {
  return mergeMonthSpans(reportMonthSpans(changes, config));
}

/** Lists the months of the spans, open ends stopping at `through` (e.g. the latest month reported). */
export function expandMonthSpans(spans: readonly MonthSpan[], through: MonthKey): MonthKey[] {
  const months = new Set<MonthKey>();
  for (const span of mergeMonthSpans(spans)) {
    for (const month of monthsBetween(span.from, span.to ?? through)) months.add(month);
  }
  return [...months].sort();
}

/**
 * What a month's report needs, as bounds a store can query by (ISO strings compare as instants):
 * - complaints received before `end` that were still open at `start`, or closed from `start` on,
 *   or received from `repeatWindowStart` on (possible predecessors of a repeat);
 * - delivery aggregates and survey periods of the month;
 * - returns received in [start, end);
 * - notifications received in [start, end), and special statuses received before `end` and not
 *   ended before it.
 */
export interface MonthlyReportSelection {
  readonly month: MonthKey;
  readonly start: string;
  readonly end: string;
  readonly repeatWindowStart: string;
}

export function monthlyReportSelection(month: MonthKey, config: SpanConfig): MonthlyReportSelection {
  const bounds = calendarFor(config.timeZone).bounds(month);
  return {
    month,
    start: bounds.start,
    end: bounds.end,
    repeatWindowStart: new Date(Date.parse(bounds.start) - config.repeatWindowDays * DAY_MS).toISOString(),
  };
}

/** Whether the month's report selects a complaint: it shows in the month, or may be the earlier complaint of one of its repeats. */
export function selectsComplaint(selection: MonthlyReportSelection, complaint: Pick<ReportComplaint, 'receivedAt' | 'closedAt'>): boolean {
  const { start, end, repeatWindowStart } = selection;
  return complaint.receivedAt < end && (complaint.receivedAt >= repeatWindowStart || complaint.closedAt === null || complaint.closedAt >= start);
}

/** The same selection applied to documents in memory (the embedded read store, tests). */
export function selectMonthlyReportInputs(
  month: MonthKey,
  inputs: MonthlyReportInputs,
  config: SpanConfig,
): MonthlyReportInputs {
  const s = monthlyReportSelection(month, config);
  return {
    complaints: inputs.complaints.filter((c) => selectsComplaint(s, c)),
    deliveries: inputs.deliveries.filter((d) => d.month === month),
    returns: inputs.returns.filter((r) => r.receivedAt >= s.start && r.receivedAt < s.end),
    notifications: inputs.notifications.filter(
      (n) =>
        (n.receivedAt >= s.start && n.receivedAt < s.end) ||
        (n.kind === 'special_status' && n.receivedAt < s.end && (n.endedAt === null || n.endedAt >= s.end)),
    ),
    surveys: inputs.surveys.filter((survey) => survey.month === month),
  };
}

/** Per collection, filters of the read-store port whose union (by `_id`) is the month's selection. */
export interface MonthlyReportQueries {
  readonly complaints: readonly Filter[];
  readonly deliveries: readonly Filter[];
  readonly returns: readonly Filter[];
  readonly notifications: readonly Filter[];
  readonly surveys: readonly Filter[];
}

/**
 * Each filter is served by one bounded index run about the size of what it selects
 * (reporting/indexes.ts): received in the repeat window (receivedAt); open now and received
 * before the end (closedAt = null, then receivedAt); closed in the month (closedAt); and open at
 * the end but closed since — received at most `longestClosedMs` before the end, when the longest
 * time any complaint took to close is known (otherwise every complaint received before the end
 * is a candidate).
 */
export function monthlyReportQueries(month: MonthKey, config: SpanConfig, longestClosedMs?: number): MonthlyReportQueries {
  const s = monthlyReportSelection(month, config);
  const openAtEndSince =
    longestClosedMs === undefined ? {} : { gte: new Date(Date.parse(s.end) - longestClosedMs).toISOString() };
  return {
    complaints: [
      { receivedAt: { gte: s.repeatWindowStart, lt: s.end } },
      { closedAt: { eq: null }, receivedAt: { lt: s.end } },
      { closedAt: { gte: s.start, lt: s.end }, receivedAt: { lt: s.end } },
      { receivedAt: { ...openAtEndSince, lt: s.end }, closedAt: { gte: s.end } },
    ],
    deliveries: [{ month: { eq: month } }],
    returns: [{ receivedAt: { gte: s.start, lt: s.end } }],
    notifications: [
      { receivedAt: { gte: s.start, lt: s.end } },
      { kind: { eq: 'special_status' }, endedAt: { eq: null }, receivedAt: { lt: s.end } },
      { kind: { eq: 'special_status' }, endedAt: { gte: s.end }, receivedAt: { lt: s.end } },
    ],
    surveys: [{ month: { eq: month } }],
  };
}

/** The longest a complaint took from receipt to closure, in ms (0 when none is closed). */
export function longestClosedMs(complaints: readonly Pick<ReportComplaint, 'receivedAt' | 'closedAt'>[]): number {
  let longest = 0;
  for (const complaint of complaints) {
    if (complaint.closedAt === null) continue;
    longest = Math.max(longest, Date.parse(complaint.closedAt) - Date.parse(complaint.receivedAt));
  }
  return longest;
}

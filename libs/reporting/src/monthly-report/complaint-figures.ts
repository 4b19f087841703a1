/**
 * The complaint KPIs of DESIGN §8's dictionary for one month, over complaint documents.
 * `window.end` is the first instant of the next month: "at the end of M" means "before it".
 */
import { CAUSE_CATEGORIES, SEVERITIES, type Severity } from '@qms/complaint-domain';
import { currentRound } from '../complaint-list/complaint.document';
import { DAY_MS, daysToClose, isOpenAt, overdueStepsAt } from '../complaint-list/complaint-timeline';
import type { MonthBounds } from '../kpi/calendar';
import {
  NOT_ANALYSED,
  type CauseCategoryKey,
  type ComplaintCounts,
  type ComplaintFigures,
  type ReportComplaint,
} from './monthly-report.types';

const CATEGORY_KEYS: readonly CauseCategoryKey[] = [...CAUSE_CATEGORIES, NOT_ANALYSED];

const within = (instant: string | null, bounds: MonthBounds): boolean =>
  instant !== null && instant >= bounds.start && instant < bounds.end;

/** x × 100 ÷ n, as the dictionary writes it; null over nothing. */
export function percent(count: number, of: number): number | null {
  return of === 0 ? null : (count * 100) / of;
}

// NUL never occurs in ids typed by people or exported by an ERP, so the key cannot collide.
const repeatKey = (complaint: ReportComplaint): string | null =>
  complaint.rootCause === null
    ? null
    : `${complaint.customerId}\u0000${complaint.partNo}\u0000${complaint.rootCause.category}`;

const byReceipt = (a: ReportComplaint, b: ReportComplaint): number =>
  a.receivedAt < b.receivedAt
    ? -1
    : a.receivedAt > b.receivedAt
      ? 1
      : a._id < b._id
        ? -1
        : a._id > b._id
          ? 1
          : 0;

/**
 * Repeat complaints received in the month: reopened ones, and those with the same customer, part
 * and cause category as a complaint received earlier (at most `windowDays` × 24 h before). The
 * first complaint of such a series is not a repeat; a complaint is counted once whatever the
 * reason. Cause categories are the latest recorded, so a category recorded later can make a past
 * month's complaint a repeat (the affected months are recomputed, see report-months.ts).
 */
export function findRepeats(
  complaints: readonly ReportComplaint[],
  bounds: MonthBounds,
  windowDays: number,
): Set<string> {
  const repeats = new Set<string>();
  const series = new Map<string, ReportComplaint[]>();
  const windowMs = windowDays * DAY_MS;
  const earliest = new Date(Date.parse(bounds.start) - windowMs).toISOString();
  for (const complaint of complaints) {
    // Only complaints of the month and their possible predecessors can make a repeat this month.
    if (complaint.receivedAt < earliest || complaint.receivedAt >= bounds.end) continue;
    if (within(complaint.receivedAt, bounds) && complaint.reopenedFrom !== null) repeats.add(complaint._id);
    const key = repeatKey(complaint);
    if (key === null) continue;
    const members = series.get(key);
    if (members === undefined) series.set(key, [complaint]);
    else members.push(complaint);
  }
  for (const members of series.values()) {
    members.sort(byReceipt);
    for (let index = 1; index < members.length; index += 1) {
      const complaint = members[index] as ReportComplaint;
      const previous = members[index - 1] as ReportComplaint;
      if (!within(complaint.receivedAt, bounds)) continue;
      if (Date.parse(complaint.receivedAt) - Date.parse(previous.receivedAt) <= windowMs)
        repeats.add(complaint._id);
    }
  }
  return repeats;
}

/**
 * 8D on-time closure: a complaint closed as resolved counts as closed on time when every deadline
 * it had was met — containment and action reply by their due dates, and every action completed
 * by its original due date (a reschedule that pushed completion past it is a miss).
 */
export function eightDClosedOnTime(complaint: ReportComplaint): boolean {
  return (
    complaint.containment.met === true &&
    complaint.actionReply.met === true &&
    complaint.actions.every((action) => {
      const completedAt = currentRound(action).completedAt;
      const originalDueAt = action.rounds[0]?.dueAt;
      return completedAt !== null && originalDueAt !== undefined && completedAt <= originalDueAt;
    })
  );
}

interface MutableCounts {
  received: number;
  closed: number;
  openAtEnd: number;
  overdueAtEnd: number;
}

const zeroCounts = (): MutableCounts => ({ received: 0, closed: 0, openAtEnd: 0, overdueAtEnd: 0 });

/** `complaints` must be sorted by number (`_id`): sums of fractions depend on their order. */
export function complaintFigures(
  complaints: readonly ReportComplaint[],
  bounds: MonthBounds,
  repeats: ReadonlySet<string>,
): ComplaintFigures {
  const total = zeroCounts();
  const bySeverity = Object.fromEntries(SEVERITIES.map((s) => [s, zeroCounts()])) as Record<
    Severity,
    MutableCounts
  >;
  const byCauseCategory = Object.fromEntries(CATEGORY_KEYS.map((c) => [c, zeroCounts()])) as Record<
    CauseCategoryKey,
    MutableCounts
  >;
  const byDepartment = new Map<string | null, MutableCounts>();
  let reopenedReceived = 0;
  let containmentOnTime = 0;
  let actionReplyOnTime = 0;
  let daysToCloseTotal = 0;
  let eightDClosed = 0;
  let eightDOnTime = 0;
  let defectiveQuantity = 0;
  let repeatCount = 0;

  for (const complaint of complaints) {
    const received = within(complaint.receivedAt, bounds);
    const closed = within(complaint.closedAt, bounds);
    const open = isOpenAt(complaint, bounds.end);
    const overdue = open && overdueStepsAt(complaint, bounds.end).length > 0;
    if (!received && !closed && !open) continue;

    let department = byDepartment.get(complaint.department);
    if (department === undefined) {
      department = zeroCounts();
      byDepartment.set(complaint.department, department);
    }
    const buckets = [
      total,
      bySeverity[complaint.severity],
      byCauseCategory[complaint.rootCause?.category ?? NOT_ANALYSED],
      department,
    ];
    for (const bucket of buckets) {
      if (received) bucket.received += 1;
      if (closed) bucket.closed += 1;
      if (open) bucket.openAtEnd += 1;
      if (overdue) bucket.overdueAtEnd += 1;
    }

    if (received) {
      if (complaint.reopenedFrom !== null) reopenedReceived += 1;
      if (complaint.containment.met === true) containmentOnTime += 1;
      if (complaint.actionReply.met === true) actionReplyOnTime += 1;
      if (repeats.has(complaint._id)) repeatCount += 1;
      if (complaint.responsibility?.decision === 'ours')
        defectiveQuantity += complaint.responsibility.quantityAffected;
    }
    if (closed) {
      daysToCloseTotal += daysToClose(complaint) ?? 0;
      if (complaint.result === 'resolved') {
        eightDClosed += 1;
        if (eightDClosedOnTime(complaint)) eightDOnTime += 1;
      }
    }
  }

  const departments = [...byDepartment.entries()].sort(([a], [b]) =>
    a === b ? 0 : a === null ? -1 : b === null ? 1 : a < b ? -1 : 1,
  );
  const counts = (c: MutableCounts): ComplaintCounts => ({
    received: c.received,
    closed: c.closed,
    openAtEnd: c.openAtEnd,
    overdueAtEnd: c.overdueAtEnd,
  });
  return {
    ...counts(total),
    reopenedReceived,
    bySeverity: Object.fromEntries(SEVERITIES.map((s) => [s, counts(bySeverity[s])])) as Record<
      Severity,
      ComplaintCounts
    >,
    byCauseCategory: Object.fromEntries(CATEGORY_KEYS.map((c) => [c, counts(byCauseCategory[c])])) as Record<
      CauseCategoryKey,
      ComplaintCounts
    >,
    byDepartment: departments.map(([department, c]) => ({
      department,
      received: c.received,
      closed: c.closed,
      openAtEnd: c.openAtEnd,
      overdueAtEnd: c.overdueAtEnd,
    })),
    containmentOnTime,
    containmentOnTimePercent: percent(containmentOnTime, total.received),
    actionReplyOnTime,
    actionReplyOnTimePercent: percent(actionReplyOnTime, total.received),
    daysToCloseTotal,
    meanDaysToClose: total.closed === 0 ? null : daysToCloseTotal / total.closed,
    repeats: repeatCount,
    repeatRatePercent: percent(repeatCount, total.received),
    eightDClosed,
    eightDClosedOnTime: eightDOnTime,
    eightDOnTimeClosurePercent: percent(eightDOnTime, eightDClosed),
    defectiveQuantity,
  };
}

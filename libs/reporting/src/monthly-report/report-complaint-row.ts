/**
 * The row the report stores for a complaint (ReportComplaintRow) and the two figures it derives
 * from the complaint's actions, so that a month's figures read rows alone.
 */
import { currentRound } from '../complaint-list/complaint.document';
import { NONE } from '../complaint-list/complaint-steps';
import { overdueAtEndOfTokens, overdueMonthsOf, sameOverdueMonths } from '../complaint-list/overdue-months';
import type { MonthKey, ReportingCalendar } from '../kpi/calendar';
import type { ReportAction, ReportComplaint, ReportComplaintRow } from './monthly-report.types';

/**
 * 8D on-time closure: a complaint closed as resolved counts as closed on time when every deadline
 * it had was met — containment and action reply by their due dates, and every action completed
 * by its original due date (a reschedule that pushed completion past it is a miss).
 */
export function eightDClosedOnTime(complaint: Pick<ReportComplaint, 'containment' | 'actionReply' | 'actions'>): boolean {
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

/** A row's facts: every field of ReportComplaint but its actions. */
export type ReportRowFacts = Omit<ReportComplaintRow, 'overdueMonths' | 'eightDOnTime'>;

/**
 * The row of these facts with these derived fields. Field by field rather than by spreading: a
 * rebuild builds a row for most complaint events, and an object literal of fixed shape is what
 * V8 builds fastest (and what serialises in one order).
 */
export function rowWith(facts: ReportRowFacts, overdueMonths: readonly string[], eightDOnTime: boolean | null): ReportComplaintRow {
  return {
    _id: facts._id,
    customerId: facts.customerId,
    partNo: facts.partNo,
    severity: facts.severity,
    department: facts.department,
    receivedAt: facts.receivedAt,
    closedAt: facts.closedAt,
    result: facts.result,
    reopenedFrom: facts.reopenedFrom,
    rootCause: facts.rootCause,
    responsibility: facts.responsibility,
    containment: facts.containment,
    actionReply: facts.actionReply,
    overdueMonths,
    eightDOnTime,
  };
}

/**
 * The row for these facts and actions. When `previous` is given and its overdue months stand,
 * their stored array is kept, so that an unchanged row stays the same document.
 */
export function reportRowOf(facts: ReportRowFacts, actions: readonly ReportAction[], calendar: ReportingCalendar, previous?: ReportComplaintRow): ReportComplaintRow {
  const { receivedAt, closedAt, containment, actionReply } = facts;
  // Without the decision's date, which the lists' tokens also see: it moves no deadline's state.
  const months = overdueMonthsOf({ receivedAt, closedAt, containment, actionReply, actions }, calendar);
  const eightDOnTime = closedAt === null ? null : eightDClosedOnTime({ containment, actionReply, actions });
  const overdueMonths = previous !== undefined && sameOverdueMonths(previous.overdueMonths, months) ? previous.overdueMonths : months.length === 0 ? NONE : months;
  return rowWith(facts, overdueMonths, eightDOnTime);
}

/** Whether the derived fields of two rows of the same facts are equal. */
export function sameDerived(a: ReportComplaintRow, b: ReportComplaintRow): boolean {
  return a.eightDOnTime === b.eightDOnTime && sameOverdueMonths(a.overdueMonths, b.overdueMonths);
}

/**
 * A stored row, or a whole ReportComplaint: the pure rules' inputs, and what a report copy stored
 * before rows existed holds while its rebuild runs (its readers compute pending months meanwhile).
 */
export function asReportRow(complaint: ReportComplaintRow | ReportComplaint, calendar: ReportingCalendar): ReportComplaintRow {
  // Only a whole complaint carries its actions (a row never does): its derived fields are taken from them.
  return 'actions' in complaint ? reportRowOf(complaint, complaint.actions, calendar) : complaint;
}

/** "Overdue at the end of `month`" for rows: one of the month's tokens in the row's overdue months. */
export function overdueAtEndOf(month: MonthKey): (row: Pick<ReportComplaintRow, 'overdueMonths'>) => boolean {
  const tokens: ReadonlySet<string> = new Set(overdueAtEndOfTokens(month));
  return (row) => row.overdueMonths.some((token) => tokens.has(token));
}

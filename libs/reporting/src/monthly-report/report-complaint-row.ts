/**
 * The row the report stores for a complaint (ReportComplaintRow) and the two figures it derives
 * from the complaint's actions, so that a month's figures read rows alone.
 */
import { currentRound } from '../complaint-list/complaint.document';
import { NONE } from '../complaint-list/complaint-steps';
import { overdueAtEndOfTokens, overdueMonthsOf } from '../complaint-list/overdue-months';
import type { MonthKey, ReportingCalendar } from '../kpi/calendar';
import type { ReportAction, ReportComplaint, ReportComplaintRow } from './monthly-report.types';

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

type RowFacts = Omit<ReportComplaintRow, 'overdueMonths' | 'eightDOnTime'> & Partial<Pick<ReportComplaintRow, 'overdueMonths' | 'eightDOnTime'>>;

const sameMonths = (a: readonly string[], b: readonly string[]): boolean => a.length === b.length && a.every((month, i) => month === b[i]);

/**
 * The row for these facts and actions. When `previous` is given and its derived fields stand,
 * their stored values are kept (the same array), so that an unchanged row stays the same bytes.
 */
export function reportRowOf(facts: RowFacts, actions: readonly ReportAction[], calendar: ReportingCalendar, previous?: ReportComplaintRow): ReportComplaintRow {
  // A whole ReportComplaint passes its own actions in too: they never go into the row.
  const { overdueMonths: _months, eightDOnTime: _onTime, actions: _actions, ...rest } = facts as RowFacts & { readonly actions?: unknown };
  const whole: ReportComplaint = { ...rest, actions };
  // Without the decision's date, which the lists' tokens also see: it moves no deadline's state.
  const months = overdueMonthsOf({ receivedAt: whole.receivedAt, closedAt: whole.closedAt, containment: whole.containment, actionReply: whole.actionReply, actions }, calendar);
  const eightDOnTime = whole.closedAt === null ? null : eightDClosedOnTime(whole);
  const overdueMonths = previous !== undefined && sameMonths(previous.overdueMonths, months) ? previous.overdueMonths : months.length === 0 ? NONE : months;
  return { ...rest, overdueMonths, eightDOnTime };
}

/** Whether the derived fields of two rows of the same facts are equal. */
export function sameDerived(a: ReportComplaintRow, b: ReportComplaintRow): boolean {
  return a.eightDOnTime === b.eightDOnTime && sameMonths(a.overdueMonths, b.overdueMonths);
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

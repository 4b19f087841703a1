import type { Severity } from '../events';
import type { DeadlinePolicy } from './policy';
import { nthDayAfter } from './working-days';
import { endOfLocalDay, localDateOf } from './time-zone';

const HOUR_MS = 60 * 60 * 1000;

export interface ComplaintDeadlines {
  readonly containmentDueAt: Date;
  readonly actionReplyDueAt: Date;
}

/** receivedAt + the policy's containment hours (clock hours, not working hours). */
export function containmentDueAt(receivedAt: Date, policy: DeadlinePolicy): Date {
  return new Date(receivedAt.getTime() + policy.containmentHours * HOUR_MS);
}

/** End of the last allowed local day; the customer's deadline, when given, replaces it. */
export function actionReplyDueAt(
  receivedAt: Date,
  severity: Severity,
  policy: DeadlinePolicy,
  customerDeadline: Date | null,
): Date {
  if (customerDeadline !== null) return customerDeadline;
  const receiptDay = localDateOf(receivedAt, policy.timeZone);
  const lastDay =
    policy.variant === 'fixed'
      ? nthDayAfter(receiptDay, policy.actionReplyWorkingDays, 'working_days', policy.calendar)
      : nthDayAfter(
          receiptDay,
          severity === 'urgent' ? policy.bySeverity.urgentDays : policy.bySeverity.normalDays,
          policy.bySeverity.count,
          policy.calendar,
        );
  return endOfLocalDay(lastDay, policy.timeZone);
}

export function computeDeadlines(
  input: { receivedAt: Date; severity: Severity; customerDeadline: Date | null },
  policy: DeadlinePolicy,
): ComplaintDeadlines {
  return {
    containmentDueAt: containmentDueAt(input.receivedAt, policy),
    actionReplyDueAt: actionReplyDueAt(input.receivedAt, input.severity, policy, input.customerDeadline),
  };
}

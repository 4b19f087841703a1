import { IllegalStateError, type DecisionContext } from '@qms/domain-kernel';
import type { DocumentRevision } from '../events';
import type { Complaint, ComplaintStatus } from '../state';
import { FieldChecks, notBefore, notInFuture } from '../validation';

/** What every step on an existing complaint starts from. */
export interface Step {
  readonly complaint: Complaint;
  readonly context: DecisionContext;
  /** Field errors are collected here and thrown by `checks.done()` after the state checks. */
  readonly checks: FieldChecks;
  readonly occurredAt: Date;
  /** `{ complaintNumber, occurredAt }` of the event(s) the step emits. */
  readonly base: { readonly complaintNumber: string; readonly occurredAt: string };
}

export function startStep(complaint: Complaint, occurredAt: unknown, context: DecisionContext): Step {
  const checks = new FieldChecks();
  const at = checks.instant('occurredAt', occurredAt);
  notInFuture(checks, 'occurredAt', at, context.now);
  notBefore(checks, 'occurredAt', at, complaint.receivedAt, 'the complaint was received');
  return {
    complaint,
    context,
    checks,
    occurredAt: at,
    base: { complaintNumber: complaint.number, occurredAt: at.toISOString() },
  };
}

const STAGE_HINTS: Record<ComplaintStatus, string> = {
  registered: 'it is not assigned to a department yet',
  assigned: 'its root cause is not recorded yet',
  root_cause_recorded: 'its responsibility is not decided yet',
  not_ours: 'it was decided not to be our responsibility',
  action_planning: 'its action plan is not submitted yet',
  plan_submitted: 'its action plan awaits the 8D decision of management',
  decision_approved: 'its 8D decision is already approved',
  closed: 'it is closed',
};

/** Refuses the step unless the complaint is in one of the allowed stages. */
export function requireStatus(step: Step, allowed: readonly ComplaintStatus[], action: string): void {
  const { status, number } = step.complaint;
  if (!allowed.includes(status)) {
    throw new IllegalStateError(`Complaint ${number}: cannot ${action} because ${STAGE_HINTS[status]}.`);
  }
}

/** IATF 10.2.3: a PFMEA / control plan is either revised (which revision) or not (why). */
export function documentRevision(checks: FieldChecks, field: string, value: unknown): DocumentRevision | null {
  if (value === undefined || value === null || typeof value !== 'object') {
    checks.fail(field, 'is required: { revised: true, revision } or { revised: false, reason }');
    return null;
  }
  const record = value as Record<string, unknown>;
  if (record['revised'] === true) return { revised: true, revision: checks.text(`${field}.revision`, record['revision']) };
  if (record['revised'] === false) return { revised: false, reason: checks.text(`${field}.reason`, record['reason']) };
  checks.fail(`${field}.revised`, 'must be true or false');
  return null;
}

export function latest(times: readonly (string | null)[]): string | null {
  let result: string | null = null;
  for (const time of times) if (time !== null && (result === null || time > result)) result = time;
  return result;
}

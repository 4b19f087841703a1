/** Decision, reply, close and reopen: D7–D8 (§6.2.6, §6.3, §6.2.4 for the not-ours path). */
import { IllegalStateError } from '@qms/domain-kernel';
import type {
  ApproveEightDDecisionData,
  CloseComplaintData,
  RejectEightDDecisionData,
  ReopenComplaintData,
  ReopenFacts,
  ReplyToCustomerData,
} from '../commands';
import type {
  ComplaintClosed,
  ComplaintReopened,
  CustomerReplied,
  EightDDecisionApproved,
  EightDDecisionRejected,
} from '../events';
import { nextReopenNumber, type Complaint } from '../state';
import { notBefore, type FieldChecks } from '../validation';
import { requireStatus, type Step } from './step';

export function approveEightDDecision(step: Step, data: ApproveEightDDecisionData): EightDDecisionApproved[] {
  requireStatus(step, ['plan_submitted'], 'approve the 8D decision');
  if (step.complaint.waiver === 'requested') {
    throw new IllegalStateError(
      `Complaint ${step.complaint.number} has a preventive-action waiver awaiting approval; decide it before the 8D decision.`,
    );
  }
  const { checks } = step;
  notBefore(checks, 'occurredAt', step.occurredAt, step.complaint.planSubmittedAt, 'the plan was submitted');
  const decision = checks.text('decision', data.decision);
  checks.done();
  return [{ type: 'EightDDecisionApproved', data: { ...step.base, approvedBy: step.context.actor.userId, decision } }];
}

export function rejectEightDDecision(step: Step, data: RejectEightDDecisionData): EightDDecisionRejected[] {
  requireStatus(step, ['plan_submitted'], 'reject the 8D decision');
  const { checks } = step;
  notBefore(checks, 'occurredAt', step.occurredAt, step.complaint.planSubmittedAt, 'the plan was submitted');
  const reason = checks.text('reason', data.reason);
  checks.done();
  return [{ type: 'EightDDecisionRejected', data: { ...step.base, rejectedBy: step.context.actor.userId, reason } }];
}

/** Sales replies with the approved decision, or explains why the complaint is not ours. */
export function replyToCustomer(step: Step, data: ReplyToCustomerData): CustomerReplied[] {
  const { complaint, checks } = step;
  if (complaint.status !== 'not_ours') requireStatus(step, ['decision_approved'], 'reply to the customer');
  if (complaint.customerRepliedAt !== null) {
    throw new IllegalStateError(`The customer of complaint ${complaint.number} was already replied to at ${complaint.customerRepliedAt}.`);
  }
  const after = complaint.status === 'not_ours' ? complaint.responsibilityDecidedAt : complaint.decisionApprovedAt;
  notBefore(checks, 'occurredAt', step.occurredAt, after, 'the decision replied with');
  const message = checks.text('message', data.message);
  checks.done();
  return [{ type: 'CustomerReplied', data: { ...step.base, message } }];
}

/** Every condition a close needs that this complaint does not meet yet. */
export function unmetCloseConditions(complaint: Complaint): string[] {
  const unmet: string[] = [];
  if (complaint.containmentRecordedAt === null) unmet.push('containment is not recorded');
  if (complaint.responsibility === null) {
    unmet.push('responsibility is not decided');
  } else if (complaint.responsibility === 'ours') {
    unmet.push(...unmetForOurs(complaint));
  }
  if (complaint.customerRepliedAt === null) unmet.push('the customer has not been replied to');
  return unmet;
}

function unmetForOurs(complaint: Complaint): string[] {
  const unmet: string[] = [];
  if (complaint.decisionApprovedAt === null || complaint.status !== 'decision_approved') {
    unmet.push('the 8D decision is not approved by management');
  }
  const notVerified = complaint.actions.filter((action) => action.status !== 'verified').map((a) => a.actionId);
  if (notVerified.length > 0) unmet.push(`actions not verified effective: ${notVerified.join(', ')}`);
  const corrective = complaint.actions.filter((action) => action.kind === 'corrective');
  if (corrective.length === 0) unmet.push('no corrective action');
  // Re-checked here because events written before the rule (or upcast from older shapes) may lack it.
  const withoutSystemic = corrective
    .filter(({ systemic }) => systemic.pfmea === null || systemic.controlPlan === null)
    .map((action) => action.actionId);
  if (withoutSystemic.length > 0) {
    unmet.push(`corrective actions without PFMEA/control-plan review (IATF 10.2.3): ${withoutSystemic.join(', ')}`);
  }
  const preventiveTaken = complaint.actions.some((action) => action.kind === 'preventive');
  if (!preventiveTaken && complaint.waiver !== 'approved') {
    unmet.push('no preventive action and no preventive-action waiver approved by management');
  }
  return unmet;
}

export function closeComplaint(step: Step, data: CloseComplaintData): ComplaintClosed[] {
  const { complaint, checks } = step;
  const unmet = unmetCloseConditions(complaint);
  if (unmet.length > 0) {
    throw new IllegalStateError(`Complaint ${complaint.number} cannot be closed: ${unmet.join('; ')}.`);
  }
  notBefore(checks, 'occurredAt', step.occurredAt, complaint.latestOccurredAt, 'the last recorded step');
  const remarks = checks.optionalText('remarks', data.remarks);
  checks.done();
  const result = complaint.responsibility === 'not_ours' ? 'not_ours' : 'resolved';
  return [{ type: 'ComplaintClosed', data: { ...step.base, result, remarks } }];
}

/** §6.3.2: the customer is not satisfied; the new complaint is registered with reopenedFrom. */
export function reopenComplaint(step: Step, data: ReopenComplaintData): ComplaintReopened[] {
  const { complaint, checks } = step;
  if (complaint.status !== 'closed') {
    throw new IllegalStateError(`Only a closed complaint can be reopened; complaint ${complaint.number} is open.`);
  }
  notBefore(checks, 'occurredAt', step.occurredAt, complaint.closedAt, 'the complaint was closed');
  const reason = checks.text('reason', data.reason);
  checkReopenFacts(checks, data, step.occurredAt, complaint.timeZone);
  checks.done();
  return [{ type: 'ComplaintReopened', data: { ...step.base, reopenedAs: nextReopenNumber(complaint), reason } }];
}

/**
 * The new facts are checked here, before anything is appended, so that a bad quantity or
 * deadline neither registers the new complaint nor marks the original reopened.
 */
function checkReopenFacts(checks: FieldChecks, facts: ReopenFacts, occurredAt: Date, timeZone: string): void {
  if (facts.quantityAffected !== undefined && facts.quantityAffected !== null) {
    checks.integer('quantityAffected', facts.quantityAffected, 1);
  }
  if (facts.lot !== undefined && facts.lot !== null) checks.text('lot', facts.lot);
  if (facts.defectDescription !== undefined && facts.defectDescription !== null) {
    checks.text('defectDescription', facts.defectDescription);
  }
  if (facts.customerDeadline !== undefined && facts.customerDeadline !== null) {
    const deadline = checks.deadline('customerDeadline', facts.customerDeadline, timeZone);
    if (!checks.has('customerDeadline') && deadline <= occurredAt) {
      checks.fail('customerDeadline', 'must be after the reopening');
    }
  }
}

/** Corrective and preventive actions: D5–D7 (§6.2.2–6.2.3, §6.3.1, IATF 10.2.3). */
import { IllegalStateError, NotFoundError } from '@qms/domain-kernel';
import type {
  ApprovePreventiveActionWaiverData,
  CompleteActionData,
  PlanCorrectiveActionData,
  PlanPreventiveActionData,
  RejectPreventiveActionWaiverData,
  RequestPreventiveActionWaiverData,
  SubmitActionPlanData,
  VerifyActionData,
} from '../commands';
import type {
  ActionCompleted,
  ActionKind,
  ActionPlanSubmitted,
  ActionPlannedData,
  ActionRescheduled,
  ActionVerified,
  CorrectiveActionPlanned,
  PreventiveActionPlanned,
  PreventiveActionWaiverApproved,
  PreventiveActionWaiverRejected,
  PreventiveActionWaiverRequested,
} from '../events';
import type { ActionState } from '../state';
import { notBefore } from '../validation';
import { documentRevision, latest, requireStatus, type Step } from './step';

const ACTION_ID_PREFIX: Record<ActionKind, string> = { corrective: 'CA', preventive: 'PA' };

function nextActionId(step: Step, kind: ActionKind): string {
  let count = 0;
  for (const action of step.complaint.actions) if (action.kind === kind) count += 1;
  return `${ACTION_ID_PREFIX[kind]}-${count + 1}`;
}

/** Description, owner and a due date not before the planning itself. */
function plannedBasics(step: Step, kind: ActionKind, data: PlanCorrectiveActionData | PlanPreventiveActionData) {
  const { checks } = step;
  const dueAt = checks.deadline('dueAt', data.dueAt, step.complaint.timeZone);
  if (!checks.has('dueAt') && dueAt < step.occurredAt) checks.fail('dueAt', 'must not be before the planning time');
  return {
    ...step.base,
    actionId: nextActionId(step, kind),
    description: checks.text('description', data.description),
    owner: checks.text('owner', data.owner),
    dueAt: dueAt.toISOString(),
  };
}

export function planCorrectiveAction(step: Step, data: PlanCorrectiveActionData): CorrectiveActionPlanned[] {
  requireStatus(step, ['action_planning'], 'plan a corrective action');
  const { checks } = step;
  const basics = plannedBasics(step, 'corrective', data);
  const similarProductsCovered = checks.textList('similarProductsCovered', data.similarProductsCovered);
  const similarProcessesCovered = checks.textList('similarProcessesCovered', data.similarProcessesCovered);
  const noSimilarItemsReason = checks.optionalText('noSimilarItemsReason', data.noSimilarItemsReason);
  const nothingSimilar = similarProductsCovered.length === 0 && similarProcessesCovered.length === 0;
  if (nothingSimilar && noSimilarItemsReason === null) {
    checks.fail(
      'similarProductsCovered',
      'name the similar products or processes this action also covers, or give noSimilarItemsReason (IATF 10.2.3)',
    );
  }
  const systemic: Omit<ActionPlannedData, keyof typeof basics> = {
    similarProductsCovered,
    similarProcessesCovered,
    noSimilarItemsReason: nothingSimilar ? noSimilarItemsReason : null,
    pfmea: documentRevision(checks, 'pfmea', data.pfmea),
    controlPlan: documentRevision(checks, 'controlPlan', data.controlPlan),
  };
  checks.done();
  return [{ type: 'CorrectiveActionPlanned', data: { ...basics, ...systemic } }];
}

export function planPreventiveAction(step: Step, data: PlanPreventiveActionData): PreventiveActionPlanned[] {
  requireStatus(step, ['action_planning'], 'plan a preventive action');
  const { waiver, number } = step.complaint;
  if (waiver === 'requested' || waiver === 'approved') {
    throw new IllegalStateError(`Complaint ${number} has a ${waiver} preventive-action waiver; no preventive action is planned.`);
  }
  const { checks } = step;
  const basics = plannedBasics(step, 'preventive', data);
  const optionalList = (field: string, value: readonly string[] | undefined) =>
    value === undefined ? [] : checks.textList(field, value);
  const optionalRevision = (field: string, value: unknown) =>
    value === undefined || value === null ? null : documentRevision(checks, field, value);
  const event: PreventiveActionPlanned = {
    type: 'PreventiveActionPlanned',
    data: {
      ...basics,
      similarProductsCovered: optionalList('similarProductsCovered', data.similarProductsCovered),
      similarProcessesCovered: optionalList('similarProcessesCovered', data.similarProcessesCovered),
      noSimilarItemsReason: null,
      pfmea: optionalRevision('pfmea', data.pfmea),
      controlPlan: optionalRevision('controlPlan', data.controlPlan),
    },
  };
  checks.done();
  return [event];
}

export function requestWaiver(step: Step, data: RequestPreventiveActionWaiverData): PreventiveActionWaiverRequested[] {
  requireStatus(step, ['action_planning'], 'request a preventive-action waiver');
  const { complaint, checks } = step;
  if (complaint.waiver === 'requested' || complaint.waiver === 'approved') {
    throw new IllegalStateError(`Complaint ${complaint.number} already has a ${complaint.waiver} preventive-action waiver.`);
  }
  if (complaint.actions.some((action) => action.kind === 'preventive')) {
    throw new IllegalStateError(
      `Complaint ${complaint.number} has preventive actions planned; a waiver is only for when none can be taken.`,
    );
  }
  notBefore(checks, 'occurredAt', step.occurredAt, complaint.responsibilityDecidedAt, 'responsibility was decided');
  const reason = checks.text('reason', data.reason);
  checks.done();
  return [{ type: 'PreventiveActionWaiverRequested', data: { ...step.base, reason } }];
}

function requirePendingWaiver(step: Step): void {
  if (step.complaint.waiver !== 'requested') {
    throw new IllegalStateError(`Complaint ${step.complaint.number} has no preventive-action waiver awaiting approval.`);
  }
  notBefore(step.checks, 'occurredAt', step.occurredAt, step.complaint.waiverRequestedAt, 'the waiver was requested');
}

export function approveWaiver(step: Step, data: ApprovePreventiveActionWaiverData): PreventiveActionWaiverApproved[] {
  requirePendingWaiver(step);
  const comment = step.checks.optionalText('comment', data.comment);
  step.checks.done();
  return [
    { type: 'PreventiveActionWaiverApproved', data: { ...step.base, approvedBy: step.context.actor.userId, comment } },
  ];
}

export function rejectWaiver(step: Step, data: RejectPreventiveActionWaiverData): PreventiveActionWaiverRejected[] {
  requirePendingWaiver(step);
  const reason = step.checks.text('reason', data.reason);
  step.checks.done();
  return [
    { type: 'PreventiveActionWaiverRejected', data: { ...step.base, rejectedBy: step.context.actor.userId, reason } },
  ];
}

export function submitActionPlan(step: Step, _data: SubmitActionPlanData): ActionPlanSubmitted[] {
  requireStatus(step, ['action_planning'], 'submit the action plan');
  const { complaint, checks } = step;
  const ids = (kind: ActionKind) => complaint.actions.filter((action) => action.kind === kind).map((a) => a.actionId);
  const correctiveActionIds = ids('corrective');
  const preventiveActionIds = ids('preventive');
  const waived = complaint.waiver === 'requested' || complaint.waiver === 'approved';
  const missing: string[] = [];
  if (correctiveActionIds.length === 0) missing.push('at least one corrective action');
  if (preventiveActionIds.length === 0 && !waived) {
    missing.push('at least one preventive action or a preventive-action waiver request (§6.2.3)');
  }
  if (missing.length > 0) {
    throw new IllegalStateError(`The action plan of complaint ${complaint.number} needs ${missing.join(' and ')}.`);
  }
  const lastPlanned = latest([...complaint.actions.map((action) => action.plannedAt), complaint.waiverRequestedAt]);
  notBefore(checks, 'occurredAt', step.occurredAt, lastPlanned, 'the last planning step');
  checks.done();
  return [
    {
      type: 'ActionPlanSubmitted',
      data: { ...step.base, correctiveActionIds, preventiveActionIds, preventiveWaiverRequested: waived },
    },
  ];
}

function findAction(step: Step, actionId: unknown): ActionState {
  const action = step.complaint.actions.find((candidate) => candidate.actionId === actionId);
  if (action === undefined) {
    throw new NotFoundError(`Complaint ${step.complaint.number} has no action ${String(actionId)}.`);
  }
  return action;
}

export function completeAction(step: Step, data: CompleteActionData): ActionCompleted[] {
  requireStatus(step, ['decision_approved'], 'complete an action');
  const action = findAction(step, data.actionId);
  if (action.status !== 'open') {
    throw new IllegalStateError(`Action ${action.actionId} of complaint ${step.complaint.number} is already ${action.status}.`);
  }
  const { checks } = step;
  notBefore(checks, 'occurredAt', step.occurredAt, step.complaint.decisionApprovedAt, 'the 8D decision was approved');
  const evidence = checks.text('evidence', data.evidence);
  checks.done();
  return [{ type: 'ActionCompleted', data: { ...step.base, actionId: action.actionId, kind: action.kind, evidence } }];
}

/**
 * §6.3.1: effective → the action is done for good; not completed / not effective → a new
 * improvement date, the old one kept in the history.
 */
export function verifyAction(step: Step, data: VerifyActionData): (ActionVerified | ActionRescheduled)[] {
  requireStatus(step, ['decision_approved'], 'verify an action');
  const action = findAction(step, data.actionId);
  const { checks, complaint } = step;
  if (action.status === 'verified') {
    throw new IllegalStateError(`Action ${action.actionId} of complaint ${complaint.number} is already verified effective.`);
  }
  const result = checks.oneOf('result', data.result, ['effective', 'not_effective', 'not_completed'] as const);
  if (checks.has('result')) checks.done();
  if (result !== 'not_completed' && action.status !== 'completed') {
    throw new IllegalStateError(
      `Action ${action.actionId} of complaint ${complaint.number} is not completed; it can only be verified as not_completed.`,
    );
  }
  notBefore(checks, 'occurredAt', step.occurredAt, action.completedAt ?? complaint.decisionApprovedAt, 'the step verified');
  const comment = checks.optionalText('comment', data.comment);
  const base = { ...step.base, actionId: action.actionId, kind: action.kind, comment };
  if (result === 'effective') {
    if (data.newDueAt !== undefined && data.newDueAt !== null) {
      checks.fail('newDueAt', 'is only set when the action is not completed or not effective');
    }
    checks.done();
    return [{ type: 'ActionVerified', data: { ...base, result: 'effective' } }];
  }
  let newDueAt = step.occurredAt;
  if (data.newDueAt === undefined || data.newDueAt === null) {
    checks.fail('newDueAt', 'is required when the action is not completed or not effective (§6.3.1 B)');
  } else {
    newDueAt = checks.deadline('newDueAt', data.newDueAt, complaint.timeZone);
    if (!checks.has('newDueAt') && newDueAt <= step.occurredAt) checks.fail('newDueAt', 'must be after the verification');
  }
  checks.done();
  return [
    {
      type: 'ActionRescheduled',
      data: { ...base, reason: result, previousDueAt: action.dueAt, newDueAt: newDueAt.toISOString() },
    },
  ];
}

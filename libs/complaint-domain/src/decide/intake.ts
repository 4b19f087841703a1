/** Intake and analysis: D0–D4 (§6.1, §6.2.1–6.2.4). */
import { IllegalStateError, type DecisionContext } from '@qms/domain-kernel';
import type {
  AssignComplaintData,
  DecideResponsibilityData,
  RecordContainmentData,
  RecordRootCauseData,
  RegisterComplaintData,
} from '../commands';
import { computeDeadlines, resolvePolicy, type DeadlinePolicyConfig } from '../deadlines';
import {
  ANALYSIS_METHODS,
  CAUSE_CATEGORIES,
  CHANNELS,
  RESPONSIBILITIES,
  SEVERITIES,
  type ComplaintAssigned,
  type ComplaintRegistered,
  type ContainmentRecorded,
  type ResponsibilityDecided,
  type RootCauseRecorded,
} from '../events';
import { complaintYear, parseComplaintNumber } from '../numbering';
import { isRegistered, type ComplaintState } from '../state';
import { FieldChecks, notBefore, notInFuture } from '../validation';
import { requireStatus, type Step } from './step';

export function register(
  data: RegisterComplaintData,
  state: ComplaintState,
  context: DecisionContext,
  config: DeadlinePolicyConfig,
): ComplaintRegistered[] {
  if (isRegistered(state)) throw new IllegalStateError(`Complaint ${state.number} is already registered.`);
  const checks = new FieldChecks();
  const number = checks.text('complaintNumber', data.complaintNumber);
  const customerId = checks.text('customerId', data.customerId);
  const policy = resolvePolicy(config, customerId);
  const receivedAt = checks.instant('receivedAt', data.receivedAt);
  const occurredAt = checks.instant('occurredAt', data.occurredAt);
  notInFuture(checks, 'receivedAt', receivedAt, context.now);
  notInFuture(checks, 'occurredAt', occurredAt, context.now);
  notBefore(checks, 'occurredAt', occurredAt, receivedAt.toISOString(), 'the complaint was received');
  const reopenedFrom = checks.optionalText('reopenedFrom', data.reopenedFrom);
  checkNumber(checks, number, reopenedFrom, receivedAt, config.default.timeZone);
  const customerDeadline =
    data.customerDeadline === undefined || data.customerDeadline === null
      ? null
      : checks.deadline('customerDeadline', data.customerDeadline, policy.timeZone);
  if (customerDeadline !== null && !checks.has('customerDeadline') && customerDeadline <= receivedAt) {
    checks.fail('customerDeadline', 'must be after the received time');
  }
  const fields = {
    customerContact: checks.text('customerContact', data.customerContact),
    partNo: checks.text('partNo', data.partNo),
    lot: checks.text('lot', data.lot),
    defectDescription: checks.text('defectDescription', data.defectDescription),
    quantityAffected: checks.integer('quantityAffected', data.quantityAffected, 1),
    severity: checks.oneOf('severity', data.severity, SEVERITIES),
    channel: checks.oneOf('channel', data.channel, CHANNELS),
    returnNeeded: checks.boolean('returnNeeded', data.returnNeeded),
    customerProductionAffected: checks.boolean('customerProductionAffected', data.customerProductionAffected),
  };
  checks.done();
  const deadlines = computeDeadlines({ receivedAt, severity: fields.severity, customerDeadline }, policy);
  return [
    {
      type: 'ComplaintRegistered',
      data: {
        complaintNumber: number,
        occurredAt: occurredAt.toISOString(),
        reopenedFrom,
        customerId,
        ...fields,
        receivedAt: receivedAt.toISOString(),
        customerDeadline: customerDeadline === null ? null : customerDeadline.toISOString(),
        containmentDueAt: deadlines.containmentDueAt.toISOString(),
        actionReplyDueAt: deadlines.actionReplyDueAt.toISOString(),
        deadlinePolicyId: policy.id,
        timeZone: policy.timeZone,
      },
    },
  ];
}

/**
 * An original number's year must be the local year of receipt (numbering time zone = the
 * default policy's); a reopened number must extend the number it reopens by `-n`.
 */
function checkNumber(
  checks: FieldChecks,
  number: string,
  reopenedFrom: string | null,
  receivedAt: Date,
  numberingTimeZone: string,
): void {
  if (number === '') return;
  const parsed = parseComplaintNumber(number);
  if (parsed === null) {
    checks.fail('complaintNumber', `'${number}' is not of the form CC-YYYY-NNNN[-n…]`);
    return;
  }
  if (reopenedFrom === null) {
    if (parsed.reopenPath.length > 0) {
      checks.fail('reopenedFrom', `is required for the reopened number ${number}`);
      return;
    }
    const year = complaintYear(receivedAt, numberingTimeZone);
    if (!checks.has('receivedAt') && parsed.year !== year) {
      checks.fail('complaintNumber', `year ${parsed.year} differs from the local year of receipt ${year}`);
    }
    return;
  }
  const suffix = number.startsWith(`${reopenedFrom}-`) ? number.slice(reopenedFrom.length + 1) : '';
  if (parseComplaintNumber(reopenedFrom) === null || !/^[1-9]\d*$/.test(suffix)) {
    checks.fail('complaintNumber', `a reopening of ${reopenedFrom} must be numbered ${reopenedFrom}-<n>`);
  }
}

export function assign(step: Step, data: AssignComplaintData): ComplaintAssigned[] {
  requireStatus(step, ['registered', 'assigned', 'root_cause_recorded'], 'assign a department');
  const department = step.checks.text('department', data.department);
  if (department === step.complaint.department) {
    throw new IllegalStateError(`Complaint ${step.complaint.number} is already assigned to ${department}.`);
  }
  step.checks.done();
  return [
    {
      type: 'ComplaintAssigned',
      data: { ...step.base, department, previousDepartment: step.complaint.department },
    },
  ];
}

export function recordContainment(step: Step, data: RecordContainmentData): ContainmentRecorded[] {
  if (step.complaint.containmentRecordedAt !== null) {
    throw new IllegalStateError(
      `Containment of complaint ${step.complaint.number} was already recorded at ${step.complaint.containmentRecordedAt}.`,
    );
  }
  const { checks } = step;
  const description = checks.text('description', data.description);
  const quantitySecured =
    data.quantitySecured === undefined || data.quantitySecured === null
      ? null
      : checks.integer('quantitySecured', data.quantitySecured, 0);
  checks.done();
  return [{ type: 'ContainmentRecorded', data: { ...step.base, description, quantitySecured } }];
}

export function recordRootCause(step: Step, data: RecordRootCauseData): RootCauseRecorded[] {
  requireStatus(step, ['assigned', 'root_cause_recorded'], 'record the root cause');
  const { checks } = step;
  notBefore(checks, 'occurredAt', step.occurredAt, step.complaint.assignedAt, 'the assignment');
  const event: RootCauseRecorded = {
    type: 'RootCauseRecorded',
    data: {
      ...step.base,
      category: checks.oneOf('category', data.category, CAUSE_CATEGORIES),
      method: checks.oneOf('method', data.method, ANALYSIS_METHODS),
      description: checks.text('description', data.description),
      departmentExplanation: checks.text('departmentExplanation', data.departmentExplanation),
      escapeDescription: checks.optionalText('escapeDescription', data.escapeDescription),
    },
  };
  checks.done();
  return [event];
}

export function decideResponsibility(step: Step, data: DecideResponsibilityData): ResponsibilityDecided[] {
  requireStatus(step, ['root_cause_recorded'], 'decide responsibility');
  const { checks, complaint } = step;
  notBefore(checks, 'occurredAt', step.occurredAt, complaint.rootCause?.recordedAt ?? null, 'the root cause was recorded');
  const event: ResponsibilityDecided = {
    type: 'ResponsibilityDecided',
    data: {
      ...step.base,
      responsibility: checks.oneOf('responsibility', data.responsibility, RESPONSIBILITIES),
      explanation: checks.text('explanation', data.explanation),
      quantityAffected:
        data.quantityAffected === undefined || data.quantityAffected === null
          ? complaint.quantityAffected
          : checks.integer('quantityAffected', data.quantityAffected, 0),
    },
  };
  checks.done();
  return [event];
}

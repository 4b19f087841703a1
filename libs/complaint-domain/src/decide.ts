/**
 * The complaint decider: `createComplaintDecider(policyConfig)` returns pure decide/evolve/
 * initialState. Order of refusals: role (Forbidden) → existence (NotFound) → department scope
 * (Forbidden) → stage (IllegalState) → fields and business time (Validation).
 */
import {
  IllegalStateError,
  NotFoundError,
  ValidationError,
  assertNever,
  type DecisionContext,
  type Decider,
} from '@qms/domain-kernel';
import { assertDepartmentScope, assertRole } from './authorization';
import type { ComplaintCommand } from './commands';
import { DEFAULT_DEADLINE_POLICY_CONFIG, validatePolicyConfig, type DeadlinePolicyConfig } from './deadlines';
import type { ComplaintEvent } from './events';
import { evolveComplaint, initialComplaintState, isRegistered, type ComplaintState } from './state';
import {
  approveWaiver,
  completeAction,
  planCorrectiveAction,
  planPreventiveAction,
  rejectWaiver,
  requestWaiver,
  submitActionPlan,
  verifyAction,
} from './decide/actions';
import {
  approveEightDDecision,
  closeComplaint,
  rejectEightDDecision,
  reopenComplaint,
  replyToCustomer,
} from './decide/closure';
import { assign, decideResponsibility, recordContainment, recordRootCause, register } from './decide/intake';
import { startStep } from './decide/step';

export type ComplaintDecider = Decider<ComplaintCommand, ComplaintEvent, ComplaintState>;

export function createComplaintDecider(config: DeadlinePolicyConfig = DEFAULT_DEADLINE_POLICY_CONFIG): ComplaintDecider {
  validatePolicyConfig(config);
  return {
    initialState: initialComplaintState,
    evolve: evolveComplaint,
    decide: (command, state, context) => decideComplaint(command, state, context, config),
  };
}

export function decideComplaint(
  command: ComplaintCommand,
  state: ComplaintState,
  context: DecisionContext,
  config: DeadlinePolicyConfig,
): ComplaintEvent[] {
  assertRole(context.actor, command.type);
  if (command.type === 'RegisterComplaint') return register(command.data, state, context, config);
  if (!isRegistered(state)) throw new NotFoundError(`Complaint ${command.data.complaintNumber} does not exist.`);
  if (command.data.complaintNumber !== state.number) {
    throw ValidationError.field('complaintNumber', `${command.data.complaintNumber} is not the complaint loaded (${state.number})`);
  }
  assertDepartmentScope(context.actor, state.number, state.department);
  if (state.status === 'closed' && command.type !== 'ReopenComplaint') {
    throw new IllegalStateError(`Complaint ${state.number} is closed; reopen it to continue.`);
  }
  const step = startStep(state, command.data.occurredAt, context);
  switch (command.type) {
    case 'AssignComplaint':
      return assign(step, command.data);
    case 'RecordContainment':
      return recordContainment(step, command.data);
    case 'RecordRootCause':
      return recordRootCause(step, command.data);
    case 'DecideResponsibility':
      return decideResponsibility(step, command.data);
    case 'PlanCorrectiveAction':
      return planCorrectiveAction(step, command.data);
    case 'PlanPreventiveAction':
      return planPreventiveAction(step, command.data);
    case 'RequestPreventiveActionWaiver':
      return requestWaiver(step, command.data);
    case 'ApprovePreventiveActionWaiver':
      return approveWaiver(step, command.data);
    case 'RejectPreventiveActionWaiver':
      return rejectWaiver(step, command.data);
    case 'SubmitActionPlan':
      return submitActionPlan(step, command.data);
    case 'CompleteAction':
      return completeAction(step, command.data);
    case 'VerifyAction':
      return verifyAction(step, command.data);
    case 'ApproveEightDDecision':
      return approveEightDDecision(step, command.data);
    case 'RejectEightDDecision':
      return rejectEightDDecision(step, command.data);
    case 'ReplyToCustomer':
      return replyToCustomer(step, command.data);
    case 'CloseComplaint':
      return closeComplaint(step, command.data);
    case 'ReopenComplaint':
      return reopenComplaint(step, command.data);
    default:
      return assertNever(command, 'complaint command');
  }
}

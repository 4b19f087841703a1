/**
 * Who may do what (DESIGN §3), enforced inside decide so that every entry point (API, CLI,
 * imports) obeys the same table.
 */
import { ForbiddenError, type Actor, type Role } from '@qms/domain-kernel';
import type { CommandType } from './commands';

export const COMPLAINT_COMMAND_ROLES: Readonly<Record<CommandType, readonly Role[]>> = {
  RegisterComplaint: ['sales'],
  AssignComplaint: ['quality'],
  RecordContainment: ['quality'],
  // Quality records the analysis from the complaint meeting; the department its own explanation.
  RecordRootCause: ['quality', 'department'],
  DecideResponsibility: ['quality'],
  PlanCorrectiveAction: ['department'],
  PlanPreventiveAction: ['department'],
  RequestPreventiveActionWaiver: ['department'],
  ApprovePreventiveActionWaiver: ['management'],
  RejectPreventiveActionWaiver: ['management'],
  SubmitActionPlan: ['department'],
  CompleteAction: ['department'],
  VerifyAction: ['quality'],
  ApproveEightDDecision: ['management'],
  RejectEightDDecision: ['management'],
  ReplyToCustomer: ['sales'],
  CloseComplaint: ['quality'],
  ReopenComplaint: ['sales'],
  RecordCustomerNotification: ['sales'],
  EndCustomerNotification: ['sales'],
};

export function mayIssue(role: Role, commandType: CommandType): boolean {
  return COMPLAINT_COMMAND_ROLES[commandType].includes(role);
}

export function assertRole(actor: Actor, commandType: CommandType): void {
  if (!mayIssue(actor.role, commandType)) {
    const allowed = COMPLAINT_COMMAND_ROLES[commandType].join(', ');
    throw new ForbiddenError(`Role '${actor.role}' may not ${commandType}; allowed: ${allowed}.`);
  }
}

/** A department user acts only on complaints assigned to its own department. */
export function assertDepartmentScope(actor: Actor, complaintNumber: string, department: string | null): void {
  if (actor.role !== 'department') return;
  if (department === null) {
    throw new ForbiddenError(`Complaint ${complaintNumber} is not assigned to a department yet.`);
  }
  if (actor.department !== department) {
    throw new ForbiddenError(
      `Complaint ${complaintNumber} is assigned to department '${department}', not to '${actor.department ?? '(none)'}'.`,
    );
  }
}

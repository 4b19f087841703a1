import { ForbiddenError, ROLES, type Actor, type Role } from '@qms/domain-kernel';
import { COMPLAINT_COMMAND_ROLES, mayIssue } from './authorization';
import type { CommandType, ComplaintCommand, CustomerNotificationCommand } from './commands';
import { createComplaintDecider } from './decide';
import { createCustomerNotificationDecider } from './notifications';
import { NUMBER, as, history, jan } from './spec-fixtures';

const complaints = createComplaintDecider();
const notifications = createCustomerNotificationDecider();
const commandTypes = Object.keys(COMPLAINT_COMMAND_ROLES) as CommandType[];
const NOTIFICATION_COMMANDS: readonly CommandType[] = ['RecordCustomerNotification', 'EndCustomerNotification'];

/** Runs a command of any type; the data is irrelevant because the role is checked first. */
function attempt(type: CommandType, role: Role): unknown {
  const actor: Actor = { userId: `u-${role}`, role, department: 'assembly' };
  const data = { complaintNumber: NUMBER, notificationId: 'N-1', occurredAt: jan(10) };
  try {
    if (NOTIFICATION_COMMANDS.includes(type)) {
      notifications.decide({ type, data } as unknown as CustomerNotificationCommand, notifications.initialState(), as(actor));
    } else {
      let state = complaints.initialState();
      for (const event of history.closed) state = complaints.evolve(state, event);
      complaints.decide({ type, data } as unknown as ComplaintCommand, state, as(actor));
    }
    return undefined;
  } catch (error) {
    return error;
  }
}

describe('who may do what (DESIGN §3)', () => {
  it('matches the roles of the procedures', () => {
    const byRole = (role: Role) => commandTypes.filter((type) => mayIssue(role, type)).sort();
    expect(byRole('sales')).toEqual(
      ['EndCustomerNotification', 'RecordCustomerNotification', 'RegisterComplaint', 'ReopenComplaint', 'ReplyToCustomer'].sort(),
    );
    expect(byRole('quality')).toEqual(
      ['AssignComplaint', 'CloseComplaint', 'DecideResponsibility', 'RecordContainment', 'RecordRootCause', 'VerifyAction'].sort(),
    );
    expect(byRole('management')).toEqual(
      ['ApproveEightDDecision', 'ApprovePreventiveActionWaiver', 'RejectEightDDecision', 'RejectPreventiveActionWaiver'].sort(),
    );
    expect(byRole('department')).toEqual(
      ['CompleteAction', 'PlanCorrectiveAction', 'PlanPreventiveAction', 'RecordRootCause', 'RequestPreventiveActionWaiver', 'SubmitActionPlan'].sort(),
    );
    for (const role of ['warehouse', 'planning', 'auditor', 'admin'] as const) expect(byRole(role)).toEqual([]);
  });

  const disallowed = commandTypes.flatMap((type) =>
    ROLES.filter((role) => !COMPLAINT_COMMAND_ROLES[type].includes(role)).map((role) => [type, role] as const),
  );

  it.each(disallowed)('decide refuses %s to %s', (type, role) => {
    const error = attempt(type, role);
    expect(error).toBeInstanceOf(ForbiddenError);
    expect((error as Error).message).toContain(type);
  });

  it.each(commandTypes.flatMap((type) => COMPLAINT_COMMAND_ROLES[type].map((role) => [type, role] as const)))(
    'decide lets %s through to %s (refused later for other reasons, never as forbidden)',
    (type, role) => {
      expect(attempt(type, role)).not.toBeInstanceOf(ForbiddenError);
    },
  );
});

import { assertNever, type DecisionContext, ForbiddenError, type Role } from '@qms/domain-kernel';
import type { ReturnCommand, ReturnCommandType } from './commands';
import { archiveFailureAnalysis, creditReturn } from './decide-closure';
import { completeRework, dispositionReturnItem, issueReworkOrder } from './decide-disposition';
import { inspectReturn, receiveReturn } from './decide-intake';
import { checkStock, confirmStock, requestEmergencyProduction } from './decide-replacement';
import type { ReturnEvent } from './events';
import { RETURN_COMMAND_ROLES } from './roles';
import type { ReturnState } from './state';

export function decideReturn(
  command: ReturnCommand,
  state: ReturnState,
  context: DecisionContext,
  roles: Readonly<Record<ReturnCommandType, readonly Role[]>> = RETURN_COMMAND_ROLES,
): ReturnEvent[] {
  const allowed = roles[command.type];
  if (!allowed.includes(context.actor.role)) {
    throw new ForbiddenError(
      `Role ${context.actor.role} may not ${command.type}; allowed: ${allowed.join(', ')}`,
    );
  }
  switch (command.type) {
    case 'ReceiveReturn':
      return receiveReturn(command, state, context);
    case 'InspectReturn':
      return inspectReturn(command, state, context);
    case 'DispositionReturnItem':
      return dispositionReturnItem(command, state, context);
    case 'IssueReworkOrder':
      return issueReworkOrder(command, state, context);
    case 'CompleteRework':
      return completeRework(command, state, context);
    case 'ArchiveFailureAnalysis':
      return archiveFailureAnalysis(command, state, context);
    case 'CheckStock':
      return checkStock(command, state, context);
    case 'ConfirmStock':
      return confirmStock(command, state, context);
    case 'RequestEmergencyProduction':
      return requestEmergencyProduction(command, state, context);
    case 'CreditReturn':
      return creditReturn(command, state, context);
    default:
      return assertNever(command, 'return command');
  }
}

import type { Role } from '@qms/domain-kernel';
import type { ReturnCommandType } from './commands';

/**
 * Who may do what with a return (DESIGN §3, procedure §7.2, §6.1.5): the warehouse counts the
 * goods, quality confirms and decides, planning issues rework orders and emergency production,
 * sales settles with the customer.
 */
export const RETURN_COMMAND_ROLES: Readonly<Record<ReturnCommandType, readonly Role[]>> = {
  ReceiveReturn: ['warehouse'],
  InspectReturn: ['quality'],
  DispositionReturnItem: ['quality'],
  IssueReworkOrder: ['planning'],
  CompleteRework: ['quality'],
  ArchiveFailureAnalysis: ['quality'],
  CheckStock: ['planning'],
  ConfirmStock: ['quality'],
  RequestEmergencyProduction: ['planning'],
  CreditReturn: ['sales'],
};

import { ForbiddenError, ROLES } from '@qms/domain-kernel';
import { deciderSpec } from '../../testing/src/decider-spec';
import type { ReturnCommand, ReturnCommandType } from './commands';
import { createReturnDecider } from './decider';
import { RETURN_COMMAND_ROLES } from './roles';
import { RETURN_ID, ctx, received } from './spec-fixtures';

/** One minimal command per type: the role check happens before anything else is looked at. */
const commands: Record<ReturnCommandType, ReturnCommand> = {
  ReceiveReturn: {
    type: 'ReceiveReturn',
    returnId: RETURN_ID,
    receivingNoteNo: 'RN',
    customerId: 'C',
    items: [],
  },
  InspectReturn: { type: 'InspectReturn', returnId: RETURN_ID, items: [], findings: '' },
  DispositionReturnItem: {
    type: 'DispositionReturnItem',
    returnId: RETURN_ID,
    itemNo: 1,
    quantity: 1,
    disposition: 'sort',
  },
  IssueReworkOrder: { type: 'IssueReworkOrder', returnId: RETURN_ID, dispositionNo: 1, reworkOrderNo: 'RW' },
  CompleteRework: {
    type: 'CompleteRework',
    returnId: RETURN_ID,
    dispositionNo: 1,
    passedQuantity: 1,
    failedQuantity: 0,
  },
  ArchiveFailureAnalysis: {
    type: 'ArchiveFailureAnalysis',
    returnId: RETURN_ID,
    reportReference: 'FA',
    conclusion: 'x',
  },
  CheckStock: {
    type: 'CheckStock',
    returnId: RETURN_ID,
    materialNo: 'M',
    requiredQuantity: 1,
    availableQuantity: 0,
  },
  ConfirmStock: { type: 'ConfirmStock', returnId: RETURN_ID, materialNo: 'M', confirmedAvailableQuantity: 0 },
  RequestEmergencyProduction: { type: 'RequestEmergencyProduction', returnId: RETURN_ID, materialNo: 'M' },
  CreditReturn: { type: 'CreditReturn', returnId: RETURN_ID, creditNoteNo: 'CN', creditedQuantity: 1 },
};

describe('return roles (DESIGN §3)', () => {
  const spec = deciderSpec(createReturnDecider());

  it('matches the procedure: warehouse receives, quality decides, planning plans, sales credits', () => {
    expect(RETURN_COMMAND_ROLES).toEqual({
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
    });
  });

  for (const [type, allowed] of Object.entries(RETURN_COMMAND_ROLES) as [
    ReturnCommandType,
    readonly string[],
  ][]) {
    for (const role of ROLES.filter((r) => !allowed.includes(r))) {
      it(`refuses ${type} by ${role}`, () => {
        spec
          .given([received])
          .when(commands[type], ctx(role))
          .thenThrows(ForbiddenError, new RegExp(`${role} may not ${type}`));
      });
    }
  }

  it('takes role overrides from the configuration', () => {
    const custom = deciderSpec(createReturnDecider({ roles: { CreditReturn: ['management'] } }));
    custom.given([received]).when(commands.CreditReturn, ctx('sales')).thenThrows(ForbiddenError);
  });
});

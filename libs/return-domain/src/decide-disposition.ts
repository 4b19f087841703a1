import { type DecisionContext, IllegalStateError } from '@qms/domain-kernel';
import type { CompleteRework, DispositionReturnItem, IssueReworkOrder } from './commands';
import { base, requireReceived, stepTime } from './decide-common';
import {
  DISPOSITION_SOURCES,
  RETURN_DISPOSITIONS,
  REWORK_INSTRUCTIONS,
  type ReturnItemDispositioned,
  type ReworkCompleted,
  type ReworkOrderIssued,
} from './events';
import {
  type DispositionState,
  type ReceivedReturnState,
  type ReturnState,
  undispositionedQuantity,
} from './state';
import { FieldChecks } from '@qms/domain-kernel';

export function dispositionReturnItem(
  command: DispositionReturnItem,
  state: ReturnState,
  context: DecisionContext,
): ReturnItemDispositioned[] {
  const current = requireReceived(state, command.returnId);
  const checks = new FieldChecks();
  const itemNo = checks.positiveInteger('itemNo', command.itemNo);
  const quantity = checks.positiveInteger('quantity', command.quantity);
  const disposition = checks.oneOf('disposition', command.disposition, RETURN_DISPOSITIONS);
  const source = checks.oneOf('source', command.source ?? 'received', DISPOSITION_SOURCES);
  const note = checks.optionalText('note', command.note);
  const reworkInstruction = command.reworkInstruction ?? null;
  const concessionReference = checks.optionalText('concessionReference', command.concessionReference, 100);
  const nonconformingReportNo = checks.optionalText(
    'nonconformingReportNo',
    command.nonconformingReportNo,
    100,
  );
  if (disposition === 'rework') {
    checks.oneOf('reworkInstruction', reworkInstruction, REWORK_INSTRUCTIONS);
  } else if (reworkInstruction !== null) {
    checks.fail('reworkInstruction', 'applies to a rework disposition only');
  }
  if (disposition === 'use_as_is' && concessionReference === null) {
    checks.fail('concessionReference', "use as is needs the customer's concession reference (IATF 8.7.1.1)");
  } else if (disposition !== 'use_as_is' && concessionReference !== null) {
    checks.fail('concessionReference', 'applies to a use-as-is disposition only');
  }
  if (disposition === 'scrap' && nonconformingReportNo === null) {
    checks.fail(
      'nonconformingReportNo',
      'scrap is handled under nonconforming-product control: give its record number',
    );
  } else if (disposition !== 'scrap' && nonconformingReportNo !== null) {
    checks.fail('nonconformingReportNo', 'applies to a scrap disposition only');
  }
  checks.done();
  const occurredAt = stepTime(command.occurredAt, context, current);
  if (current.inspection === null) {
    throw new IllegalStateError(`Return ${current.returnId} must be inspected before any disposition`);
  }
  const item = current.items.find((candidate) => candidate.itemNo === itemNo);
  if (item === undefined) throw new IllegalStateError(`Return ${current.returnId} has no item ${itemNo}`);
  const open = undispositionedQuantity(current, itemNo, source);
  if (quantity > open) {
    const pool = source === 'received' ? `of the ${item.quantity} received` : 'from failed rework';
    throw new IllegalStateError(
      `Item ${itemNo}: cannot disposition ${quantity}; only ${open} ${pool} ${open === 1 ? 'is' : 'are'} still without a disposition`,
    );
  }
  return [
    {
      type: 'ReturnItemDispositioned',
      data: {
        ...base(current, occurredAt),
        dispositionNo: current.dispositions.length + 1,
        itemNo,
        materialNo: item.materialNo,
        quantity,
        disposition,
        source,
        reworkInstruction,
        concessionReference,
        nonconformingReportNo,
        note,
      },
    },
  ];
}

function requireRework(state: ReceivedReturnState, dispositionNo: number, step: string): DispositionState {
  const disposition = state.dispositions.find((d) => d.dispositionNo === dispositionNo);
  if (disposition === undefined)
    throw new IllegalStateError(`Return ${state.returnId} has no disposition ${dispositionNo}`);
  if (disposition.disposition !== 'rework') {
    throw new IllegalStateError(
      `Disposition ${dispositionNo} is ${disposition.disposition}, not rework: ${step} applies to rework only`,
    );
  }
  return disposition;
}

export function issueReworkOrder(
  command: IssueReworkOrder,
  state: ReturnState,
  context: DecisionContext,
): ReworkOrderIssued[] {
  const current = requireReceived(state, command.returnId);
  const checks = new FieldChecks();
  const dispositionNo = checks.positiveInteger('dispositionNo', command.dispositionNo);
  const reworkOrderNo = checks.text('reworkOrderNo', command.reworkOrderNo, 100);
  checks.done();
  const occurredAt = stepTime(command.occurredAt, context, current);
  const disposition = requireRework(current, dispositionNo, 'a rework order');
  if (disposition.reworkOrderNo !== null) {
    throw new IllegalStateError(
      `Disposition ${dispositionNo} already has rework order ${disposition.reworkOrderNo}`,
    );
  }
  return [
    {
      type: 'ReworkOrderIssued',
      data: {
        ...base(current, occurredAt),
        dispositionNo,
        itemNo: disposition.itemNo,
        reworkOrderNo,
        quantity: disposition.quantity,
      },
    },
  ];
}

export function completeRework(
  command: CompleteRework,
  state: ReturnState,
  context: DecisionContext,
): ReworkCompleted[] {
  const current = requireReceived(state, command.returnId);
  const checks = new FieldChecks();
  const dispositionNo = checks.positiveInteger('dispositionNo', command.dispositionNo);
  const passedQuantity = checks.nonNegativeInteger('passedQuantity', command.passedQuantity);
  const failedQuantity = checks.nonNegativeInteger('failedQuantity', command.failedQuantity);
  checks.done();
  const occurredAt = stepTime(command.occurredAt, context, current);
  const disposition = requireRework(current, dispositionNo, 'rework completion');
  if (disposition.reworkOrderNo === null || disposition.reworkInstruction === null) {
    throw new IllegalStateError(
      `Disposition ${dispositionNo} has no rework order yet: planning issues it first`,
    );
  }
  if (disposition.reworkResult !== null)
    throw new IllegalStateError(`Rework of disposition ${dispositionNo} was already completed`);
  if (passedQuantity + failedQuantity !== disposition.quantity) {
    throw new IllegalStateError(
      `Passed ${passedQuantity} + failed ${failedQuantity} must equal the ${disposition.quantity} sent to rework`,
    );
  }
  return [
    {
      type: 'ReworkCompleted',
      data: {
        ...base(current, occurredAt),
        dispositionNo,
        itemNo: disposition.itemNo,
        materialNo: disposition.materialNo,
        reworkOrderNo: disposition.reworkOrderNo,
        reworkInstruction: disposition.reworkInstruction,
        passedQuantity,
        failedQuantity,
      },
    },
  ];
}

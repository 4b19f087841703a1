import { type DecisionContext, IllegalStateError } from '@qms/domain-kernel';
import type { InspectReturn, ReceiveReturn } from './commands';
import { base, requireReceived, stepTime } from './decide-common';
import { RETURN_RESPONSIBILITIES, type ReturnInspected, type ReturnReceived } from './events';
import type { ReturnState } from './state';
import { businessTime, FieldChecks } from '@qms/domain-kernel';

export function receiveReturn(
  command: ReceiveReturn,
  state: ReturnState,
  context: DecisionContext,
): ReturnReceived[] {
  const checks = new FieldChecks();
  const returnId = checks.text('returnId', command.returnId, 100);
  const receivingNoteNo = checks.text('receivingNoteNo', command.receivingNoteNo, 100);
  const customerId = checks.text('customerId', command.customerId, 100);
  const complaintNumber = checks.optionalText('complaintNumber', command.complaintNumber, 100);
  const periodicBulk = command.periodicBulk ?? false;
  if (periodicBulk && complaintNumber !== null) {
    checks.fail(
      'complaintNumber',
      'a periodic/bulk return (统退货, §7.1) is not a complaint and cannot link to one',
    );
  }
  if (!Array.isArray(command.items) || command.items.length === 0)
    checks.fail('items', 'at least one item is required');
  const items = (command.items ?? []).map((item, index) => ({
    itemNo: checks.positiveInteger(`items[${index}].itemNo`, item.itemNo),
    materialNo: checks.text(`items[${index}].materialNo`, item.materialNo, 100),
    quantity: checks.positiveInteger(`items[${index}].quantity`, item.quantity),
  }));
  items.forEach((item, index) => {
    if (items.findIndex((other) => other.itemNo === item.itemNo) !== index) {
      checks.fail(`items[${index}].itemNo`, `item ${item.itemNo} appears more than once`);
    }
  });
  checks.done();
  const occurredAt = businessTime(command.occurredAt, context.now);
  if (state.status !== 'none') throw new IllegalStateError(`Return ${returnId} was already received`);
  return [
    {
      type: 'ReturnReceived',
      data: {
        returnId,
        customerId,
        occurredAt,
        receivingNoteNo,
        items,
        complaintNumber,
        periodicBulk,
        urgentNeed: command.urgentNeed ?? false,
      },
    },
  ];
}

export function inspectReturn(
  command: InspectReturn,
  state: ReturnState,
  context: DecisionContext,
): ReturnInspected[] {
  const current = requireReceived(state, command.returnId);
  const checks = new FieldChecks();
  const findings = checks.text('findings', command.findings);
  const given = (command.items ?? []).map((item, index) => ({
    itemNo: checks.positiveInteger(`items[${index}].itemNo`, item.itemNo),
    defectiveQuantity: checks.nonNegativeInteger(`items[${index}].defectiveQuantity`, item.defectiveQuantity),
  }));
  const responsibility = command.responsibility ?? null;
  if (responsibility !== null) checks.oneOf('responsibility', responsibility, RETURN_RESPONSIBILITIES);
  checks.done();
  const occurredAt = stepTime(command.occurredAt, context, current);
  if (current.inspection !== null)
    throw new IllegalStateError(`Return ${current.returnId} was already inspected`);

  const unknown = given.filter((g) => !current.items.some((item) => item.itemNo === g.itemNo));
  if (unknown.length > 0) {
    throw new IllegalStateError(
      `Return ${current.returnId} has no item ${unknown.map((u) => u.itemNo).join(', ')}`,
    );
  }
  const items = current.items.map((item) => {
    const matches = given.filter((g) => g.itemNo === item.itemNo);
    const inspected = matches[0];
    if (inspected === undefined || matches.length > 1) {
      throw new IllegalStateError(
        `The inspection must state the defective quantity of item ${item.itemNo} exactly once`,
      );
    }
    if (inspected.defectiveQuantity > item.quantity) {
      throw new IllegalStateError(
        `Item ${item.itemNo}: defective quantity ${inspected.defectiveQuantity} exceeds the ${item.quantity} received`,
      );
    }
    return {
      itemNo: item.itemNo,
      materialNo: item.materialNo,
      receivedQuantity: item.quantity,
      defectiveQuantity: inspected.defectiveQuantity,
    };
  });
  const totalDefectiveQuantity = items.reduce((sum, item) => sum + item.defectiveQuantity, 0);
  const result = totalDefectiveQuantity === 0 ? 'no_trouble_found' : 'defective';
  if (result === 'defective' && responsibility === null) {
    throw new IllegalStateError(
      'A defective return needs a responsibility (ours, customer, supplier or undetermined)',
    );
  }
  if (result === 'no_trouble_found' && responsibility !== null) {
    throw new IllegalStateError(
      'No trouble found: nothing is defective, so no responsibility can be assigned',
    );
  }
  return [
    {
      type: 'ReturnInspected',
      data: {
        ...base(current, occurredAt),
        result,
        responsibility,
        items,
        totalReceivedQuantity: items.reduce((sum, item) => sum + item.receivedQuantity, 0),
        totalDefectiveQuantity,
        findings,
      },
    },
  ];
}

import { type DecisionContext, IllegalStateError } from '@qms/domain-kernel';
import type { CheckStock, ConfirmStock, RequestEmergencyProduction } from './commands';
import { base, requireReceived, stepTime } from './decide-common';
import type { EmergencyProductionRequested, StockChecked, StockConfirmed } from './events';
import type { ReceivedReturnState, ReturnState, StockCheckState } from './state';
import { FieldChecks } from '@qms/domain-kernel';

/*
 * Replacement for the returned goods (§6.1.5, §6.2.5): planning counts stock, quality confirms
 * what of it is usable, and a confirmed shortage is covered by emergency production.
 */

function requireReturnedMaterial(state: ReceivedReturnState, materialNo: string): void {
  if (!state.items.some((item) => item.materialNo === materialNo)) {
    throw new IllegalStateError(`Return ${state.returnId} contains no material ${materialNo}`);
  }
}

function requireCheck(state: ReceivedReturnState, materialNo: string): StockCheckState {
  const check = state.stockChecks.find((c) => c.materialNo === materialNo);
  if (check === undefined)
    throw new IllegalStateError(`Stock of ${materialNo} has not been checked by planning`);
  return check;
}

export function checkStock(
  command: CheckStock,
  state: ReturnState,
  context: DecisionContext,
): StockChecked[] {
  const current = requireReceived(state, command.returnId);
  const checks = new FieldChecks();
  const materialNo = checks.text('materialNo', command.materialNo, 100);
  const requiredQuantity = checks.positiveInteger('requiredQuantity', command.requiredQuantity);
  const availableQuantity = checks.nonNegativeInteger('availableQuantity', command.availableQuantity);
  checks.done();
  const occurredAt = stepTime(command.occurredAt, context, current);
  requireReturnedMaterial(current, materialNo);
  const previous = current.stockChecks.find((c) => c.materialNo === materialNo);
  if (previous?.emergencyRequested) {
    throw new IllegalStateError(
      `Emergency production of ${materialNo} was already requested for this return`,
    );
  }
  return [
    {
      type: 'StockChecked',
      data: { ...base(current, occurredAt), materialNo, requiredQuantity, availableQuantity },
    },
  ];
}

export function confirmStock(
  command: ConfirmStock,
  state: ReturnState,
  context: DecisionContext,
): StockConfirmed[] {
  const current = requireReceived(state, command.returnId);
  const checks = new FieldChecks();
  const materialNo = checks.text('materialNo', command.materialNo, 100);
  const confirmedAvailableQuantity = checks.nonNegativeInteger(
    'confirmedAvailableQuantity',
    command.confirmedAvailableQuantity,
  );
  checks.done();
  const occurredAt = stepTime(command.occurredAt, context, current);
  const check = requireCheck(current, materialNo);
  if (check.confirmedAvailableQuantity !== null) {
    throw new IllegalStateError(
      `The stock check of ${materialNo} was already confirmed; planning checks again first`,
    );
  }
  if (confirmedAvailableQuantity > check.availableQuantity) {
    throw new IllegalStateError(
      `Quality cannot confirm ${confirmedAvailableQuantity} of ${materialNo}: planning counted only ${check.availableQuantity}`,
    );
  }
  return [
    {
      type: 'StockConfirmed',
      data: {
        ...base(current, occurredAt),
        materialNo,
        requiredQuantity: check.requiredQuantity,
        confirmedAvailableQuantity,
        shortQuantity: Math.max(0, check.requiredQuantity - confirmedAvailableQuantity),
      },
    },
  ];
}

export function requestEmergencyProduction(
  command: RequestEmergencyProduction,
  state: ReturnState,
  context: DecisionContext,
): EmergencyProductionRequested[] {
  const current = requireReceived(state, command.returnId);
  const checks = new FieldChecks();
  const materialNo = checks.text('materialNo', command.materialNo, 100);
  if (command.quantity !== undefined) checks.positiveInteger('quantity', command.quantity);
  const neededBy = checks.optionalDate('neededBy', command.neededBy);
  checks.done();
  const occurredAt = stepTime(command.occurredAt, context, current);
  const check = requireCheck(current, materialNo);
  if (check.shortQuantity === null) {
    throw new IllegalStateError(
      `Stock of ${materialNo} must be confirmed by quality before emergency production`,
    );
  }
  if (check.shortQuantity === 0) {
    throw new IllegalStateError(
      `Stock of ${materialNo} covers the ${check.requiredQuantity} required: no emergency production`,
    );
  }
  if (check.emergencyRequested)
    throw new IllegalStateError(`Emergency production of ${materialNo} was already requested`);
  const quantity = command.quantity ?? check.shortQuantity;
  if (quantity < check.shortQuantity) {
    throw new IllegalStateError(
      `Emergency production of ${quantity} does not cover the shortage of ${check.shortQuantity}`,
    );
  }
  return [
    {
      type: 'EmergencyProductionRequested',
      data: { ...base(current, occurredAt), materialNo, quantity, neededBy },
    },
  ];
}

import {
  assertNever,
  type DecisionContext,
  ForbiddenError,
  IllegalStateError,
  NotFoundError,
  type Role,
} from '@qms/domain-kernel';
import type { CorrectDelivery, DeliveryCommand, DeliveryCommandType, RecordDelivery } from './commands';
import type { DeliveryCorrected, DeliveryEvent, DeliveryFacts, DeliveryRecorded } from './events';
import { DELIVERY_COMMAND_ROLES } from './roles';
import { type DeliveryState, sameFacts } from './state';
import { businessTime, FieldChecks } from '@qms/domain-kernel';

export function decideDelivery(
  command: DeliveryCommand,
  state: DeliveryState,
  context: DecisionContext,
  roles: Readonly<Record<DeliveryCommandType, readonly Role[]>> = DELIVERY_COMMAND_ROLES,
): DeliveryEvent[] {
  const allowed = roles[command.type];
  if (!allowed.includes(context.actor.role)) {
    throw new ForbiddenError(
      `Role ${context.actor.role} may not ${command.type}; allowed: ${allowed.join(', ')}`,
    );
  }
  switch (command.type) {
    case 'RecordDelivery':
      return recordDelivery(command, state, context);
    case 'CorrectDelivery':
      return correctDelivery(command, state, context);
    default:
      return assertNever(command, 'delivery command');
  }
}

function checkFacts(
  checks: FieldChecks,
  input: Omit<DeliveryFacts, 'premiumFreight'> & { premiumFreight?: boolean },
  context: DecisionContext,
  prefix = '',
): DeliveryFacts {
  const customerId = checks.text(`${prefix}customerId`, input.customerId, 100);
  const partNo = checks.text(`${prefix}partNo`, input.partNo, 100);
  const quantity = checks.positiveInteger(`${prefix}quantity`, input.quantity);
  const promisedDate = checks.date(`${prefix}promisedDate`, input.promisedDate);
  const deliveredAt = checks.pastInstant(`${prefix}deliveredAt`, input.deliveredAt, context.now);
  const premiumFreight = input.premiumFreight ?? false;
  if (typeof premiumFreight !== 'boolean') checks.fail(`${prefix}premiumFreight`, 'must be true or false');
  return { customerId, partNo, quantity, promisedDate, deliveredAt, premiumFreight };
}

function recordDelivery(
  command: RecordDelivery,
  state: DeliveryState,
  context: DecisionContext,
): DeliveryRecorded[] {
  const checks = new FieldChecks();
  const orderNo = checks.text('orderNo', command.orderNo, 100);
  const lineNo = checks.text('lineNo', command.lineNo, 100);
  const facts = checkFacts(checks, command, context);
  checks.done();
  if (state.status === 'recorded') {
    // A re-imported export repeats lines already recorded: identical facts are not news.
    if (sameFacts(facts, state.current) || sameFacts(facts, state.original)) return [];
    throw new IllegalStateError(
      `Order ${orderNo} line ${lineNo} was already recorded with different facts (${describeDifferences(state.current, facts)}); ` +
        'a change needs a CorrectDelivery with a reason',
    );
  }
  return [{ type: 'DeliveryRecorded', data: { orderNo, lineNo, ...facts, occurredAt: facts.deliveredAt } }];
}

function correctDelivery(
  command: CorrectDelivery,
  state: DeliveryState,
  context: DecisionContext,
): DeliveryCorrected[] {
  if (state.status === 'none')
    throw new NotFoundError(`Order ${command.orderNo} line ${command.lineNo} has no recorded delivery`);
  const checks = new FieldChecks();
  const reason = checks.text('reason', command.reason);
  const changes = command.changes ?? {};
  if (Object.keys(changes).length === 0) checks.fail('changes', 'name at least one fact to correct');
  const corrected = checkFacts(
    checks,
    {
      customerId: changes.customerId ?? state.current.customerId,
      partNo: changes.partNo ?? state.current.partNo,
      quantity: changes.quantity ?? state.current.quantity,
      promisedDate: changes.promisedDate ?? state.current.promisedDate,
      deliveredAt: changes.deliveredAt ?? state.current.deliveredAt,
      premiumFreight: changes.premiumFreight ?? state.current.premiumFreight,
    },
    context,
    'changes.',
  );
  checks.done();
  const occurredAt = businessTime(command.occurredAt, context.now);
  if (sameFacts(corrected, state.current)) {
    throw new IllegalStateError(
      `The correction changes nothing on order ${state.orderNo} line ${state.lineNo}`,
    );
  }
  return [
    {
      type: 'DeliveryCorrected',
      data: {
        orderNo: state.orderNo,
        lineNo: state.lineNo,
        previous: state.current,
        corrected,
        reason,
        occurredAt,
      },
    },
  ];
}

function describeDifferences(recorded: DeliveryFacts, given: DeliveryFacts): string {
  const keys = Object.keys(recorded) as (keyof DeliveryFacts)[];
  return keys
    .filter((key) => recorded[key] !== given[key])
    .map((key) => `${key}: recorded ${String(recorded[key])}, now ${String(given[key])}`)
    .join('; ');
}

/**
 * Customer notifications about quality or delivery and special statuses (IATF 9.1.2.1 d), one
 * stream per notification. Recorded with the date received; only a special status ends.
 */
import {
  IllegalStateError,
  NotFoundError,
  ValidationError,
  assertNever,
  type DecisionContext,
  type Decider,
} from '@qms/domain-kernel';
import { assertRole } from '../authorization';
import type { CustomerNotificationCommand, EndCustomerNotificationData, RecordCustomerNotificationData } from '../commands';
import {
  NOTIFICATION_KINDS,
  SPECIAL_STATUSES,
  type CustomerNotificationEnded,
  type CustomerNotificationEvent,
  type CustomerNotificationReceived,
  type NotificationKind,
  type SpecialStatus,
} from '../events';
import { FieldChecks, notBefore, notInFuture } from '../validation';

export type CustomerNotificationState =
  | { readonly status: 'none' }
  | {
      readonly status: 'active' | 'ended';
      readonly notificationId: string;
      readonly customerId: string;
      readonly kind: NotificationKind;
      readonly specialStatus: SpecialStatus | null;
      readonly receivedAt: string;
      readonly endedAt: string | null;
    };

export type CustomerNotificationDecider = Decider<CustomerNotificationCommand, CustomerNotificationEvent, CustomerNotificationState>;

export const initialCustomerNotificationState = (): CustomerNotificationState => ({ status: 'none' });

export function evolveCustomerNotification(
  state: CustomerNotificationState,
  event: CustomerNotificationEvent,
): CustomerNotificationState {
  switch (event.type) {
    case 'CustomerNotificationReceived':
      return {
        status: 'active',
        notificationId: event.data.notificationId,
        customerId: event.data.customerId,
        kind: event.data.kind,
        specialStatus: event.data.specialStatus,
        receivedAt: event.data.receivedAt,
        endedAt: null,
      };
    case 'CustomerNotificationEnded':
      return state.status === 'none' ? state : { ...state, status: 'ended', endedAt: event.data.occurredAt };
    default:
      return assertNever(event, 'customer notification event');
  }
}

function record(
  data: RecordCustomerNotificationData,
  state: CustomerNotificationState,
  context: DecisionContext,
): CustomerNotificationReceived[] {
  if (state.status !== 'none') {
    throw new IllegalStateError(`Customer notification ${state.notificationId} is already recorded.`);
  }
  const checks = new FieldChecks();
  const receivedAt = checks.instant('receivedAt', data.receivedAt);
  const occurredAt = checks.instant('occurredAt', data.occurredAt);
  notInFuture(checks, 'receivedAt', receivedAt, context.now);
  notInFuture(checks, 'occurredAt', occurredAt, context.now);
  notBefore(checks, 'occurredAt', occurredAt, receivedAt.toISOString(), 'the notification was received');
  const kind = checks.oneOf('kind', data.kind, NOTIFICATION_KINDS);
  let specialStatus: SpecialStatus | null = null;
  if (kind === 'special_status') {
    specialStatus = checks.oneOf('specialStatus', data.specialStatus, SPECIAL_STATUSES);
  } else if (data.specialStatus !== undefined && data.specialStatus !== null) {
    checks.fail('specialStatus', "is only set when kind is 'special_status'");
  }
  const event: CustomerNotificationReceived = {
    type: 'CustomerNotificationReceived',
    data: {
      notificationId: checks.text('notificationId', data.notificationId),
      customerId: checks.text('customerId', data.customerId),
      occurredAt: occurredAt.toISOString(),
      kind,
      specialStatus,
      description: checks.text('description', data.description),
      receivedAt: receivedAt.toISOString(),
      complaintNumber: checks.optionalText('complaintNumber', data.complaintNumber),
    },
  };
  checks.done();
  return [event];
}

function end(
  data: EndCustomerNotificationData,
  state: CustomerNotificationState,
  context: DecisionContext,
): CustomerNotificationEnded[] {
  if (state.status === 'none') throw new NotFoundError(`Customer notification ${data.notificationId} does not exist.`);
  if (data.notificationId !== state.notificationId) {
    throw ValidationError.field('notificationId', `${data.notificationId} is not the notification loaded (${state.notificationId})`);
  }
  if (state.kind !== 'special_status') {
    throw new IllegalStateError(`Customer notification ${state.notificationId} is a ${state.kind} notification; only a special status ends.`);
  }
  if (state.status === 'ended') {
    throw new IllegalStateError(`The special status of notification ${state.notificationId} already ended at ${state.endedAt ?? ''}.`);
  }
  const checks = new FieldChecks();
  const occurredAt = checks.instant('occurredAt', data.occurredAt);
  notInFuture(checks, 'occurredAt', occurredAt, context.now);
  notBefore(checks, 'occurredAt', occurredAt, state.receivedAt, 'the notification was received');
  const remarks = checks.optionalText('remarks', data.remarks);
  checks.done();
  return [
    {
      type: 'CustomerNotificationEnded',
      data: {
        notificationId: state.notificationId,
        customerId: state.customerId,
        occurredAt: occurredAt.toISOString(),
        remarks,
      },
    },
  ];
}

export function decideCustomerNotification(
  command: CustomerNotificationCommand,
  state: CustomerNotificationState,
  context: DecisionContext,
): CustomerNotificationEvent[] {
  assertRole(context.actor, command.type);
  switch (command.type) {
    case 'RecordCustomerNotification':
      return record(command.data, state, context);
    case 'EndCustomerNotification':
      return end(command.data, state, context);
    default:
      return assertNever(command, 'customer notification command');
  }
}

export function createCustomerNotificationDecider(): CustomerNotificationDecider {
  return {
    initialState: initialCustomerNotificationState,
    evolve: evolveCustomerNotification,
    decide: decideCustomerNotification,
  };
}

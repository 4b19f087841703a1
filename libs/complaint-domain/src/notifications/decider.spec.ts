import { ForbiddenError, IllegalStateError, NotFoundError, ValidationError } from '@qms/domain-kernel';
import { deciderSpec } from '../../../testing/src/decider-spec';
import type { RecordCustomerNotificationData } from '../commands';
import type { CustomerNotificationEvent } from '../events';
import { actors, as, jan } from '../spec-fixtures';
import { createCustomerNotificationDecider } from './decider';

const spec = deciderSpec(createCustomerNotificationDecider());

const recordData = (overrides: Partial<RecordCustomerNotificationData> = {}): RecordCustomerNotificationData => ({
  notificationId: 'N-1',
  customerId: 'ACME',
  kind: 'special_status',
  specialStatus: 'controlled_shipping_cs1',
  description: 'CS1 for part P-100 after repeated burrs',
  receivedAt: jan(10),
  complaintNumber: 'CC-2025-0001',
  occurredAt: jan(10, 5),
  ...overrides,
});

const received: CustomerNotificationEvent = {
  type: 'CustomerNotificationReceived',
  data: {
    notificationId: 'N-1',
    customerId: 'ACME',
    occurredAt: jan(10, 5),
    kind: 'special_status',
    specialStatus: 'controlled_shipping_cs1',
    description: 'CS1 for part P-100 after repeated burrs',
    receivedAt: jan(10),
    complaintNumber: 'CC-2025-0001',
  },
};

const end = (occurredAt = jan(30)) =>
  ({ type: 'EndCustomerNotification', data: { notificationId: 'N-1', occurredAt, remarks: 'CS1 lifted' } }) as const;

describe('RecordCustomerNotification (IATF 9.1.2.1 d)', () => {
  it('records a special status with the date received', () => {
    spec.given([]).when({ type: 'RecordCustomerNotification', data: recordData() }, as(actors.sales)).then([received]);
  });

  it('records a delivery notification without a special status', () => {
    const [event] = spec
      .given([])
      .when(
        { type: 'RecordCustomerNotification', data: recordData({ kind: 'delivery', specialStatus: null, complaintNumber: null }) },
        as(actors.sales),
      )
      .thenEvents();
    expect(event?.data).toMatchObject({ kind: 'delivery', specialStatus: null, complaintNumber: null });
  });

  it('needs the special status exactly when the kind is special_status', () => {
    spec
      .given([])
      .when({ type: 'RecordCustomerNotification', data: recordData({ specialStatus: null }) }, as(actors.sales))
      .thenThrows(ValidationError, /specialStatus/);
    spec
      .given([])
      .when({ type: 'RecordCustomerNotification', data: recordData({ kind: 'quality' }) }, as(actors.sales))
      .thenThrows(ValidationError, /specialStatus/);
  });

  it('refuses a received date in the future', () => {
    spec
      .given([])
      .when({ type: 'RecordCustomerNotification', data: recordData({ receivedAt: '2025-03-01T00:00:00.000Z' }) }, as(actors.sales))
      .thenThrows(ValidationError, /receivedAt: .*future/);
  });

  it('is recorded once', () => {
    spec.given([received]).when({ type: 'RecordCustomerNotification', data: recordData() }, as(actors.sales)).thenThrows(IllegalStateError);
  });

  it('is for sales', () => {
    spec.given([]).when({ type: 'RecordCustomerNotification', data: recordData() }, as(actors.quality)).thenThrows(ForbiddenError);
  });
});

describe('EndCustomerNotification', () => {
  it('ends a special status', () => {
    spec
      .given([received])
      .when(end(), as(actors.sales))
      .then([{ type: 'CustomerNotificationEnded', data: { notificationId: 'N-1', customerId: 'ACME', occurredAt: jan(30), remarks: 'CS1 lifted' } }]);
  });

  it('ends once', () => {
    const ended: CustomerNotificationEvent = {
      type: 'CustomerNotificationEnded',
      data: { notificationId: 'N-1', customerId: 'ACME', occurredAt: jan(30), remarks: null },
    };
    spec.given([received, ended]).when(end(jan(31)), as(actors.sales)).thenThrows(IllegalStateError, /already ended/);
  });

  it('does not end a one-off quality notification', () => {
    const quality: CustomerNotificationEvent = { ...received, data: { ...received.data, kind: 'quality', specialStatus: null } };
    spec.given([quality]).when(end(), as(actors.sales)).thenThrows(IllegalStateError, /only a special status ends/);
  });

  it('cannot end before it was received', () => {
    spec.given([received]).when(end(jan(9)), as(actors.sales)).thenThrows(ValidationError, /occurredAt/);
  });

  it('names an unknown notification', () => {
    spec.given([]).when(end(), as(actors.sales)).thenThrows(NotFoundError, /N-1/);
  });
});

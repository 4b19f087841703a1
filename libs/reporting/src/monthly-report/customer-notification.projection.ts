/**
 * Customer notifications about quality or delivery, special statuses included (IATF 9.1.2.1 d),
 * one document each (`customer_notifications`): the monthly report counts those received in the
 * month and the special statuses still in force at its end.
 */
import { assertNever } from '@qms/domain-kernel';
import type {
  CustomerNotificationEvent,
  CustomerNotificationEventType,
  NotificationKind,
  SpecialStatus,
} from '@qms/complaint-domain';
import { calendarFor, type MonthKey } from '../kpi/calendar';
import type { ReadModelProjection } from '../kpi/projection-shape';
import type { ReportingConfig } from '../kpi/reporting-config';

export const CUSTOMER_NOTIFICATIONS_COLLECTION = 'customer_notifications';

export interface CustomerNotificationDocument {
  readonly _id: string;
  readonly notificationId: string;
  readonly customerId: string;
  readonly kind: NotificationKind;
  readonly specialStatus: SpecialStatus | null;
  readonly description: string;
  readonly receivedAt: string;
  /** Local month of receipt in the reporting time zone. */
  readonly month: MonthKey;
  readonly complaintNumber: string | null;
  readonly endedAt: string | null;
  readonly endRemarks: string | null;
}

export const CUSTOMER_NOTIFICATION_EVENT_TYPES_PROJECTED = [
  'CustomerNotificationReceived',
  'CustomerNotificationEnded',
] as const satisfies readonly CustomerNotificationEventType[];

export function evolveCustomerNotification(
  document: CustomerNotificationDocument | null,
  event: CustomerNotificationEvent,
  monthOf: (instant: string) => MonthKey,
): CustomerNotificationDocument | null {
  switch (event.type) {
    case 'CustomerNotificationReceived': {
      const data = event.data;
      return {
        _id: data.notificationId,
        notificationId: data.notificationId,
        customerId: data.customerId,
        kind: data.kind,
        specialStatus: data.specialStatus,
        description: data.description,
        receivedAt: data.receivedAt,
        month: monthOf(data.receivedAt),
        complaintNumber: data.complaintNumber,
        endedAt: null,
        endRemarks: null,
      };
    }
    case 'CustomerNotificationEnded':
      if (document === null) return null;
      return { ...document, endedAt: event.data.occurredAt, endRemarks: event.data.remarks };
    default:
      return assertNever(event, 'customer notification event');
  }
}

export function createCustomerNotificationProjection(
  config: Pick<ReportingConfig, 'timeZone'>,
): ReadModelProjection<CustomerNotificationDocument, CustomerNotificationEvent> {
  const calendar = calendarFor(config.timeZone);
  return {
    name: CUSTOMER_NOTIFICATIONS_COLLECTION,
    eventTypes: CUSTOMER_NOTIFICATION_EVENT_TYPES_PROJECTED,
    documentIds: (event) => [event.data.notificationId],
    evolve: (document, event) =>
      evolveCustomerNotification(document, event, (instant) => calendar.monthOf(instant)),
  };
}

import type { DomainEvent } from '@qms/domain-kernel';

/**
 * Deliveries are the denominators of PPM and on-time delivery (DESIGN §6, §8). One stream per
 * order line: the ERP's order + line is the natural identity, so a re-imported export is idempotent.
 */

/** What the ERP says about one delivered order line. */
export interface DeliveryFacts {
  readonly customerId: string;
  readonly partNo: string;
  /** Positive integer pieces. */
  readonly quantity: number;
  /** Promised (confirmed) date, 'YYYY-MM-DD', a calendar date with no time zone. */
  readonly promisedDate: string;
  /** ISO-8601 UTC; the report's month and the on-time judgement use its local date. */
  readonly deliveredAt: string;
  readonly premiumFreight: boolean;
}

export interface DeliveryRecordedData extends DeliveryFacts {
  readonly orderNo: string;
  readonly lineNo: string;
  /** Business time = deliveredAt. */
  readonly occurredAt: string;
}

/**
 * A recorded line was wrong. Carries both the previous and the corrected facts so that a
 * projection can move the line between months without keeping its own copy of every delivery.
 */
export interface DeliveryCorrectedData {
  readonly orderNo: string;
  readonly lineNo: string;
  readonly previous: DeliveryFacts;
  readonly corrected: DeliveryFacts;
  readonly reason: string;
  /** Business time of the correction itself (not of the delivery). */
  readonly occurredAt: string;
}

export type DeliveryRecorded = DomainEvent<'DeliveryRecorded', DeliveryRecordedData>;
export type DeliveryCorrected = DomainEvent<'DeliveryCorrected', DeliveryCorrectedData>;

export type DeliveryEvent = DeliveryRecorded | DeliveryCorrected;
export type DeliveryEventType = DeliveryEvent['type'];

/**
 * Current schema version of each event type, written to the event metadata on append; older
 * versions are lifted while reading (see upcast.ts). Type names are never renamed.
 */
export const DELIVERY_EVENT_SCHEMA_VERSIONS = {
  DeliveryRecorded: 1,
  DeliveryCorrected: 1,
} as const satisfies Record<DeliveryEventType, number>;

export const DELIVERY_EVENT_TYPES = Object.keys(DELIVERY_EVENT_SCHEMA_VERSIONS) as DeliveryEventType[];

export function isDeliveryEventType(type: string): type is DeliveryEventType {
  return Object.prototype.hasOwnProperty.call(DELIVERY_EVENT_SCHEMA_VERSIONS, type);
}

export const DELIVERY_STREAM_PREFIX = 'delivery-';

/**
 * `delivery-<order>:<line>` with both parts URI-encoded: encoding never yields ':', so no two
 * (order, line) pairs share a stream (e.g. order "A:1" line "2" vs order "A" line "1:2").
 */
export function deliveryStreamId(orderNo: string, lineNo: string): string {
  return `${DELIVERY_STREAM_PREFIX}${encodeURIComponent(orderNo)}:${encodeURIComponent(lineNo)}`;
}

/**
 * Delivery figures per local month and customer (`delivery_month_customer`, `_id` =
 * `YYYY-MM|customerId`): the denominators of PPM and on-time delivery without a document per
 * delivery (a million lines must not sit in memory).
 *
 * "On time and complete" (DESIGN §8): on time when the local delivery date is on or before the
 * promised date + the window. Delivery events carry the delivered quantity only — no ordered
 * quantity — so every recorded line counts as complete; a short delivery has to be recorded by
 * the ERP as a separate, later line to show up as late.
 */
import { assertNever } from '@qms/domain-kernel';
import type { DeliveryEvent, DeliveryEventType, DeliveryFacts } from '@qms/delivery-domain';
import { addDaysToDate, calendarFor, type MonthKey } from '../kpi/calendar';
import type { ReadModelProjection } from '../kpi/projection-shape';
import type { ReportingConfig } from '../kpi/reporting-config';

export const DELIVERY_MONTH_CUSTOMER_COLLECTION = 'delivery_month_customer';

export interface DeliveryMonthCustomerDocument {
  readonly _id: string;
  readonly month: MonthKey;
  readonly customerId: string;
  readonly deliveries: number;
  readonly deliveredQuantity: number;
  readonly onTimeDeliveries: number;
  readonly premiumFreightDeliveries: number;
}

export const DELIVERY_EVENT_TYPES_PROJECTED: readonly DeliveryEventType[] = [
  'DeliveryRecorded',
  'DeliveryCorrected',
];

export function deliveryMonthCustomerId(month: MonthKey, customerId: string): string {
  return `${month}|${customerId}`;
}

/** Inverse of deliveryMonthCustomerId; the month has a fixed width, the customer id may hold '|'. */
export function parseDeliveryMonthCustomerId(id: string): { month: MonthKey; customerId: string } {
  return { month: id.slice(0, 7), customerId: id.slice(8) };
}

export interface DeliveryJudgement {
  readonly month: MonthKey;
  readonly onTime: boolean;
}

export type DeliveryJudge = (facts: DeliveryFacts) => DeliveryJudgement;

export function deliveryJudge(
  config: Pick<ReportingConfig, 'timeZone' | 'onTimeDeliveryWindowDays'>,
): DeliveryJudge {
  const calendar = calendarFor(config.timeZone);
  // A rebuild judges a million lines against a few thousand promised dates: each date's last
  // on-time day is worked out once (bounded, so a long-lived process does not keep every date).
  const lastOnTimeDays = new Map<string, string>();
  const lastOnTimeDay = (promisedDate: string): string => {
    let day = lastOnTimeDays.get(promisedDate);
    if (day === undefined) {
      if (lastOnTimeDays.size >= 10_000) lastOnTimeDays.clear();
      day = addDaysToDate(promisedDate, config.onTimeDeliveryWindowDays);
      lastOnTimeDays.set(promisedDate, day);
    }
    return day;
  };
  // Judged afresh each time (documentIds, then evolve): a WeakMap remembering every line judged
  // cost a rebuild about a second of its million deliveries, most of it the collector's.
  return (facts) => {
    const localDate = calendar.localDateOf(facts.deliveredAt);
    return { month: localDate.slice(0, 7), onTime: localDate <= lastOnTimeDay(facts.promisedDate) };
  };
}

function emptyDocument(id: string): DeliveryMonthCustomerDocument {
  const { month, customerId } = parseDeliveryMonthCustomerId(id);
  return {
    _id: id,
    month,
    customerId,
    deliveries: 0,
    deliveredQuantity: 0,
    onTimeDeliveries: 0,
    premiumFreightDeliveries: 0,
  };
}

function addFacts(
  document: DeliveryMonthCustomerDocument,
  facts: DeliveryFacts,
  judgement: DeliveryJudgement,
  sign: 1 | -1,
): DeliveryMonthCustomerDocument {
  return {
    ...document,
    deliveries: document.deliveries + sign,
    deliveredQuantity: document.deliveredQuantity + sign * facts.quantity,
    onTimeDeliveries: document.onTimeDeliveries + (judgement.onTime ? sign : 0),
    premiumFreightDeliveries: document.premiumFreightDeliveries + (facts.premiumFreight ? sign : 0),
  };
}

export function createDeliveryMonthCustomerProjection(
  config: Pick<ReportingConfig, 'timeZone' | 'onTimeDeliveryWindowDays'>,
): ReadModelProjection<DeliveryMonthCustomerDocument, DeliveryEvent> {
  const judge = deliveryJudge(config);
  const idOf = (facts: DeliveryFacts) => deliveryMonthCustomerId(judge(facts).month, facts.customerId);

  return {
    name: DELIVERY_MONTH_CUSTOMER_COLLECTION,
    eventTypes: DELIVERY_EVENT_TYPES_PROJECTED,
    documentIds(event) {
      switch (event.type) {
        case 'DeliveryRecorded':
          return [idOf(event.data)];
        case 'DeliveryCorrected': {
          const ids = [idOf(event.data.previous), idOf(event.data.corrected)];
          return ids[0] === ids[1] ? [ids[0] as string] : ids;
        }
        default:
          return assertNever(event, 'delivery event');
      }
    },
    evolve(document, event, documentId) {
      let next: DeliveryMonthCustomerDocument;
      switch (event.type) {
        case 'DeliveryRecorded': {
          const judgement = judge(event.data);
          const id = documentId ?? deliveryMonthCustomerId(judgement.month, event.data.customerId);
          next = addFacts(document ?? emptyDocument(id), event.data, judgement, 1);
          break;
        }
        case 'DeliveryCorrected': {
          const { previous, corrected } = event.data;
          const previousJudgement = judge(previous);
          const correctedJudgement = judge(corrected);
          const previousId = deliveryMonthCustomerId(previousJudgement.month, previous.customerId);
          const correctedId = deliveryMonthCustomerId(correctedJudgement.month, corrected.customerId);
          // Without the id, a missing document can only be the destination: the source holds the
          // line recorded earlier in the log.
          const id = documentId ?? document?._id ?? correctedId;
          next = document ?? emptyDocument(id);
          if (id === previousId) next = addFacts(next, previous, previousJudgement, -1);
          if (id === correctedId) next = addFacts(next, corrected, correctedJudgement, 1);
          break;
        }
        default:
          return assertNever(event, 'delivery event');
      }
      // A month left without deliveries disappears, as if the line had been recorded right.
      return next.deliveries === 0 && next.deliveredQuantity === 0 ? null : next;
    },
  };
}

/**
 * A quarter of a small factory's life, Asia/Shanghai (UTC+8, no daylight saving): two customers,
 * A and B. The expected figures in monthly-report.spec.ts are worked out by hand from this list;
 * every time below is UTC, with the local (UTC+8) reading where it matters.
 */
import type { DomainEvent } from '@qms/domain-kernel';
import { createComplaintListProjection, type ComplaintDocument } from '../../complaint-list';
import { createDeliveryMonthCustomerProjection, type DeliveryMonthCustomerDocument } from '../../deliveries';
import {
  complaint as c,
  delivery,
  deliveryFacts,
  returns as r,
  survey as s,
} from '../../kpi/__fixtures__/events';
import { documentsOf, type ProjectionRun } from '../../kpi/__fixtures__/project';
import type { ReadModelProjection } from '../../kpi/projection-shape';
import type { ReportingConfig } from '../../kpi/reporting-config';
import { createReturnProjection, type ReturnDocument } from '../../returns';
import {
  createSatisfactionSummaryProjection,
  type SatisfactionSummaryDocument,
} from '../../satisfaction-summary';
import {
  createCustomerNotificationProjection,
  type CustomerNotificationDocument,
} from '../customer-notification.projection';
import type { MonthlyReportInputs } from '../monthly-report.types';

export const OLD = 'CC-2024-0050';
export const C1 = 'CC-2025-0001';
export const C2 = 'CC-2025-0002';
export const C3 = 'CC-2025-0003';
export const C4 = 'CC-2025-0004';
export const C5 = 'CC-2025-0005';
export const C6 = 'CC-2025-0001-1';

const D4_RECORDED = deliveryFacts({
  customerId: 'B',
  quantity: 3000,
  promisedDate: '2025-03-20',
  deliveredAt: '2025-02-28T17:00:00.000Z',
});
const D4_CORRECTED = { ...D4_RECORDED, deliveredAt: '2025-02-28T15:00:00.000Z' };

export const SCENARIO_EVENTS: readonly DomainEvent[] = [
  // OLD: A / P9, received 2024-12-20, still open in March. CA-1 was completed on time (1-30 ≤ 1-31)
  // but found not effective on 2-05 and rescheduled to 3-15 (local end of day), never completed.
  c.registered({
    number: OLD,
    customerId: 'A',
    partNo: 'P9',
    receivedAt: '2024-12-20T02:00:00.000Z',
    quantity: 3,
    actionReplyDueAt: '2024-12-25T15:59:59.999Z',
  }),
  c.assigned(OLD, 'assembly', '2024-12-20T03:00:00.000Z'),
  c.contained(OLD, '2024-12-20T06:00:00.000Z'),
  c.rootCause(OLD, 'man', '2024-12-22T02:00:00.000Z'),
  c.decided(OLD, 'ours', 3, '2024-12-23T02:00:00.000Z'),
  c.planned(OLD, 'corrective', 'CA-1', '2025-01-31T15:59:59.999Z', '2024-12-23T03:00:00.000Z'),
  c.submitted(OLD, '2024-12-24T02:00:00.000Z'),
  c.completed(OLD, 'CA-1', '2025-01-30T02:00:00.000Z'),
  c.rescheduled(
    OLD,
    'CA-1',
    '2025-01-31T15:59:59.999Z',
    '2025-03-15T15:59:59.999Z',
    'not_effective',
    '2025-02-05T02:00:00.000Z',
  ),

  // N2: B's controlled shipping (CS1), received in February, lifted 2025-04-10.
  c.notified('N2', 'B', 'special_status', '2025-02-20T02:00:00.000Z', 'controlled_shipping_cs1'),
  // D4: recorded as delivered 2-28 17:00Z = local 3-01 01:00 (March), corrected below to February.
  delivery.recorded('SO-4', D4_RECORDED),

  // C1: A / P1, received 3-03 01:00Z; every step on time; closed 3-26 01:00Z = 23 days.
  c.registered({
    number: C1,
    customerId: 'A',
    partNo: 'P1',
    receivedAt: '2025-03-03T01:00:00.000Z',
    quantity: 10,
    actionReplyDueAt: '2025-03-06T15:59:59.999Z',
  }),
  c.assigned(C1, 'production', '2025-03-03T02:00:00.000Z'),
  c.contained(C1, '2025-03-03T10:00:00.000Z'),
  c.rootCause(C1, 'machine', '2025-03-04T02:00:00.000Z'),
  c.decided(C1, 'ours', 12, '2025-03-04T03:00:00.000Z'),
  c.planned(C1, 'corrective', 'CA-1', '2025-03-20T15:59:59.999Z', '2025-03-04T04:00:00.000Z'),
  c.submitted(C1, '2025-03-05T02:00:00.000Z'),
  c.approved(C1, '2025-03-05T03:00:00.000Z'),
  c.replied(C1, '2025-03-05T04:00:00.000Z'),
  delivery.corrected('SO-4', D4_RECORDED, D4_CORRECTED, '2025-03-05T00:00:00.000Z'),
  delivery.recorded(
    'SO-5',
    deliveryFacts({
      customerId: 'B',
      quantity: 4000,
      promisedDate: '2025-03-05',
      deliveredAt: '2025-03-05T02:00:00.000Z',
    }),
  ),
  c.notified('N1', 'A', 'quality', '2025-03-05T02:00:00.000Z'),

  // C2: A / P2, urgent, received 3-10 02:00Z; containment 3 h late, plan late, CA-1 (due 3-25)
  // completed only 4-02: open and overdue at the end of March, closed 4-10 02:00Z = 31 days.
  c.registered({
    number: C2,
    customerId: 'A',
    partNo: 'P2',
    receivedAt: '2025-03-10T02:00:00.000Z',
    severity: 'urgent',
    quantity: 5,
    actionReplyDueAt: '2025-03-13T15:59:59.999Z',
  }),
  c.assigned(C2, 'production', '2025-03-10T03:00:00.000Z'),
  // D1 local 3-10 23:30, promised 3-10: on time. D2 local 3-11 00:30: one day late, premium freight.
  delivery.recorded(
    'SO-1',
    deliveryFacts({
      customerId: 'A',
      quantity: 1000,
      promisedDate: '2025-03-10',
      deliveredAt: '2025-03-10T15:30:00.000Z',
    }),
  ),
  delivery.recorded(
    'SO-2',
    deliveryFacts({
      customerId: 'A',
      quantity: 2000,
      promisedDate: '2025-03-10',
      deliveredAt: '2025-03-10T16:30:00.000Z',
      premiumFreight: true,
    }),
  ),
  c.contained(C2, '2025-03-11T05:00:00.000Z'),
  c.rootCause(C2, 'method', '2025-03-12T02:00:00.000Z'),
  c.decided(C2, 'ours', 5, '2025-03-12T03:00:00.000Z'),
  // R1: A returns 50 + 30; 60 defective; 40 to rework (35 pass, 5 fail), 20 scrapped, the 5 failed scrapped too.
  r.received('R1', 'A', '2025-03-12T02:00:00.000Z', [50, 30]),
  c.planned(C2, 'corrective', 'CA-1', '2025-03-25T15:59:59.999Z', '2025-03-13T01:00:00.000Z'),
  r.inspected('R1', 'A', '2025-03-13T02:00:00.000Z', 80, 60),
  c.submitted(C2, '2025-03-14T01:00:00.000Z'),
  r.dispositioned('R1', 'A', '2025-03-14T02:00:00.000Z', 1, 'rework', 40),
  r.dispositioned('R1', 'A', '2025-03-14T02:00:00.000Z', 2, 'scrap', 20),

  // C4: B / P3, received 3-15 03:00Z (a Saturday), not ours, closed 3-20 03:00Z = 5 days.
  c.registered({
    number: C4,
    customerId: 'B',
    partNo: 'P3',
    receivedAt: '2025-03-15T03:00:00.000Z',
    quantity: 100,
    actionReplyDueAt: '2025-03-19T15:59:59.999Z',
  }),
  s.issued('2025-H1', '2025-03-15', ['A', 'B']),
  c.assigned(C4, 'quality', '2025-03-15T04:00:00.000Z'),
  c.contained(C4, '2025-03-15T08:00:00.000Z'),
  c.rootCause(C4, 'material', '2025-03-16T02:00:00.000Z'),
  c.decided(C4, 'not_ours', 100, '2025-03-17T02:00:00.000Z'),
  c.completed(C1, 'CA-1', '2025-03-18T02:00:00.000Z'),
  c.replied(C4, '2025-03-18T02:00:00.000Z'),
  // R3: B returns 10, no trouble found.
  r.received('R3', 'B', '2025-03-18T02:00:00.000Z', [10]),
  r.inspected('R3', 'B', '2025-03-19T02:00:00.000Z', 10, 0),

  // C5: A / P1 again, cause machine again, 17 days after C1: a repeat. No containment ever.
  c.registered({
    number: C5,
    customerId: 'A',
    partNo: 'P1',
    receivedAt: '2025-03-20T03:00:00.000Z',
    quantity: 7,
    actionReplyDueAt: '2025-03-25T15:59:59.999Z',
  }),
  c.closed(C4, 'not_ours', '2025-03-20T03:00:00.000Z'),
  r.reworkCompleted('R1', 'A', '2025-03-20T02:00:00.000Z', 1, 35, 5),
  c.assigned(C5, 'production', '2025-03-20T04:00:00.000Z'),
  s.responded(
    '2025-H1',
    'A',
    { personnel_service: 4, complaint_handling: 5, quality: 3, delivery: 5, price: 4 },
    '2025-03-20T05:00:00.000Z',
  ),
  c.rootCause(C5, 'machine', '2025-03-21T02:00:00.000Z'),
  r.dispositioned('R1', 'A', '2025-03-21T02:00:00.000Z', 3, 'scrap', 5, 'failed_rework'),
  s.responded(
    '2025-H1',
    'B',
    { quality: 2, delivery: 4, personnel_service: 5, complaint_handling: 4 },
    '2025-03-21T05:00:00.000Z',
  ),
  c.verified(C1, 'CA-1', '2025-03-25T02:00:00.000Z'),
  c.notified('N3', 'B', 'delivery', '2025-03-25T02:00:00.000Z'),
  s.countermeasure('2025-H1', 1, 'B', 'quality', 2, '2025-03-25T03:00:00.000Z'),
  c.closed(C1, 'resolved', '2025-03-26T01:00:00.000Z'),

  // C6: C1 reopened; contained on time; its action reply is due 4-02 (not yet overdue in March).
  c.reopened(C1, C6, '2025-03-28T01:00:00.000Z'),
  c.registered({
    number: C6,
    customerId: 'A',
    partNo: 'P1',
    receivedAt: '2025-03-28T01:00:00.000Z',
    quantity: 10,
    actionReplyDueAt: '2025-04-02T15:59:59.999Z',
    reopenedFrom: C1,
  }),
  c.contained(C6, '2025-03-28T05:00:00.000Z'),

  // Received / delivered 3-31 in UTC, but 4-01 local: they belong to April.
  r.received('R2', 'B', '2025-03-31T16:30:00.000Z', [10]),
  c.registered({
    number: C3,
    customerId: 'B',
    partNo: 'P1',
    receivedAt: '2025-03-31T17:00:00.000Z',
    actionReplyDueAt: '2025-04-04T15:59:59.999Z',
  }),
  delivery.recorded(
    'SO-3',
    deliveryFacts({
      customerId: 'B',
      quantity: 500,
      promisedDate: '2025-03-31',
      deliveredAt: '2025-03-31T17:00:00.000Z',
    }),
  ),

  c.completed(C2, 'CA-1', '2025-04-02T01:00:00.000Z'),
  c.verified(C2, 'CA-1', '2025-04-08T01:00:00.000Z'),
  c.closed(C2, 'resolved', '2025-04-10T02:00:00.000Z'),
  c.notificationEnded('N2', 'B', '2025-04-10T02:00:00.000Z'),
];

export function reportProjections(config: ReportingConfig): ReadModelProjection<never, never>[] {
  return [
    createComplaintListProjection(config),
    createDeliveryMonthCustomerProjection(config),
    createReturnProjection(config),
    createCustomerNotificationProjection(config),
    createSatisfactionSummaryProjection(config),
  ] as unknown as ReadModelProjection<never, never>[];
}

/** The report's inputs with each complaint whole, as the lists keep it: specs judge them by hand too. */
export type WholeReportInputs = Omit<MonthlyReportInputs, 'complaints'> & { readonly complaints: readonly ComplaintDocument[] };

export function inputsOf(run: ProjectionRun): WholeReportInputs {
  return {
    complaints: documentsOf<ComplaintDocument>(run, 'complaints'),
    deliveries: documentsOf<DeliveryMonthCustomerDocument>(run, 'delivery_month_customer'),
    returns: documentsOf<ReturnDocument>(run, 'returns'),
    notifications: documentsOf<CustomerNotificationDocument>(run, 'customer_notifications'),
    surveys: documentsOf<SatisfactionSummaryDocument>(run, 'satisfaction_summary'),
  };
}

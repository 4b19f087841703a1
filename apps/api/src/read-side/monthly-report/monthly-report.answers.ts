import { CAUSE_CATEGORIES, NOTIFICATION_KINDS, SEVERITIES, SPECIAL_STATUSES } from '@qms/complaint-domain';
import { KPI_NAMES, NOT_ANALYSED, type MonthlyReportDocument } from '@qms/reporting';
import { z } from 'zod';
import { answer, count, describing, instant, keyed, logPosition, monthKey, partlyKeyed } from '../../http/response-schemas';
import { ReadModelStandingAnswer } from '../read-side.answers';
import type { MonthlyReportController } from './monthly-report.controller';

type Served<M extends 'month' | 'range'> = Awaited<ReturnType<MonthlyReportController[M]>>;

// Every figure keeps full precision; null means "no value this month" (a rate over nothing), never zero.
const percent = () => z.number().nullable();
const quantity = () => z.number().nonnegative();

const counts = {
  received: count(),
  closed: count(),
  openAtEnd: count(),
  overdueAtEnd: count().meta({ description: 'GET /complaints?overdueAtEndOf=YYYY-MM lists them' }),
};
const complaintCounts = () => z.strictObject(counts);
const CAUSE_KEYS = [...CAUSE_CATEGORIES, NOT_ANALYSED] as const;

const complaintFigures = {
  ...counts,
  reopenedReceived: count(),
  byDepartment: z.array(z.strictObject({ department: z.string().nullable(), ...counts })).meta({ description: 'Sorted by department; null = not assigned yet' }),
  containmentOnTime: count(),
  containmentOnTimePercent: percent(),
  actionReplyOnTime: count(),
  actionReplyOnTimePercent: percent(),
  daysToCloseTotal: z.number().nonnegative(),
  meanDaysToClose: z.number().nonnegative().nullable(),
  repeats: count(),
  repeatRatePercent: percent(),
  eightDClosed: count(),
  eightDClosedOnTime: count(),
  eightDOnTimeClosurePercent: percent(),
  defectiveQuantity: quantity(),
};

const returnFigures = () =>
  z.strictObject({
    returns: count(),
    periodicBulkReturns: count(),
    returnedQuantity: quantity(),
    defectiveQuantity: quantity(),
    reworkedQuantity: quantity(),
    scrappedQuantity: quantity(),
    inspected: count(),
    noTroubleFound: count(),
    ntfRatePercent: percent(),
  });

const notificationFigures = {
  received: count(),
  specialStatusesInForceAtEnd: count(),
};

const deliveryFigures = () =>
  z.strictObject({
    deliveries: count(),
    deliveredQuantity: quantity(),
    onTimeDeliveries: count(),
    onTimeDeliveryPercent: percent(),
    premiumFreightDeliveries: count(),
    ppm: z.number().nonnegative().nullable().meta({ description: 'Complaint defective quantity ÷ delivered × 10⁶; null when nothing was delivered' }),
  });

const satisfactionFigures = () =>
  z.strictObject({
    periods: z.array(z.string()).meta({ description: 'Survey periods issued in the month' }),
    responses: count(),
    csi: z.number().nullable(),
  });

const kpis = () =>
  keyed(
    KPI_NAMES,
    z.strictObject({
      value: z.number().nullable(),
      target: z.number().nullable(),
      direction: z.enum(['at_least', 'at_most']),
      met: z.boolean().nullable().meta({ description: 'null when there is no value or no target; false calls for corrective action' }),
    }),
  );

const totalFigures = z.strictObject({
  complaints: z.strictObject({
    ...complaintFigures,
    bySeverity: keyed(SEVERITIES, complaintCounts()),
    byCauseCategory: keyed(CAUSE_KEYS, complaintCounts()),
  }),
  returns: returnFigures(),
  notifications: z.strictObject({
    ...notificationFigures,
    byKind: keyed(NOTIFICATION_KINDS, count()),
    specialStatusesReceived: keyed(SPECIAL_STATUSES, count()),
  }),
  deliveries: deliveryFigures(),
  satisfaction: satisfactionFigures(),
  kpis: kpis(),
});

// A customer's section keeps only the non-zero buckets of its breakdowns (a missing one is all zeros).
const customerFigures = z.strictObject({
  customerId: z.string(),
  complaints: z.strictObject({
    ...complaintFigures,
    bySeverity: partlyKeyed(SEVERITIES, complaintCounts()),
    byCauseCategory: partlyKeyed(CAUSE_KEYS, complaintCounts()),
  }),
  returns: returnFigures(),
  notifications: z.strictObject({
    ...notificationFigures,
    byKind: partlyKeyed(NOTIFICATION_KINDS, count()),
    specialStatusesReceived: partlyKeyed(SPECIAL_STATUSES, count()),
  }),
  deliveries: deliveryFigures(),
  satisfaction: satisfactionFigures(),
  kpis: kpis(),
});

export const MonthlyReportAnswer = answer(
  'MonthlyReport',
  describing<MonthlyReportDocument>()(
    z.strictObject({
      _id: monthKey(),
      month: monthKey(),
      timeZone: z.string().meta({ example: 'Asia/Shanghai' }),
      periodStart: instant().meta({ description: 'First instant of the month' }),
      periodEnd: instant().meta({ description: 'First instant of the next month' }),
      total: totalFigures,
      customerIds: z.array(z.string()).meta({ description: 'The customers with a section this month, sorted' }),
      customers: z.array(customerFigures).meta({ description: 'The sections asked for (customers=all, or customerId=), by customer id' }),
    }),
  ),
  "A month's report (每月品质(客户抱怨)及交期月报): every figure, and each section's KPIs held against its targets",
);

export const MonthlyReportMonthAnswer = answer(
  'MonthlyReportOfMonth',
  describing<Served<'month'>>()(
    z.strictObject({
      position: logPosition(),
      readModel: ReadModelStandingAnswer,
      report: MonthlyReportAnswer,
    }),
  ),
);

export const MonthlyReportRangeAnswer = answer(
  'MonthlyReportRange',
  describing<Served<'range'>>()(
    z.strictObject({
      position: logPosition(),
      readModel: ReadModelStandingAnswer,
      reports: z.array(MonthlyReportAnswer).meta({ description: 'One per month, from `from` to `to`' }),
    }),
  ),
);

/**
 * computeMonthlyReport: the monthly quality/delivery report as a pure function of the fact
 * documents, so it can be materialized per month after each projection batch, recomputed for a
 * month range on demand (DESIGN §10), and checked against a rebuild. No clock, no randomness;
 * complaints are tallied by sums that do not depend on their order (MonthComplaintTally), the other
 * inputs are sorted first, and every object is built in a fixed key order, so two runs over the
 * same documents give byte-identical JSON whatever order the store returned them in.
 * computeStoredMonthlyReport is the same without the KPI blocks, which withKpis adds back.
 *
 * The inputs may hold more documents than the month needs (report-inputs.ts says which suffice).
 */
import {
  NOTIFICATION_KINDS,
  SPECIAL_STATUSES,
  type NotificationKind,
  type SpecialStatus,
} from '@qms/complaint-domain';
import { calendarFor, type MonthBounds, type MonthKey } from '../kpi/calendar';
import { evaluateKpi, targetsFor, type KpiResult } from '../kpi/kpi-targets';
import { DEFAULT_REPORTING_CONFIG, KPI_NAMES, type KpiName, type ReportingConfig } from '../kpi/reporting-config';
import type { DeliveryMonthCustomerDocument } from '../deliveries';
import type { ReturnDocument } from '../returns';
import { csiOf } from '../satisfaction-summary/csi';
import { deepFreeze } from '@qms/read-store';
import type { SatisfactionSummaryDocument } from '../satisfaction-summary';
import { MonthComplaintTally, NO_COMPLAINT_FIGURES, percent, type MonthComplaintFigures } from './complaint-figures';
import type { CustomerNotificationDocument } from './customer-notification.projection';
import { monthlyReportSelection } from './report-months';
import type {
  ComplaintCounts,
  ComplaintFigures,
  CustomerMonthlyFigures,
  DeliveryFigures,
  MonthlyFigures,
  MonthlyReportDocument,
  MonthlyReportInputs,
  NotificationFigures,
  ReturnFigures,
  SatisfactionFigures,
  StoredMonthlyReport,
} from './monthly-report.types';

type Figures = Omit<MonthlyFigures, 'kpis'>;
type CustomerFigures = Omit<CustomerMonthlyFigures, 'kpis'>;

const byString = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

const within = (instant: string | null, bounds: MonthBounds): boolean =>
  instant !== null && instant >= bounds.start && instant < bounds.end;

function returnFigures(returns: readonly ReturnDocument[]): ReturnFigures {
  let returnedQuantity = 0;
  let defectiveQuantity = 0;
  let reworkedQuantity = 0;
  let scrappedQuantity = 0;
  let periodicBulkReturns = 0;
  let inspected = 0;
  let noTroubleFound = 0;
  for (const item of returns) {
    returnedQuantity += item.returnedQuantity;
    defectiveQuantity += item.defectiveQuantity ?? 0;
    reworkedQuantity += item.reworkedQuantity;
    scrappedQuantity += item.scrappedQuantity;
    if (item.periodicBulk) periodicBulkReturns += 1;
    if (item.inspectionResult !== null) inspected += 1;
    if (item.inspectionResult === 'no_trouble_found') noTroubleFound += 1;
  }
  return {
    returns: returns.length,
    periodicBulkReturns,
    returnedQuantity,
    defectiveQuantity,
    reworkedQuantity,
    scrappedQuantity,
    inspected,
    noTroubleFound,
    ntfRatePercent: percent(noTroubleFound, inspected),
  };
}

function notificationFigures(
  receivedInMonth: readonly CustomerNotificationDocument[],
  inForceAtEnd: readonly CustomerNotificationDocument[],
): NotificationFigures {
  const byKind = Object.fromEntries(NOTIFICATION_KINDS.map((k) => [k, 0])) as Record<
    NotificationKind,
    number
  >;
  const specialStatusesReceived = Object.fromEntries(SPECIAL_STATUSES.map((s) => [s, 0])) as Record<
    SpecialStatus,
    number
  >;
  for (const notification of receivedInMonth) {
    byKind[notification.kind] += 1;
    if (notification.specialStatus !== null) specialStatusesReceived[notification.specialStatus] += 1;
  }
  return {
    received: receivedInMonth.length,
    byKind,
    specialStatusesReceived,
    specialStatusesInForceAtEnd: inForceAtEnd.length,
  };
}

function deliveryFigures(
  deliveries: readonly DeliveryMonthCustomerDocument[],
  defectiveQuantity: number,
): DeliveryFigures {
  let count = 0;
  let deliveredQuantity = 0;
  let onTimeDeliveries = 0;
  let premiumFreightDeliveries = 0;
  for (const aggregate of deliveries) {
    count += aggregate.deliveries;
    deliveredQuantity += aggregate.deliveredQuantity;
    onTimeDeliveries += aggregate.onTimeDeliveries;
    premiumFreightDeliveries += aggregate.premiumFreightDeliveries;
  }
  return {
    deliveries: count,
    deliveredQuantity,
    onTimeDeliveries,
    onTimeDeliveryPercent: percent(onTimeDeliveries, count),
    premiumFreightDeliveries,
    ppm: deliveredQuantity === 0 ? null : (defectiveQuantity / deliveredQuantity) * 1_000_000,
  };
}

/**
 * CSI over the responses of the periods issued in the month (of one customer, or of all). When
 * the periods share a top of scale this is the dictionary's formula verbatim; otherwise each
 * score is first divided by its own period's top of scale.
 */
function satisfactionFigures(
  periods: readonly SatisfactionSummaryDocument[],
  customerId: string | null,
  config: ReportingConfig,
): SatisfactionFigures {
  const responsesOf = (period: SatisfactionSummaryDocument) =>
    customerId === null ? period.responses : period.responses.filter((r) => r.customerId === customerId);
  const used = periods.filter((period) => responsesOf(period).length > 0);
  const tops = new Set(used.map((period) => period.scale.max));
  let csi: number | null = null;
  if (tops.size === 1) {
    csi = csiOf(used.flatMap(responsesOf), config.csi.weights, used[0]?.scale.max ?? 0);
  } else if (tops.size > 1) {
    const normalized = used.flatMap((period) =>
      responsesOf(period).map((response) => ({
        scores: Object.fromEntries(
          Object.entries(response.scores).map(([d, s]) => [d, (s) / period.scale.max]),
        ),
      })),
    );
    csi = csiOf(normalized, config.csi.weights, 1);
  }
  return {
    periods: periods.map((period) => period.periodId),
    responses: used.reduce((sum, period) => sum + responsesOf(period).length, 0),
    csi,
  };
}

/** What the KPIs read of a section: the total's figures, or a customer's (sparse breakdowns aside). */
type KpiSource = Figures | CustomerFigures;

const KPI_VALUES: Readonly<Record<KpiName, (f: KpiSource) => number | null>> = {
  complaintsReceived: (f) => f.complaints.received,
  complaintsOpenAtEnd: (f) => f.complaints.openAtEnd,
  complaintsOverdueAtEnd: (f) => f.complaints.overdueAtEnd,
  containmentOnTimePercent: (f) => f.complaints.containmentOnTimePercent,
  actionReplyOnTimePercent: (f) => f.complaints.actionReplyOnTimePercent,
  meanDaysToClose: (f) => f.complaints.meanDaysToClose,
  repeatRatePercent: (f) => f.complaints.repeatRatePercent,
  eightDOnTimeClosurePercent: (f) => f.complaints.eightDOnTimeClosurePercent,
  returnsReceived: (f) => f.returns.returns,
  ntfRatePercent: (f) => f.returns.ntfRatePercent,
  customerNotifications: (f) => f.notifications.received,
  defectiveQuantity: (f) => f.complaints.defectiveQuantity,
  ppm: (f) => f.deliveries.ppm,
  onTimeDeliveryPercent: (f) => f.deliveries.onTimeDeliveryPercent,
  premiumFreight: (f) => f.deliveries.premiumFreightDeliveries,
  csi: (f) => f.satisfaction.csi,
};

/** The month's facts but its complaints, which are tallied as they stream by (MonthComplaintTally). */
interface FactsOfMonth {
  readonly deliveries: readonly DeliveryMonthCustomerDocument[];
  readonly returns: readonly ReturnDocument[];
  readonly notificationsReceived: readonly CustomerNotificationDocument[];
  readonly specialStatusesInForce: readonly CustomerNotificationDocument[];
  readonly surveys: readonly SatisfactionSummaryDocument[];
}

function figuresOf(facts: FactsOfMonth, complaints: ComplaintFigures, customerId: string | null, config: ReportingConfig): Figures {
  return {
    complaints,
    returns: facts.returns.length === 0 ? NO_RETURNS : returnFigures(facts.returns),
    notifications: notificationFigures(facts.notificationsReceived, facts.specialStatusesInForce),
    deliveries: deliveryFigures(facts.deliveries, complaints.defectiveQuantity),
    satisfaction: facts.surveys.length === 0 ? NO_SATISFACTION : satisfactionFigures(facts.surveys, customerId, config),
  };
}

/**
 * The section's KPIs against the targets of its customer (null: the total) in the month's year.
 * Every value is one of the section's figures, and a customer's sparse breakdowns are never read.
 */
function kpisOf(figures: KpiSource, customerId: string | null, month: MonthKey, config: ReportingConfig): Record<KpiName, KpiResult> {
  const targets = targetsFor(config, customerId, month.slice(0, 4));
  const kpis = {} as Record<KpiName, KpiResult>;
  for (const name of KPI_NAMES) kpis[name] = evaluateKpi(name, KPI_VALUES[name](figures), targets[name]);
  return kpis;
}

/**
 * The report as served: each section of the stored report with its KPI block last, as
 * computeMonthlyReport built it. Keeps whatever else the stored document carries; a block a
 * document of an older version still holds is replaced in place.
 */
export function withKpis(report: StoredMonthlyReport, config: ReportingConfig): MonthlyReportDocument {
  return {
    ...report,
    total: { ...report.total, kpis: kpisOf(report.total, null, report.month, config) },
    customers: report.customers.map((customer) => sectionWithKpis(customer, report.month, config)),
  };
}

/** One customer's section with its KPI block, against that customer's targets. */
export function sectionWithKpis(
  section: Omit<CustomerMonthlyFigures, 'kpis'>,
  month: MonthKey,
  config: ReportingConfig,
): CustomerMonthlyFigures {
  return { ...section, kpis: kpisOf(section, section.customerId, month, config) };
}

/** The month's facts split by customer in one pass, keeping each list's order. */
function byCustomer(facts: FactsOfMonth): Map<string, FactsOfMonth> {
  const groups = new Map<string, { -readonly [K in keyof FactsOfMonth]: FactsOfMonth[K][number][] }>();
  const groupOf = (customerId: string) => {
    let group = groups.get(customerId);
    if (group === undefined) {
      group = {
        deliveries: [],
        returns: [],
        notificationsReceived: [],
        specialStatusesInForce: [],
        surveys: [],
      };
      groups.set(customerId, group);
    }
    return group;
  };
  for (const item of facts.deliveries) groupOf(item.customerId).deliveries.push(item);
  for (const item of facts.returns) groupOf(item.customerId).returns.push(item);
  for (const item of facts.notificationsReceived) groupOf(item.customerId).notificationsReceived.push(item);
  for (const item of facts.specialStatusesInForce) groupOf(item.customerId).specialStatusesInForce.push(item);
  for (const survey of facts.surveys) {
    for (const response of survey.responses) groupOf(response.customerId);
  }
  // Every customer sees the month's survey periods; satisfactionFigures picks its own responses.
  for (const group of groups.values()) group.surveys = [...facts.surveys];
  return groups;
}

/** Drops the buckets whose every count is zero (see CustomerMonthlyFigures). */
function nonZero<K extends string, V>(buckets: Readonly<Record<K, V>>, isZero: (value: V) => boolean): Partial<Record<K, V>> {
  const kept: Partial<Record<K, V>> = {};
  for (const key of Object.keys(buckets) as K[]) if (!isZero(buckets[key])) kept[key] = buckets[key];
  return kept;
}

const noCounts = (counts: ComplaintCounts): boolean =>
  counts.received === 0 && counts.closed === 0 && counts.openAtEnd === 0 && counts.overdueAtEnd === 0;

function sparseComplaints(complaints: ComplaintFigures): CustomerFigures['complaints'] {
  return {
    ...complaints,
    bySeverity: nonZero(complaints.bySeverity, noCounts),
    byCauseCategory: nonZero(complaints.byCauseCategory, noCounts),
  };
}

function sparseNotifications(notifications: NotificationFigures): CustomerFigures['notifications'] {
  return {
    ...notifications,
    byKind: nonZero(notifications.byKind, (count) => count === 0),
    specialStatusesReceived: nonZero(notifications.specialStatusesReceived, (count) => count === 0),
  };
}

/**
 * A section where nothing happened is the same in every row and every month: one frozen copy,
 * built by the same code as any other, is shared by all of them. In a month most customers have
 * no notification, no survey answer and often no return, and the embedded mode keeps every
 * month's rows in process.
 */
const NO_RETURNS: ReturnFigures = deepFreeze(returnFigures([]));
const NO_SATISFACTION: SatisfactionFigures = deepFreeze(satisfactionFigures([], null, DEFAULT_REPORTING_CONFIG));
const NO_CUSTOMER_COMPLAINTS = deepFreeze(
  sparseComplaints(NO_COMPLAINT_FIGURES),
);
const NO_CUSTOMER_NOTIFICATIONS = deepFreeze(sparseNotifications(notificationFigures([], [])));

function sparse(customerId: string, figures: Figures): CustomerFigures {
  const { complaints, notifications } = figures;
  // Nothing received, closed or open: complaintFigures looked at no complaint, so every figure is nil.
  const noComplaints = complaints.received === 0 && complaints.closed === 0 && complaints.openAtEnd === 0;
  const noNotifications = notifications.received === 0 && notifications.specialStatusesInForceAtEnd === 0;
  return {
    customerId,
    ...figures,
    complaints: noComplaints ? NO_CUSTOMER_COMPLAINTS : sparseComplaints(complaints),
    notifications: noNotifications ? NO_CUSTOMER_NOTIFICATIONS : sparseNotifications(notifications),
  };
}

export function computeMonthlyReport(
  month: MonthKey,
  inputs: MonthlyReportInputs,
  config: ReportingConfig,
): MonthlyReportDocument {
  return withKpis(computeStoredMonthlyReport(month, inputs, config), config);
}

export function computeStoredMonthlyReport(month: MonthKey, inputs: MonthlyReportInputs, config: ReportingConfig): StoredMonthlyReport {
  const complaints = monthComplaintTally(month, config);
  for (const complaint of inputs.complaints) complaints.add(complaint);
  return storedMonthlyReport(month, complaints.figures(), inputs, config);
}

/** A tally of `month`'s complaints, for storedMonthlyReport: complaints are added to it one at a time. */
export function monthComplaintTally(month: MonthKey, config: ReportingConfig): MonthComplaintTally {
  return new MonthComplaintTally(monthlyReportSelection(month, config), calendarFor(config.timeZone));
}

/** The report from the month's complaint figures and its other facts (which may hold more than the month needs). */
export function storedMonthlyReport(
  month: MonthKey,
  complaints: MonthComplaintFigures,
  inputs: Omit<MonthlyReportInputs, 'complaints'>,
  config: ReportingConfig,
): StoredMonthlyReport {
  const bounds = calendarFor(config.timeZone).bounds(month);
  const notifications = [...inputs.notifications].sort((a, b) => byString(a.notificationId, b.notificationId));
  const facts: FactsOfMonth = {
    deliveries: inputs.deliveries.filter((d) => d.month === month).sort((a, b) => byString(a._id, b._id)),
    returns: inputs.returns.filter((r) => within(r.receivedAt, bounds)).sort((a, b) => byString(a.returnId, b.returnId)),
    notificationsReceived: notifications.filter((n) => within(n.receivedAt, bounds)),
    specialStatusesInForce: notifications.filter((n) => n.kind === 'special_status' && n.receivedAt < bounds.end && (n.endedAt === null || n.endedAt >= bounds.end)),
    surveys: inputs.surveys.filter((s) => s.month === month).sort((a, b) => byString(a.periodId, b.periodId)),
  };

  // A customer gets a section when it has a complaint in the month (received, closed, or open at
  // its end: the tally's customers), another fact of the month, or a survey response.
  const groups = byCustomer(facts);
  for (const customerId of complaints.byCustomer.keys()) if (!groups.has(customerId)) groups.set(customerId, { ...NO_FACTS, surveys: facts.surveys });
  const respondents = new Set(facts.surveys.flatMap((survey) => survey.responses.map((response) => response.customerId)));
  const customers: CustomerFigures[] = [...groups.entries()]
    .filter(
      ([customerId, group]) =>
        respondents.has(customerId) ||
        complaints.byCustomer.has(customerId) ||
        group.deliveries.length + group.returns.length + group.notificationsReceived.length > 0 ||
        group.specialStatusesInForce.length > 0,
    )
    .sort(([a], [b]) => byString(a, b))
    .map(([customerId, group]) => sparse(customerId, figuresOf(group, complaints.byCustomer.get(customerId) ?? NO_COMPLAINT_FIGURES, customerId, config)));

  return {
    _id: month,
    month,
    timeZone: config.timeZone,
    periodStart: bounds.start,
    periodEnd: bounds.end,
    total: figuresOf(facts, complaints.total, null, config),
    customerIds: customers.map((customer) => customer.customerId),
    customers,
  };
}

const NO_FACTS: FactsOfMonth = { deliveries: [], returns: [], notificationsReceived: [], specialStatusesInForce: [], surveys: [] };

/**
 * The monthly quality/delivery report (每月品质(客户抱怨)及交期月报), one document per month
 * (`monthly_report`, `_id` = 'YYYY-MM'), in total and per customer. Every number keeps full
 * precision; null means "no value this month" (a rate over nothing), never zero.
 */
import type { CauseCategory, NotificationKind, Severity, SpecialStatus } from '@qms/complaint-domain';
import type { ActionFact, ComplaintDocument, DeadlineFact, ResponsibilityFact, RootCauseFact } from '../complaint-list';
import type { MonthKey } from '../kpi/calendar';
import type { KpiResult } from '../kpi/kpi-targets';
import type { KpiName } from '../kpi/reporting-config';
import type { DeliveryMonthCustomerDocument } from '../deliveries';
import type { ReturnDocument } from '../returns';
import type { CustomerNotificationDocument } from './customer-notification.projection';
import type { SatisfactionSummaryDocument } from '../satisfaction-summary';

export const MONTHLY_REPORT_COLLECTION = 'monthly_report';

/** Complaint fields the report reads, as the lists' document names them. */
export const REPORT_COMPLAINT_FIELDS = [
  '_id',
  'customerId',
  'partNo',
  'severity',
  'department',
  'receivedAt',
  'closedAt',
  'result',
  'reopenedFrom',
  'rootCause',
  'responsibility',
  'containment',
  'actionReply',
  'actions',
] as const satisfies readonly (keyof ComplaintDocument)[];

/**
 * A complaint as the monthly report keeps it (`report_complaints`): the fields above, and of the
 * steps only what its figures read — deadlines and when they were done, the cause's category,
 * the decision and its quantity, each action's rounds. No texts: the report holds figures.
 */
export interface ReportComplaint
  extends Omit<Pick<ComplaintDocument, (typeof REPORT_COMPLAINT_FIELDS)[number]>, 'rootCause' | 'responsibility' | 'containment' | 'actionReply' | 'actions'> {
  readonly rootCause: Pick<RootCauseFact, 'category'> | null;
  readonly responsibility: Pick<ResponsibilityFact, 'decision' | 'quantityAffected'> | null;
  readonly containment: DeadlineFact;
  readonly actionReply: DeadlineFact;
  readonly actions: readonly ReportAction[];
}

export type ReportAction = Pick<ActionFact, 'actionId' | 'kind' | 'rounds'>;

/**
 * A complaint as the report stores it (`report_complaints`): ReportComplaint without its actions,
 * which are stored apart (ReportComplaintActions), and with what the figures read of them derived.
 * An action's event then writes its small actions document, and the row (with its indexes, and
 * the report's months it marks for recomputing) only when one of the derived fields moves: a new
 * action due later, on a complaint not overdue, leaves every month's figures as they were.
 */
export interface ReportComplaintRow extends Omit<ReportComplaint, 'actions'> {
  /** "Overdue at the end of M" as the lists' `overdueMonths` tokens (complaint-list/overdue-months.ts). */
  readonly overdueMonths: readonly string[];
  /** Once closed: whether every deadline was met (eightDClosedOnTime); null while open. */
  readonly eightDOnTime: boolean | null;
}

/** A complaint's actions as the report keeps them (`report_complaint_actions`). */
export interface ReportComplaintActions {
  readonly _id: string;
  readonly actions: readonly ReportAction[];
}

export interface MonthlyReportInputs {
  /** As stored, or whole (the figures take either, see asReportRow). */
  readonly complaints: readonly (ReportComplaintRow | ReportComplaint)[];
  readonly deliveries: readonly DeliveryMonthCustomerDocument[];
  readonly returns: readonly ReturnDocument[];
  readonly notifications: readonly CustomerNotificationDocument[];
  readonly surveys: readonly SatisfactionSummaryDocument[];
}

/**
 * The complaint counts every breakdown (severity, cause category, department) shows. The report
 * holds figures only (DESIGN §8): which complaints make one up is a query on the complaint list
 * (drill-down.ts), e.g. `overdueAtEnd` of a month is `GET /complaints?overdueAtEndOf=YYYY-MM`.
 */
export interface ComplaintCounts {
  readonly received: number;
  readonly closed: number;
  readonly openAtEnd: number;
  readonly overdueAtEnd: number;
}

/** Complaints without a recorded root cause yet. */
export const NOT_ANALYSED = 'not_analysed';
export type CauseCategoryKey = CauseCategory | typeof NOT_ANALYSED;

export interface ComplaintFigures extends ComplaintCounts {
  /** Of `received`, complaints opened by reopening another one. */
  readonly reopenedReceived: number;
  readonly bySeverity: Readonly<Record<Severity, ComplaintCounts>>;
  readonly byCauseCategory: Readonly<Record<CauseCategoryKey, ComplaintCounts>>;
  /** Sorted by department; `department` null = not assigned yet. */
  readonly byDepartment: readonly ({ readonly department: string | null } & ComplaintCounts)[];
  readonly containmentOnTime: number;
  readonly containmentOnTimePercent: number | null;
  readonly actionReplyOnTime: number;
  readonly actionReplyOnTimePercent: number | null;
  /** Σ (closed − received) in days over complaints closed in the month. */
  readonly daysToCloseTotal: number;
  readonly meanDaysToClose: number | null;
  /** Repeat complaints received in the month; the list's `repeatOf` drills into them. */
  readonly repeats: number;
  readonly repeatRatePercent: number | null;
  /** Closed in the month as resolved (an 8D with actions). */
  readonly eightDClosed: number;
  /** Of those, closed with every deadline met (see complaint-figures.ts). */
  readonly eightDClosedOnTime: number;
  readonly eightDOnTimeClosurePercent: number | null;
  /** Σ quantity affected (as corrected at the decision) of complaints received and decided ours. */
  readonly defectiveQuantity: number;
}

export interface ReturnFigures {
  readonly returns: number;
  readonly periodicBulkReturns: number;
  readonly returnedQuantity: number;
  readonly defectiveQuantity: number;
  readonly reworkedQuantity: number;
  readonly scrappedQuantity: number;
  readonly inspected: number;
  readonly noTroubleFound: number;
  /** NTF returns × 100 ÷ inspected returns (received in the month). */
  readonly ntfRatePercent: number | null;
}

export interface NotificationFigures {
  readonly received: number;
  readonly byKind: Readonly<Record<NotificationKind, number>>;
  readonly specialStatusesReceived: Readonly<Record<SpecialStatus, number>>;
  /** Special statuses received by the end of the month and not ended by then. */
  readonly specialStatusesInForceAtEnd: number;
}

export interface DeliveryFigures {
  readonly deliveries: number;
  readonly deliveredQuantity: number;
  readonly onTimeDeliveries: number;
  readonly onTimeDeliveryPercent: number | null;
  readonly premiumFreightDeliveries: number;
  /** Complaint defective quantity ÷ delivered × 10⁶; null when nothing was delivered. */
  readonly ppm: number | null;
}

export interface SatisfactionFigures {
  /** Survey periods issued in the month. */
  readonly periods: readonly string[];
  readonly responses: number;
  readonly csi: number | null;
}

export interface MonthlyFigures {
  readonly complaints: ComplaintFigures;
  readonly returns: ReturnFigures;
  readonly notifications: NotificationFigures;
  readonly deliveries: DeliveryFigures;
  readonly satisfaction: SatisfactionFigures;
  readonly kpis: Readonly<Record<KpiName, KpiResult>>;
}

/**
 * A customer's figures keep only the non-zero buckets of the breakdowns by severity, cause
 * category, notification kind and special status (a missing bucket is all zeros): at a thousand
 * customers a month, zero buckets were most of the report. The total keeps every bucket.
 */
export interface CustomerComplaintFigures extends Omit<ComplaintFigures, 'bySeverity' | 'byCauseCategory'> {
  readonly bySeverity: Partial<ComplaintFigures['bySeverity']>;
  readonly byCauseCategory: Partial<ComplaintFigures['byCauseCategory']>;
}

export interface CustomerNotificationFigures extends Omit<NotificationFigures, 'byKind' | 'specialStatusesReceived'> {
  readonly byKind: Partial<NotificationFigures['byKind']>;
  readonly specialStatusesReceived: Partial<NotificationFigures['specialStatusesReceived']>;
}

export interface CustomerMonthlyFigures extends Omit<MonthlyFigures, 'complaints' | 'notifications'> {
  readonly customerId: string;
  readonly complaints: CustomerComplaintFigures;
  readonly notifications: CustomerNotificationFigures;
}

/**
 * A month's report as served: every figure, and each section's KPIs held against its targets.
 *
 * The total is always there; the customer sections only as asked for (one customer's, or all of
 * them): at a thousand customers active in a month, every section together is about 2.8 MB, the
 * total and the list of customers with a section about 12 kB.
 */
export interface MonthlyReportDocument {
  readonly _id: MonthKey;
  readonly month: MonthKey;
  readonly timeZone: string;
  /** First instant of the month and of the next month, ISO-8601 UTC. */
  readonly periodStart: string;
  readonly periodEnd: string;
  readonly total: MonthlyFigures;
  /**
   * The customers with a section this month, sorted: those with complaints (received, closed or
   * open at the end), returns, deliveries, notifications (received, or a special status in force)
   * or survey responses in the month.
   */
  readonly customerIds: readonly string[];
  /** The sections asked for (all of them when computed), sorted by customer id. */
  readonly customers: readonly CustomerMonthlyFigures[];
}

/**
 * A month's report as computed from the facts: the figures without the `kpis` blocks. Each block
 * is the section's own figures held against the configured targets (withKpis derives it when the
 * report is served); stored, the per-customer blocks were about half of every report.
 */
export interface StoredMonthlyReport extends Omit<MonthlyReportDocument, 'total' | 'customers'> {
  readonly total: Omit<MonthlyFigures, 'kpis'>;
  readonly customers: readonly Omit<CustomerMonthlyFigures, 'kpis'>[];
}

/** `monthly_report`, one per month (`_id` = 'YYYY-MM'): the report without its customer sections. */
export type MonthlyReportHead = Omit<StoredMonthlyReport, 'customers'>;

export const MONTHLY_REPORT_CUSTOMERS_COLLECTION = 'monthly_report_customers';

/**
 * `monthly_report_customers`, one per month and active customer (`_id` = 'YYYY-MM/customerId'):
 * a section is read alone (one customer's report) or with the month's others, in customer order.
 */
export interface StoredCustomerSection extends Omit<CustomerMonthlyFigures, 'kpis'> {
  readonly _id: string;
  readonly month: MonthKey;
}

export const customerSectionId = (month: MonthKey, customerId: string): string => `${month}/${customerId}`;

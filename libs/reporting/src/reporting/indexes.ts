import { DELIVERY_MONTH_CUSTOMER_COLLECTION } from '../deliveries/delivery-month-customer.projection';
import { CUSTOMER_NOTIFICATIONS_COLLECTION } from '../monthly-report/customer-notification.projection';
import { RETURNS_COLLECTION } from '../returns/return.projection';
import { SATISFACTION_SUMMARY_COLLECTION } from '../satisfaction-summary/satisfaction-summary.projection';
import type { SortKey } from '@qms/read-store';

/**
 * A complaint's series (customer, part, cause category) by receipt: how the repeat flags find the
 * complaints around one without reading the customer's other complaints.
 */
export const REPEAT_SERIES_INDEX = [
  { field: 'customerId', direction: 'asc' },
  { field: 'partNo', direction: 'asc' },
  { field: 'rootCause.category', direction: 'asc' },
  { field: 'receivedAt', direction: 'desc' },
] as const satisfies readonly SortKey[];

/** The sort orders and filters the complaint lists serve from an index (`_id` is appended as tie-break). */
export const COMPLAINT_LIST_INDEXES = [
  [{ field: 'receivedAt', direction: 'desc' }],
  [{ field: 'nextDueAt', direction: 'asc' }],
  [{ field: 'closedAt', direction: 'desc' }],
  [{ field: 'customerId', direction: 'asc' }, { field: 'receivedAt', direction: 'desc' }],
  [{ field: 'status', direction: 'asc' }, { field: 'nextDueAt', direction: 'asc' }],
  // Overdue now, newest first (the default sort): the overdue run of nextDueAt holds the receipt
  // times to sort by, so the page is chosen from the index without reading a document.
  [{ field: 'nextDueAt', direction: 'asc' }, { field: 'receivedAt', direction: 'desc' }],
  [{ field: 'department', direction: 'asc' }, { field: 'receivedAt', direction: 'desc' }],
  // Drill-down into the monthly report (complaint-list.query.ts): overdue at the end of a month
  // (an array of month tokens, one index entry per token: a page of them newest first or by next
  // due date is read from the index), repeats and late containments of a month.
  [{ field: 'overdueMonths', direction: 'asc' }, { field: 'receivedAt', direction: 'desc' }],
  [{ field: 'overdueMonths', direction: 'asc' }, { field: 'nextDueAt', direction: 'asc' }],
  [{ field: 'repeat', direction: 'asc' }, { field: 'receivedAt', direction: 'desc' }],
  [{ field: 'containment.met', direction: 'asc' }, { field: 'receivedAt', direction: 'desc' }],
  REPEAT_SERIES_INDEX,
] as const satisfies readonly (readonly SortKey[])[];

/**
 * Indexes that bound each query of a month's report (monthlyReportQueries) and each edge of the
 * fact range (MonthlyReportMaterializer.factRange) to a run about the size of its result.
 */
export const REPORT_COMPLAINT_INDEXES = [
  // Open complaints received before a month's end: closedAt = null fixes the prefix, receivedAt bounds the run.
  [{ field: 'closedAt', direction: 'asc' }, { field: 'receivedAt', direction: 'asc' }],
] as const satisfies readonly (readonly SortKey[])[];

export const REPORT_FACT_INDEXES: Readonly<Record<string, readonly (readonly SortKey[])[]>> = {
  [DELIVERY_MONTH_CUSTOMER_COLLECTION]: [[{ field: 'month', direction: 'asc' }]],
  [RETURNS_COLLECTION]: [[{ field: 'receivedAt', direction: 'asc' }]],
  [CUSTOMER_NOTIFICATIONS_COLLECTION]: [
    [{ field: 'receivedAt', direction: 'asc' }],
    // Special statuses in force at a month's end: kind and endedAt (null, or from the end on), then receipt.
    [{ field: 'kind', direction: 'asc' }, { field: 'endedAt', direction: 'asc' }, { field: 'receivedAt', direction: 'asc' }],
  ],
  [SATISFACTION_SUMMARY_COLLECTION]: [[{ field: 'month', direction: 'asc' }]],
};

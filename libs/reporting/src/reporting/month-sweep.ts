import { COMPLAINTS_COLLECTION } from '../complaint-list/complaint.document';
import { DELIVERY_MONTH_CUSTOMER_COLLECTION, type DeliveryMonthCustomerDocument } from '../deliveries';
import { addMonths, type MonthKey } from '../kpi/calendar';
import type { ReportingConfig } from '../kpi/reporting-config';
import { CUSTOMER_NOTIFICATIONS_COLLECTION, type CustomerNotificationDocument } from '../monthly-report/customer-notification.projection';
import type { MonthlyReportInputs, ReportComplaintRow } from '../monthly-report/monthly-report.types';
import { monthlyReportSelection, selectMonthlyReportInputs, selectsComplaint } from '../monthly-report/report-months';
import { RETURNS_COLLECTION, type ReturnDocument } from '../returns';
import { SATISFACTION_SUMMARY_COLLECTION, type SatisfactionSummaryDocument } from '../satisfaction-summary';
import type { FindQuery, StoredDocument } from '@qms/read-store';

/** What the sweep reads: each fact collection in the order of one of its indexes. */
export interface SweptStore {
  stream<D extends StoredDocument = StoredDocument>(collection: string, query?: FindQuery): AsyncIterable<D>;
}

/** A collection read once in ascending order of one field, taken from in bounds that only grow. */
class AscendingFacts<D extends StoredDocument> {
  private readonly iterator: AsyncIterator<D>;
  private head: D | null | undefined;

  constructor(
    store: SweptStore,
    collection: string,
    private readonly field: keyof D & string,
  ) {
    this.iterator = store.stream<D>(collection, { sort: [{ field, direction: 'asc' }] })[Symbol.asyncIterator]();
  }

  /**
   * The next facts whose field is below `bound` that `selectable` keeps: the others are dropped
   * as they stream by, so what is held is one month's selection however far the first month is.
   */
  async takeBelow(bound: string, selectable: (fact: D) => boolean): Promise<D[]> {
    const taken: D[] = [];
    for (;;) {
      if (this.head === undefined) {
        const next = await this.iterator.next();
        this.head = next.done === true ? null : next.value;
      }
      if (this.head === null || !((this.head[this.field] as unknown as string) < bound)) return taken;
      if (selectable(this.head)) taken.push(this.head);
      this.head = undefined;
    }
  }
}

/**
 * The inputs of many months in one pass over the facts, for a flush that recomputes every month
 * from the first (after a rebuild or a first catch-up): each fact collection is streamed once in
 * the order of its month or receipt index, from its first fact, and only the facts that a month or
 * a later one can still select are held. Each month gets exactly what monthlyReportQueries would
 * fetch for it (selectMonthlyReportInputs over what is held), so its report is the same document.
 *
 * `months` ascending. What is dropped can never be selected again: the selection's bounds (the
 * month, its repeat window, "open at its end") only move forward with the month.
 */
export async function* sweepMonths(store: SweptStore, months: readonly MonthKey[], config: ReportingConfig): AsyncGenerator<{ month: MonthKey; inputs: MonthlyReportInputs }> {
  const complaints = new AscendingFacts<ReportComplaintRow & StoredDocument>(store, COMPLAINTS_COLLECTION, 'receivedAt');
  const deliveries = new AscendingFacts<DeliveryMonthCustomerDocument>(store, DELIVERY_MONTH_CUSTOMER_COLLECTION, 'month');
  const returns = new AscendingFacts<ReturnDocument>(store, RETURNS_COLLECTION, 'receivedAt');
  const notifications = new AscendingFacts<CustomerNotificationDocument>(store, CUSTOMER_NOTIFICATIONS_COLLECTION, 'receivedAt');
  const surveys = new AscendingFacts<SatisfactionSummaryDocument>(store, SATISFACTION_SUMMARY_COLLECTION, 'month');
  let held: MonthlyReportInputs = { complaints: [], deliveries: [], returns: [], notifications: [], surveys: [] };
  for (const month of months) {
    const selection = monthlyReportSelection(month, config);
    const { start, end } = selection;
    const next = addMonths(month, 1);
    // What this month or a later one can select (the month's selection without its upper bound,
    // which the streams' order gives): a fact failing it fails for every later month too.
    const inputs = selectMonthlyReportInputs(
      month,
      {
        complaints: held.complaints.concat(
          await complaints.takeBelow(end, (c) => selectsComplaint(selection, c)),
        ),
        deliveries: held.deliveries.concat(await deliveries.takeBelow(next, (d) => d.month >= month)),
        returns: held.returns.concat(await returns.takeBelow(end, (r) => r.receivedAt >= start)),
        notifications: held.notifications.concat(
          await notifications.takeBelow(end, (n) => n.receivedAt >= start || (n.kind === 'special_status' && (n.endedAt === null || n.endedAt >= end))),
        ),
        surveys: held.surveys.concat(await surveys.takeBelow(next, (survey) => survey.month >= month)),
      },
      config,
    );
    // This month's selection is what any later month can still select from what was taken: the
    // facts of later months are still in the streams.
    held = inputs;
    yield { month, inputs };
  }
}

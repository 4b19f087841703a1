import { COMPLAINTS_COLLECTION } from '../complaint-list/complaint.document';
import { DELIVERY_MONTH_CUSTOMER_COLLECTION } from '../deliveries';
import { addMonths, type MonthKey } from '../kpi/calendar';
import type { ReportingConfig } from '../kpi/reporting-config';
import { CUSTOMER_NOTIFICATIONS_COLLECTION } from '../monthly-report/customer-notification.projection';
import { computeMonthlyReport } from '../monthly-report/monthly-report';
import { MONTHLY_REPORT_COLLECTION } from '../monthly-report/monthly-report.types';
import type { MonthlyReportDocument, MonthlyReportInputs } from '../monthly-report/monthly-report.types';
import {
  expandMonthSpans,
  monthlyReportQueries,
  reportMonthsAffected,
  type MonthSpan,
  type ReportFactChange,
} from '../monthly-report/report-months';
import { RETURNS_COLLECTION } from '../returns';
import { SATISFACTION_SUMMARY_COLLECTION } from '../satisfaction-summary';
import type { Filter, StoredDocument } from '../store';

/** Bookkeeping of the monthly report: the latest month with facts, and months awaiting recompute. */
export const MONTHLY_REPORT_STATE_COLLECTION = 'monthly_report_state';
const STATE_ID = 'state';

export interface MonthlyReportState extends StoredDocument {
  readonly horizon: MonthKey | null;
  readonly pending: readonly MonthKey[];
}

/** What the materializer needs of a store: the projection's own collections. */
export interface ReportStore {
  getMany<D extends StoredDocument = StoredDocument>(collection: string, ids: readonly string[]): Promise<Map<string, D>>;
  stream<D extends StoredDocument = StoredDocument>(collection: string, query?: { filter?: Filter }): AsyncIterable<D>;
  bulkWrite<D extends StoredDocument>(collection: string, batch: { upserts?: readonly D[]; deletes?: readonly string[] }): Promise<void>;
}

/**
 * Keeps the `monthly_report` documents equal to computeMonthlyReport over the fact documents.
 * A batch marks the months its fact changes can affect; a batch at the end of the log recomputes
 * them at once, while catch-up and rebuild batches only collect them, so that each month is
 * recomputed once when the projection catches up. Either way every stored report is a pure function of the facts, so live projection
 * and rebuild give byte-identical months.
 */
export class MonthlyReportMaterializer {
  constructor(private readonly config: ReportingConfig) {}

  async afterChanges(changes: readonly ReportFactChange[], store: ReportStore, options: { deferred: boolean }): Promise<void> {
    if (changes.length === 0) return;
    const state = await this.state(store);
    const spans = reportMonthsAffected(changes, this.config);
    const horizon = latestMonth(spans, state.horizon);
    if (horizon === null) return;
    // Open complaints count in every month up to the horizon: moving it adds those months.
    const grown = state.horizon !== null && horizon > state.horizon ? [{ from: addMonths(state.horizon, 1), to: horizon }] : [];
    const months = [...new Set([...state.pending, ...expandMonthSpans([...spans, ...grown], horizon)])].sort();
    if (options.deferred) {
      await this.saveState(store, { _id: STATE_ID, horizon, pending: months });
      return;
    }
    await this.recompute(store, months);
    await this.saveState(store, { _id: STATE_ID, horizon, pending: [] });
  }

  /** Recomputes every month still pending; the projection runner calls it once caught up. */
  async flush(store: ReportStore, onMonth?: (month: MonthKey, done: number, total: number) => void): Promise<number> {
    const state = await this.state(store);
    if (state.pending.length === 0) return 0;
    await this.recompute(store, state.pending, onMonth);
    await this.saveState(store, { ...state, pending: [] });
    return state.pending.length;
  }

  /** Recomputes a month range from the facts (after a KPI fix, say), however it was computed before. */
  async rebuildMonths(store: ReportStore, from: MonthKey, to: MonthKey, onMonth?: (month: MonthKey, done: number, total: number) => void): Promise<number> {
    const months = expandMonthSpans([{ from, to }], to);
    await this.recompute(store, months, onMonth);
    return months.length;
  }

  async state(store: ReportStore): Promise<MonthlyReportState> {
    const found = await store.getMany<MonthlyReportState>(MONTHLY_REPORT_STATE_COLLECTION, [STATE_ID]);
    return found.get(STATE_ID) ?? { _id: STATE_ID, horizon: null, pending: [] };
  }

  /** One month's report straight from the facts (also what a read of a pending month serves). */
  async compute(store: ReportStore, month: MonthKey): Promise<MonthlyReportDocument> {
    const queries = monthlyReportQueries(month, this.config);
    const inputs: MonthlyReportInputs = {
      complaints: await union(store, COMPLAINTS_COLLECTION, queries.complaints),
      deliveries: await union(store, DELIVERY_MONTH_CUSTOMER_COLLECTION, queries.deliveries),
      returns: await union(store, RETURNS_COLLECTION, queries.returns),
      notifications: await union(store, CUSTOMER_NOTIFICATIONS_COLLECTION, queries.notifications),
      surveys: await union(store, SATISFACTION_SUMMARY_COLLECTION, queries.surveys),
    };
    return computeMonthlyReport(month, inputs, this.config);
  }

  private async recompute(store: ReportStore, months: readonly MonthKey[], onMonth?: (month: MonthKey, done: number, total: number) => void): Promise<void> {
    const reports: MonthlyReportDocument[] = [];
    for (const month of months) {
      reports.push(await this.compute(store, month));
      onMonth?.(month, reports.length, months.length);
    }
    await store.bulkWrite(MONTHLY_REPORT_COLLECTION, { upserts: reports });
  }

  private saveState(store: ReportStore, state: MonthlyReportState): Promise<void> {
    return store.bulkWrite(MONTHLY_REPORT_STATE_COLLECTION, { upserts: [state] });
  }
}

async function union<D extends StoredDocument>(store: ReportStore, collection: string, filters: readonly Filter[]): Promise<D[]> {
  const byId = new Map<string, D>();
  for (const filter of filters) {
    for await (const document of store.stream<D>(collection, { filter })) byId.set(document._id, document);
  }
  return [...byId.values()];
}

function latestMonth(spans: readonly MonthSpan[], current: MonthKey | null): MonthKey | null {
  let latest = current;
  for (const span of spans) {
    for (const month of [span.from, span.to]) if (month !== null && (latest === null || month > latest)) latest = month;
  }
  return latest;
}

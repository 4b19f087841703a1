import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { COMPLAINTS_COLLECTION } from '../complaint-list/complaint.document';
import { DELIVERY_MONTH_CUSTOMER_COLLECTION } from '../deliveries';
import { calendarFor, monthsBetween, type MonthKey } from '../kpi/calendar';
import type { ReportingConfig } from '../kpi/reporting-config';
import { CUSTOMER_NOTIFICATIONS_COLLECTION } from '../monthly-report/customer-notification.projection';
import { computeStoredMonthlyReport, monthComplaintTally, sectionWithKpis, storedMonthlyReport, withKpis } from '../monthly-report/monthly-report';
import {
  customerSectionId,
  MONTHLY_REPORT_COLLECTION,
  MONTHLY_REPORT_CUSTOMERS_COLLECTION,
  type MonthlyReportDocument,
  type MonthlyReportHead,
  type MonthlyReportInputs,
  type ReportComplaintRow,
  type StoredCustomerSection,
  type StoredMonthlyReport,
} from '../monthly-report/monthly-report.types';
import {
  expandMonthSpans,
  longestClosedMs,
  monthlyReportQueries,
  reportMonthSpans,
  type MonthSpan,
  type ReportFactChange,
} from '../monthly-report/report-months';
import { RETURNS_COLLECTION } from '../returns';
import { sweepMonths } from './month-sweep';
import { SATISFACTION_SUMMARY_COLLECTION } from '../satisfaction-summary';
import type { Filter, FindQuery, Page, SortKey, StoredDocument } from '@qms/read-store';

/**
 * The monthly report's own copies of the complaint and survey facts (see monthly-report.projection.ts).
 * The report's rules name facts by their read model (`complaints`, `satisfaction_summary`); the
 * materializer reads and writes them under these names, whatever store it is handed.
 */
export const REPORT_COMPLAINTS_COLLECTION = 'report_complaints';
/** The actions of each complaint of `report_complaints`, apart from its row (ReportComplaintRow). */
export const REPORT_COMPLAINT_ACTIONS_COLLECTION = 'report_complaint_actions';
export const REPORT_SURVEYS_COLLECTION = 'report_surveys';
const STORED_AS: Readonly<Record<string, string>> = {
  [COMPLAINTS_COLLECTION]: REPORT_COMPLAINTS_COLLECTION,
  [SATISFACTION_SUMMARY_COLLECTION]: REPORT_SURVEYS_COLLECTION,
};
const storedAs = (collection: string): string => STORED_AS[collection] ?? collection;

/** `store` as the report's rules see it: facts under their read model's names. */
function reportView<S extends Partial<ReportStore>>(store: S): S {
  const view: Partial<ReportStore> = {};
  if (store.getMany !== undefined) {
    const getMany = store.getMany.bind(store);
    view.getMany = (collection, ids) => getMany(storedAs(collection), ids);
  }
  if (store.find !== undefined) {
    const find = store.find.bind(store);
    view.find = (collection, query) => find(storedAs(collection), query);
  }
  if (store.stream !== undefined) {
    const stream = store.stream.bind(store);
    view.stream = (collection, query) => stream(storedAs(collection), query);
  }
  if (store.bulkWrite !== undefined) {
    const bulkWrite = store.bulkWrite.bind(store);
    view.bulkWrite = (collection, batch) => bulkWrite(storedAs(collection), batch);
  }
  return view as S;
}

/** Bookkeeping of the monthly report: which months are stored, and which await a recompute. */
export const MONTHLY_REPORT_STATE_COLLECTION = 'monthly_report_state';
const STATE_ID = 'state';

export interface MonthlyReportState extends StoredDocument {
  /**
   * The stored months are exactly `first` … `horizon` as of the last flush: from the earliest to
   * the latest month any fact shows in (an open complaint's open end aside). Null: none stored.
   */
  readonly first: MonthKey | null;
  readonly horizon: MonthKey | null;
  /** Months whose facts changed since the last flush: a stored copy of them is stale. */
  readonly pending: readonly MonthKey[];
  /**
   * The longest any complaint took from receipt to closure (ms): bounds the query for complaints
   * open at a month's end and closed since. A closure is never undone or moved, so this is the
   * same whatever the batching. Null: unknown (a state written before it was kept).
   */
  readonly longestClosedMs: number | null;
}

/** What the materializer needs of a store: the projection's own collections. */
export interface ReportStore {
  getMany<D extends StoredDocument = StoredDocument>(collection: string, ids: readonly string[]): Promise<Map<string, D>>;
  find<D extends StoredDocument = StoredDocument>(collection: string, query?: FindQuery): Promise<Page<D>>;
  stream<D extends StoredDocument = StoredDocument>(collection: string, query?: { filter?: Filter; fields?: readonly string[] }): AsyncIterable<D>;
  bulkWrite<D extends StoredDocument>(collection: string, batch: { upserts?: readonly D[]; deletes?: readonly string[] }): Promise<void>;
}

/** Which customer sections a served report holds: none (the total only), one customer's, or all. */
export type SectionChoice = 'none' | 'all' | { readonly customerId: string };

export interface FlushOptions {
  readonly onMonth?: (month: MonthKey, done: number, total: number) => void;
  /** Stops between two months, or while a month's complaints are read; the months not recomputed stay pending. */
  readonly signal?: AbortSignal;
}

/**
 * Keeps the `monthly_report` documents (a month's total) and `monthly_report_customers` (its
 * customer sections) equal to computeStoredMonthlyReport over the fact documents.
 * A batch only marks the months its fact changes can affect (cheap, on the projection's path);
 * `flush` — the projection's deferred work, run after a quiet spell — recomputes them and makes
 * the stored months exactly the range the facts span. Which months are stored and what they hold
 * are therefore functions of the facts alone: live projection and rebuild, whatever their
 * batches, end with byte-identical documents once flushed. Until then readers compute pending
 * months on demand (the same pure function).
 */
export class MonthlyReportMaterializer {
  constructor(private readonly config: ReportingConfig) {}

  /** Marks the months the changes can affect as pending. Idempotent: a retried batch marks the same. */
  async afterChanges(changes: readonly ReportFactChange[], given: ReportStore): Promise<void> {
    const store = reportView(given);
    if (changes.length === 0) return;
    const state = await this.state(store);
    const spans = reportMonthSpans(changes, this.config);
    // An open span changes every stored month from its start; later months are not stored yet
    // and the flush computes them when the range grows.
    const through = latestMonth(spans, state.horizon);
    if (through === null) return;
    const marked = expandMonthSpans(spans, through);
    const pending = [...new Set([...state.pending, ...marked])].sort();
    const complaints = changes.flatMap((change) => (change.collection === COMPLAINTS_COLLECTION ? [change.before, change.after] : []));
    const longest = state.longestClosedMs === null ? null : Math.max(state.longestClosedMs, longestClosedMs(complaints.filter((c) => c !== null)));
    if (pending.length === state.pending.length && longest === state.longestClosedMs) return;
    await this.saveState(store, { ...state, pending, longestClosedMs: longest });
  }

  /**
   * What afterChanges would have left after a replay that skipped it (a rebuild, see
   * Projection.afterReplay): every stored month pending, and the longest closure over all
   * complaints. The flush then recomputes every month of the range, as after any catch-up.
   */
  async afterReplay(given: ReportStore): Promise<void> {
    const store = reportView(given);
    const state = await this.state(store);
    let longest = 0;
    // Two dates of every closed complaint: the rest of each document is not read.
    const closures = store.stream<ReportComplaintRow>(COMPLAINTS_COLLECTION, { filter: { closedAt: { gte: '' } }, fields: ['receivedAt', 'closedAt'] });
    for await (const complaint of closures) longest = Math.max(longest, longestClosedMs([complaint]));
    const stored = state.first === null || state.horizon === null ? [] : monthsBetween(state.first, state.horizon);
    const pending = [...new Set([...state.pending, ...stored])].sort();
    const longestClosed = state.longestClosedMs === null ? null : Math.max(state.longestClosedMs, longest);
    // As afterChanges: a state that would not change is not written (an empty log has none).
    if (pending.length === state.pending.length && longestClosed === state.longestClosedMs) return;
    await this.saveState(store, { ...state, pending, longestClosedMs: longestClosed });
  }

  /**
   * Recomputes the pending months and the months the range of the facts gained, deletes the months
   * it lost, then records the new range with nothing pending. Yields to the event loop between
   * months. A flush cut short (failure, abort) leaves the state as it was: running it again redoes it.
   */
  async flush(given: ReportStore, options: FlushOptions = {}): Promise<number> {
    const store = reportView(given);
    const state = await this.state(store);
    const range = await this.factRange(store);
    const inRange = (month: MonthKey) => range !== null && month >= range.first && month <= range.last;
    const wasStored = (month: MonthKey) => state.first !== null && state.horizon !== null && month >= state.first && month <= state.horizon;
    const months = new Set(state.pending.filter(inRange));
    if (range !== null) for (const month of monthsBetween(range.first, range.last)) if (!wasStored(month)) months.add(month);
    const dropped = state.first === null || state.horizon === null ? [] : monthsBetween(state.first, state.horizon).filter((month) => !inRange(month));
    const next: MonthlyReportState = {
      _id: STATE_ID,
      first: range?.first ?? null,
      horizon: range?.last ?? null,
      pending: [],
      longestClosedMs: state.longestClosedMs,
    };
    if (months.size === 0 && dropped.length === 0 && sameState(state, next)) return 0;
    if (!(await this.recompute(store, [...months].sort(), options, state, range?.first ?? null))) return 0;
    if (dropped.length > 0) {
      await store.bulkWrite(MONTHLY_REPORT_COLLECTION, { deletes: dropped });
      for (const month of dropped) await this.replaceSections(store, month, []);
    }
    await this.saveState(store, next);
    return months.size;
  }

  /**
   * Recomputes the months of a range that the facts span (after a KPI fix, say), however they
   * were computed before; months outside it hold no fact and are computed on every read anyway.
   * Writes reports only, never the state: it may run beside the projection's own flush.
   */
  async rebuildMonths(given: ReportStore, from: MonthKey, to: MonthKey, onMonth?: (month: MonthKey, done: number, total: number) => void): Promise<number> {
    const store = reportView(given);
    const [state, range] = [await this.state(store), await this.factRange(store)];
    if (range === null) return 0;
    const months = monthsBetween(from > range.first ? from : range.first, to < range.last ? to : range.last);
    await this.recompute(store, months, onMonth === undefined ? {} : { onMonth }, state, range.first);
    return months.length;
  }

  async state(store: Pick<ReportStore, 'getMany'>): Promise<MonthlyReportState> {
    const found = await store.getMany<MonthlyReportState>(MONTHLY_REPORT_STATE_COLLECTION, [STATE_ID]);
    const stored = found.get(STATE_ID);
    if (stored === undefined) return { _id: STATE_ID, first: null, horizon: null, pending: [], longestClosedMs: 0 };
    // A state of an older version: what it lacks is unknown (the stored range) or unbounded.
    return { _id: STATE_ID, first: stored.first ?? null, horizon: stored.horizon ?? null, pending: stored.pending ?? [], longestClosedMs: stored.longestClosedMs ?? null };
  }

  /**
   * One month's report as readers get it, with the sections asked for: the stored documents, or —
   * for a month still waiting for its recompute after a catch-up, or outside the stored range —
   * the same pure computation over the facts, done now; with its KPI blocks (see StoredMonthlyReport).
   */
  async report(given: Pick<ReportStore, 'stream' | 'getMany'>, month: MonthKey, sections: SectionChoice = 'all'): Promise<MonthlyReportDocument> {
    const store = reportView(given);
    const state = await this.state(store);
    if (!state.pending.includes(month)) {
      const head = (await store.getMany<MonthlyReportHead & StoredDocument>(MONTHLY_REPORT_COLLECTION, [month])).get(month);
      if (head !== undefined) {
        return { ...withKpis({ ...head, customers: [] }, this.config), customers: await this.storedSections(store, month, sections) };
      }
    }
    const computed = await this.compute(store, month);
    const chosen = sections === 'all' ? computed.customers : sections === 'none' ? [] : computed.customers.filter((c) => c.customerId === sections.customerId);
    return withKpis({ ...computed, customers: chosen }, this.config);
  }

  private async storedSections(store: Pick<ReportStore, 'stream' | 'getMany'>, month: MonthKey, sections: SectionChoice) {
    if (sections === 'none') return [];
    const stored: StoredCustomerSection[] = [];
    if (sections === 'all') {
      const filter = { month: { eq: month } };
      for await (const section of store.stream<StoredCustomerSection>(MONTHLY_REPORT_CUSTOMERS_COLLECTION, { filter })) stored.push(section);
      stored.sort((a, b) => (a._id < b._id ? -1 : a._id > b._id ? 1 : 0));
    } else {
      const id = customerSectionId(month, sections.customerId);
      const found = (await store.getMany<StoredCustomerSection>(MONTHLY_REPORT_CUSTOMERS_COLLECTION, [id])).get(id);
      if (found !== undefined) stored.push(found);
    }
    return stored.map(({ _id: _ignored, month: _month, ...section }) => sectionWithKpis(section, month, this.config));
  }

  /**
   * One month's report as stored, straight from the facts. `state` (read when not given) bounds
   * the complaint queries.
   */
  async compute(given: Pick<ReportStore, 'stream' | 'getMany'>, month: MonthKey, state?: MonthlyReportState): Promise<StoredMonthlyReport> {
    const store = reportView(given);
    if (state !== undefined) return this.computeWithin(store, month, state.longestClosedMs);
    // A batch written meanwhile may close a complaint that took longer: then the bound was too tight.
    for (let longest = (await this.state(store)).longestClosedMs; ; ) {
      const report = await this.computeWithin(store, month, longest);
      const now = (await this.state(store)).longestClosedMs;
      if (now === longest || (now !== null && longest !== null && now < longest)) return report;
      longest = now;
    }
  }

  private async computeWithin(store: Pick<ReportStore, 'stream'>, month: MonthKey, longest: number | null, signal?: AbortSignal): Promise<StoredMonthlyReport> {
    const queries = monthlyReportQueries(month, this.config, longest ?? undefined);
    // Complaints are tallied as they stream by: a month of many complaints is never held as documents.
    const complaints = monthComplaintTally(month, this.config);
    for (const filter of queries.complaints) {
      for await (const complaint of store.stream<ReportComplaintRow & StoredDocument>(COMPLAINTS_COLLECTION, { filter })) {
        // A stopping projection does not wait for the rest of a month of many complaints.
        if (signal?.aborted === true) throw new RecomputeAborted();
        complaints.add(complaint);
      }
    }
    const inputs: Omit<MonthlyReportInputs, 'complaints'> = {
      deliveries: await union(store, DELIVERY_MONTH_CUSTOMER_COLLECTION, queries.deliveries),
      returns: await union(store, RETURNS_COLLECTION, queries.returns),
      notifications: await union(store, CUSTOMER_NOTIFICATIONS_COLLECTION, queries.notifications),
      surveys: await union(store, SATISFACTION_SUMMARY_COLLECTION, queries.surveys),
    };
    return storedMonthlyReport(month, complaints.figures(), inputs, this.config);
  }

  /**
   * The earliest and the latest month any fact document shows in: each document's own months
   * (its span's start and finite end, see report-months.ts), not merged with others, so an open
   * complaint does not hide the months after it. Each bound is one indexed query.
   */
  async factRange(given: Pick<ReportStore, 'find'>): Promise<{ first: MonthKey; last: MonthKey } | null> {
    const store = reportView(given);
    const calendar = calendarFor(this.config.timeZone);
    const edge = async (collection: string, field: string, direction: 'asc' | 'desc', filter?: Filter): Promise<string | null> => {
      const sort: SortKey[] = [{ field, direction }];
      const page = await store.find<StoredDocument & Record<string, unknown>>(collection, { filter: { ...filter, [field]: { gte: '' } }, sort, limit: 1 });
      const value = page.items[0]?.[field];
      return typeof value === 'string' ? value : null;
    };
    const instantMonth = (instant: string | null) => (instant === null ? null : calendar.monthOf(instant));
    const firsts = [
      instantMonth(await edge(COMPLAINTS_COLLECTION, 'receivedAt', 'asc')),
      await edge(DELIVERY_MONTH_CUSTOMER_COLLECTION, 'month', 'asc'),
      instantMonth(await edge(RETURNS_COLLECTION, 'receivedAt', 'asc')),
      instantMonth(await edge(CUSTOMER_NOTIFICATIONS_COLLECTION, 'receivedAt', 'asc')),
      await edge(SATISFACTION_SUMMARY_COLLECTION, 'month', 'asc'),
    ];
    const lasts = [
      instantMonth(await edge(COMPLAINTS_COLLECTION, 'receivedAt', 'desc')),
      instantMonth(await edge(COMPLAINTS_COLLECTION, 'closedAt', 'desc')),
      // Not a closed complaint's repeat window: it can change a month's figures (complaintMonthSpan)
      // but does not make a month that has not happened yet a month to report.
      await edge(DELIVERY_MONTH_CUSTOMER_COLLECTION, 'month', 'desc'),
      instantMonth(await edge(RETURNS_COLLECTION, 'receivedAt', 'desc')),
      instantMonth(await edge(CUSTOMER_NOTIFICATIONS_COLLECTION, 'receivedAt', 'desc')),
      instantMonth(await edge(CUSTOMER_NOTIFICATIONS_COLLECTION, 'endedAt', 'desc', { kind: { eq: 'special_status' } })),
      await edge(SATISFACTION_SUMMARY_COLLECTION, 'month', 'desc'),
    ];
    const first = firsts.reduce<MonthKey | null>((earliest, month) => (month !== null && (earliest === null || month < earliest) ? month : earliest), null);
    const last = lasts.reduce<MonthKey | null>((latest, month) => (month !== null && (latest === null || month > latest) ? month : latest), null);
    return first === null || last === null ? null : { first, last: last < first ? first : last };
  }

  /**
   * Writes each month as it is computed; false when aborted before the end. Months are each
   * fetched with their own queries, bounded by their indexes; a run of them from the facts' first
   * month (every month, after a rebuild or a first catch-up) from one pass over the facts
   * (month-sweep.ts), which reads every fact once: the same inputs either way.
   */
  private async recompute(store: ReportStore, months: readonly MonthKey[], options: FlushOptions, state: MonthlyReportState, firstFactMonth: MonthKey | null): Promise<boolean> {
    const computed =
      months.length >= SWEEP_FROM_MONTHS && months[0] === firstFactMonth
        ? mapAsync(sweepMonths(store, months, this.config), ({ month, inputs }) => computeStoredMonthlyReport(month, inputs, this.config))
        : mapAsync(months, (month) => this.computeWithin(store, month, state.longestClosedMs, options.signal));
    let done = 0;
    try {
      for await (const report of computed) {
        if (options.signal?.aborted === true) return false;
        const { month } = report;
        const { customers, ...head } = report;
        await store.bulkWrite(MONTHLY_REPORT_COLLECTION, { upserts: [head as MonthlyReportHead & StoredDocument] });
        await this.replaceSections(
          store,
          month,
          customers.map((section) => ({ _id: customerSectionId(month, section.customerId), month, ...section })),
        );
        done += 1;
        options.onMonth?.(month, done, months.length);
        // HTTP requests get their turn between months, even when the store never awaits I/O.
        await yieldToEventLoop();
      }
    } catch (error) {
      if (error instanceof RecomputeAborted) return false;
      throw error;
    }
    return options.signal?.aborted !== true;
  }

  /** The month's stored sections become exactly `sections`. */
  private async replaceSections(store: ReportStore, month: MonthKey, sections: readonly StoredCustomerSection[]): Promise<void> {
    const keep = new Set(sections.map((section) => section._id));
    const stale: string[] = [];
    for await (const section of store.stream<StoredCustomerSection>(MONTHLY_REPORT_CUSTOMERS_COLLECTION, { filter: { month: { eq: month } } })) {
      if (!keep.has(section._id)) stale.push(section._id);
    }
    if (stale.length > 0) await store.bulkWrite(MONTHLY_REPORT_CUSTOMERS_COLLECTION, { deletes: stale });
    if (sections.length > 0) await store.bulkWrite(MONTHLY_REPORT_CUSTOMERS_COLLECTION, { upserts: sections });
  }

  private saveState(store: ReportStore, state: MonthlyReportState): Promise<void> {
    return store.bulkWrite(MONTHLY_REPORT_STATE_COLLECTION, { upserts: [state] });
  }
}

/** Thrown inside a month's computation once its flush is aborted; the flush then returns false. */
class RecomputeAborted extends Error {}

/** From this many months from the first on, a recompute sweeps the facts once rather than querying each month. */
const SWEEP_FROM_MONTHS = 4;

async function* mapAsync<T, R>(items: Iterable<T> | AsyncIterable<T>, map: (item: T) => R | Promise<R>): AsyncGenerator<R> {
  for await (const item of items) yield await map(item);
}

/**
 * Every document matching any of the filters, streamed page by page: never held twice over as a
 * whole result's JSON text and its documents (the projections thread recomputes every month after
 * a catch-up, under its heap cap).
 */
async function union<D extends StoredDocument>(store: Pick<ReportStore, 'stream'>, collection: string, filters: readonly Filter[]): Promise<D[]> {
  const byId = new Map<string, D>();
  for (const filter of filters) {
    for await (const document of store.stream<D>(collection, { filter })) byId.set(document._id, document);
  }
  return [...byId.values()];
}

function sameState(a: MonthlyReportState, b: MonthlyReportState): boolean {
  return a.first === b.first && a.horizon === b.horizon && a.pending.length === 0 && b.pending.length === 0 && a.longestClosedMs === b.longestClosedMs;
}

/** The latest month among the spans' own starts and ends, and `current`. */
function latestMonth(spans: readonly MonthSpan[], current: MonthKey | null): MonthKey | null {
  let latest = current;
  for (const span of spans) {
    for (const month of [span.from, span.to]) if (month !== null && (latest === null || month > latest)) latest = month;
  }
  return latest;
}

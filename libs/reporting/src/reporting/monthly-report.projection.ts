import type { DomainEvent } from '@qms/domain-kernel';
import type { DocumentChange, DocumentRef, Projection, ProjectedDocument } from '@qms/projection-engine';
import { COMPLAINTS_COLLECTION } from '../complaint-list/complaint.document';
import { createDeliveryMonthCustomerProjection, DELIVERY_MONTH_CUSTOMER_COLLECTION } from '../deliveries';
import type { ReportingConfig } from '../kpi/reporting-config';
import {
  CUSTOMER_NOTIFICATIONS_COLLECTION,
  createCustomerNotificationProjection,
} from '../monthly-report/customer-notification.projection';
import { MONTHLY_REPORT_COLLECTION, MONTHLY_REPORT_CUSTOMERS_COLLECTION } from '../monthly-report/monthly-report.types';
import { MONTH_SPAN_FIELDS, type ReportFactChange } from '../monthly-report/report-months';
import { createReturnProjection, RETURNS_COLLECTION } from '../returns';
import { createSatisfactionSummaryProjection, SATISFACTION_SUMMARY_COLLECTION } from '../satisfaction-summary';
import { factPart, routeParts } from './fact-part';
import { reportComplaintFacts } from './report-complaint-facts';
import { REPORT_COMPLAINT_INDEXES, REPORT_FACT_INDEXES } from './indexes';
import {
  MONTHLY_REPORT_STATE_COLLECTION,
  MonthlyReportMaterializer,
  REPORT_COMPLAINT_ACTIONS_COLLECTION,
  REPORT_COMPLAINTS_COLLECTION,
  REPORT_SURVEYS_COLLECTION,
} from './monthly-report-materializer';

export const MONTHLY_REPORT_PROJECTION = 'monthly_report';

/**
 * When the pending months are recomputed: after a quiet spell, and at least this often under load,
 * unless the recomputes would then take more than `maxShare` of the projection's time (see
 * DeferredWork). Readers compute a pending month on demand meanwhile, so pacing changes how
 * fresh the stored copy is, never what a reader gets.
 */
export interface MonthlyReportFlushTiming {
  readonly settleMs: number;
  readonly maxDelayMs: number;
  readonly maxShare?: number;
}

/**
 * A tenth of the time: on the benchmark history, under a steady command load that put ten
 * thousand complaints into the current month, recomputing it every 5 s took 87 % of the
 * projections thread, a core the requests needed.
 */
export const DEFAULT_MONTHLY_REPORT_FLUSH: MonthlyReportFlushTiming = { settleMs: 500, maxDelayMs: 5_000, maxShare: 0.1 };

const indexed = (keys: readonly (readonly { readonly field: string; readonly direction: 'asc' | 'desc' }[])[]) =>
  keys.map((fields) => ({ fields }));

/**
 * The monthly quality/delivery report and the facts it is computed from: complaints, deliveries
 * per month and customer, returns, notifications and survey results. It keeps its OWN copy of the
 * complaint and survey facts (`report_complaints`, `report_surveys`) rather than reading the
 * complaint lists' or the satisfaction summary's documents: a report is then a function of this
 * projection's position alone, it is rebuilt, compared and stopped on its own, and a poison event
 * in one read model leaves the others current. Its complaint copy holds only what the figures
 * read (report-complaint.projection.ts), under half the lists' document, in two parts as the
 * lists' is: its row and its actions (report-complaint-facts.ts).
 */
export function createMonthlyReportProjection(
  config: ReportingConfig,
  flush: MonthlyReportFlushTiming = DEFAULT_MONTHLY_REPORT_FLUSH,
): Projection<DomainEvent> & { readonly materializer: MonthlyReportMaterializer } {
  const complaints = reportComplaintFacts(config);
  const parts = [
    factPart(createDeliveryMonthCustomerProjection(config)),
    factPart(createReturnProjection(config)),
    factPart(createCustomerNotificationProjection(config)),
    factPart(createSatisfactionSummaryProjection(config), REPORT_SURVEYS_COLLECTION),
  ];
  const routes = routeParts(parts);
  const materializer = new MonthlyReportMaterializer(config);

  return {
    name: MONTHLY_REPORT_PROJECTION,
    // 2: the complaint facts no longer carry the lists' nextDueAt and overdueMonths.
    // 3: days to close are summed in whole milliseconds (the last digits of a mean can change).
    // 4: the complaint facts keep only what the report reads (ReportComplaint).
    // 5: the complaint facts' actions stored apart, their overdue months and on-time closure in the row.
    version: 5,
    eventTypes: [...new Set([...complaints.eventTypes, ...routes.eventTypes])],
    collections: [
      {
        name: REPORT_COMPLAINTS_COLLECTION,
        // The fact range's edges (receivedAt, closedAt) and the month queries' open complaints.
        indexes: indexed([...REPORT_COMPLAINT_INDEXES, [{ field: 'receivedAt', direction: 'asc' }], [{ field: 'closedAt', direction: 'desc' }]]),
      },
      { name: REPORT_COMPLAINT_ACTIONS_COLLECTION },
      ...[DELIVERY_MONTH_CUSTOMER_COLLECTION, RETURNS_COLLECTION, CUSTOMER_NOTIFICATIONS_COLLECTION].map((name) => ({
        name,
        indexes: indexed(REPORT_FACT_INDEXES[name] ?? []),
      })),
      { name: REPORT_SURVEYS_COLLECTION, indexes: indexed(REPORT_FACT_INDEXES[SATISFACTION_SUMMARY_COLLECTION] ?? []) },
      { name: MONTHLY_REPORT_COLLECTION },
      // The customer sections of each month, one document per month and customer.
      { name: MONTHLY_REPORT_CUSTOMERS_COLLECTION, indexes: indexed([[{ field: 'month', direction: 'asc' }]]) },
      { name: MONTHLY_REPORT_STATE_COLLECTION },
    ],
    materializer,
    // The complaint facts and the other facts share no event type and no document: a rebuild on
    // a machine with cores to spare replays them in threads of their own (rebuild-parts.ts).
    replayParts: [
      { name: 'complaint_facts', eventTypes: complaints.eventTypes, collections: [REPORT_COMPLAINTS_COLLECTION, REPORT_COMPLAINT_ACTIONS_COLLECTION] },
      {
        name: 'other_facts',
        eventTypes: routes.eventTypes,
        collections: [DELIVERY_MONTH_CUSTOMER_COLLECTION, RETURNS_COLLECTION, CUSTOMER_NOTIFICATIONS_COLLECTION, REPORT_SURVEYS_COLLECTION],
      },
    ],
    documentIds(event: DomainEvent): DocumentRef[] {
      const facts = routes.partsFor(event.type).flatMap((part) => part.documentIds(event).map((id) => ({ collection: part.collection, id })));
      return complaints.handles(event.type) ? [...complaints.documentIds(event), ...facts] : facts;
    },
    readsDocuments(event: DomainEvent): DocumentRef[] {
      return complaints.handles(event.type) ? complaints.readsDocuments(event) : [];
    },
    evolve(document: ProjectedDocument | null, event: DomainEvent, id: string, context): ProjectedDocument | null {
      if (complaints.stores(context.collection)) return complaints.evolve(document, event, id, context);
      const part = routes.partOf(context.collection);
      if (part === undefined) throw new Error(`The monthly report has no facts in ${context.collection}`);
      return part.evolve(document, event, id);
    },
    async afterBatch(changes: readonly DocumentChange[], store): Promise<void> {
      // Batches only mark months: recomputing them here would hold up every live command.
      await materializer.afterChanges(changes.flatMap(toFactChange), store);
    },
    // Every change of a fact marks its months, whatever it changed; which months, its dates say.
    afterBatchReads: {
      [REPORT_COMPLAINTS_COLLECTION]: { fields: MONTH_SPAN_FIELDS.complaints },
      // A change of the actions alone changes no figure: the row carries what the figures read of them.
      [REPORT_COMPLAINT_ACTIONS_COLLECTION]: { fields: [], ignoreUnchanged: true },
      [DELIVERY_MONTH_CUSTOMER_COLLECTION]: { fields: MONTH_SPAN_FIELDS.deliveries },
      [RETURNS_COLLECTION]: { fields: MONTH_SPAN_FIELDS.returns },
      [CUSTOMER_NOTIFICATIONS_COLLECTION]: { fields: MONTH_SPAN_FIELDS.notifications },
      [REPORT_SURVEYS_COLLECTION]: { fields: MONTH_SPAN_FIELDS.surveys },
    },
    async afterReplay(store): Promise<void> {
      await materializer.afterReplay(store);
    },
    deferredWork: {
      settleMs: flush.settleMs,
      maxDelayMs: flush.maxDelayMs,
      ...(flush.maxShare !== undefined ? { maxShare: flush.maxShare } : {}),
      async run(store, signal): Promise<void> {
        await materializer.flush(store, { signal });
      },
    },
  };
}

type FactChangeOf<C extends ReportFactChange['collection']> = Extract<ReportFactChange, { readonly collection: C }>;

/**
 * A stored fact's change under the fact's own name, as the report's month rules know it. Each
 * collection's documents were written by that collection's evolve and cut down to the fields of
 * afterBatchReads (MONTH_SPAN_FIELDS), hence the narrowing.
 */
function narrowed<C extends ReportFactChange['collection']>(collection: C, change: DocumentChange): FactChangeOf<C> {
  return { collection, before: change.before, after: change.after } as unknown as FactChangeOf<C>;
}

function toFactChange(change: DocumentChange): ReportFactChange[] {
  switch (change.collection) {
    case REPORT_COMPLAINTS_COLLECTION:
      return [narrowed(COMPLAINTS_COLLECTION, change)];
    case DELIVERY_MONTH_CUSTOMER_COLLECTION:
    case RETURNS_COLLECTION:
    case CUSTOMER_NOTIFICATIONS_COLLECTION:
      return [narrowed(change.collection, change)];
    case REPORT_SURVEYS_COLLECTION:
      return [narrowed(SATISFACTION_SUMMARY_COLLECTION, change)];
    default:
      // The report's own documents (months, state) are not facts.
      return [];
  }
}

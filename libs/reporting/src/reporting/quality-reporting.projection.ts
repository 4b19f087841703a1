import type { DomainEvent } from '@qms/domain-kernel';
import type { DocumentChange, DocumentRef, Projection, ProjectedDocument } from '@qms/projection-engine';
import { createComplaintListProjection } from '../complaint-list/complaint-list.projection';
import { COMPLAINTS_COLLECTION } from '../complaint-list/complaint.document';
import { updateRepeatFlags } from '../complaint-list/repeat-flags';
import { createDeliveryMonthCustomerProjection } from '../deliveries';
import type { ReadModelProjection } from '../kpi/projection-shape';
import type { ReportingConfig } from '../kpi/reporting-config';
import { createCustomerNotificationProjection } from '../monthly-report/customer-notification.projection';
import type { ReportFactChange } from '../monthly-report/report-months';
import { createReturnProjection } from '../returns';
import { createSatisfactionSummaryProjection } from '../satisfaction-summary';
import { COMPLAINT_LIST_INDEXES, REPORT_COMPLAINT_INDEXES, REPORT_FACT_INDEXES } from './indexes';
import { MONTHLY_REPORT_COLLECTION, MONTHLY_REPORT_CUSTOMERS_COLLECTION } from '../monthly-report/monthly-report.types';
import { MONTHLY_REPORT_STATE_COLLECTION, MonthlyReportMaterializer } from './monthly-report-materializer';

export const QUALITY_REPORTING_PROJECTION = 'quality_reporting';

type AnyFactProjection = ReadModelProjection<{ readonly _id: string }, DomainEvent>;

/**
 * The complaint master and tracking lists, the delivery, return, notification and survey facts,
 * and the monthly quality/delivery report derived from them, as ONE projection: one pass over the
 * log and one checkpoint, so the report is always computed from facts at the same position (a
 * deterministic function of the events), and the 100,000 complaint documents are held once.
 * Rebuilding any of these read models rebuilds them together.
 */
/** When the pending months are recomputed: after a quiet spell, and at least this often under load. */
export interface MonthlyReportFlushTiming {
  readonly settleMs: number;
  readonly maxDelayMs: number;
}

export const DEFAULT_MONTHLY_REPORT_FLUSH: MonthlyReportFlushTiming = { settleMs: 500, maxDelayMs: 5_000 };

export function createQualityReportingProjection(
  config: ReportingConfig,
  flush: MonthlyReportFlushTiming = DEFAULT_MONTHLY_REPORT_FLUSH,
): Projection<DomainEvent> & {
  readonly materializer: MonthlyReportMaterializer;
} {
  const facts = [
    createComplaintListProjection(config),
    createDeliveryMonthCustomerProjection(config),
    createReturnProjection(config),
    createCustomerNotificationProjection(config),
    createSatisfactionSummaryProjection(config),
  ] as unknown as readonly AnyFactProjection[];
  const byCollection = new Map(facts.map((projection) => [projection.name, projection]));
  const byEventType = new Map<string, AnyFactProjection[]>();
  for (const projection of facts) {
    for (const type of projection.eventTypes) byEventType.set(type, [...(byEventType.get(type) ?? []), projection]);
  }
  const materializer = new MonthlyReportMaterializer(config);

  return {
    name: QUALITY_REPORTING_PROJECTION,
    // 2: sparse per-customer report sections, months stored from the facts' range, report indexes.
    // 3: monthly reports stored without their KPI blocks (derived when served).
    // 4: reports hold figures, not lists of numbers, and keep their customer sections apart
    //    (monthly_report_customers); complaints carry repeat and overdueMonths for the list's
    //    drill-down; a not-ours decision is the action reply.
    version: 4,
    eventTypes: [...byEventType.keys()],
    collections: [
      { name: COMPLAINTS_COLLECTION, indexes: [...COMPLAINT_LIST_INDEXES, ...REPORT_COMPLAINT_INDEXES].map((fields) => ({ fields })) },
      ...facts
        .filter((projection) => projection.name !== COMPLAINTS_COLLECTION)
        .map((projection) => ({ name: projection.name, indexes: (REPORT_FACT_INDEXES[projection.name] ?? []).map((fields) => ({ fields })) })),
      { name: MONTHLY_REPORT_COLLECTION },
      { name: MONTHLY_REPORT_CUSTOMERS_COLLECTION, indexes: [{ fields: [{ field: 'month', direction: 'asc' }] }] },
      { name: MONTHLY_REPORT_STATE_COLLECTION },
    ],
    materializer,
    documentIds(event: DomainEvent): DocumentRef[] {
      return (byEventType.get(event.type) ?? []).flatMap((projection) =>
        projection.documentIds(event).map((id) => ({ collection: projection.name, id })),
      );
    },
    evolve(document: ProjectedDocument | null, event: DomainEvent, id: string, context): ProjectedDocument | null {
      const projection = byCollection.get(context.collection);
      if (projection === undefined) return document;
      return projection.evolve(document, event, id);
    },
    async afterBatch(changes: readonly DocumentChange[], store): Promise<void> {
      await updateRepeatFlags(changes, store, config.repeatWindowDays);
      const factChanges = changes.filter((change) => byCollection.has(change.collection)) as unknown as ReportFactChange[];
      // Batches only mark months: recomputing them here would hold up every live command.
      await materializer.afterChanges(factChanges, store);
    },
    deferredWork: {
      settleMs: flush.settleMs,
      maxDelayMs: flush.maxDelayMs,
      async run(store, signal): Promise<void> {
        await materializer.flush(store, { signal });
      },
    },
  };
}

import type { DomainEvent } from '@qms/domain-kernel';
import type { Projection } from '@qms/projection-engine';
import type { ReportingConfig } from '../kpi/reporting-config';
import { createSatisfactionSummaryProjection, SATISFACTION_SUMMARY_COLLECTION } from '../satisfaction-summary';
import { factPart } from './fact-part';

export const SATISFACTION_SUMMARY_PROJECTION = 'satisfaction_summary';

/** The satisfaction summary per survey period, served by GET /reports/satisfaction/:periodId. */
export function createSatisfactionSummaryReadModel(config: ReportingConfig): Projection<DomainEvent> {
  const part = factPart(createSatisfactionSummaryProjection(config), SATISFACTION_SUMMARY_COLLECTION);
  return {
    name: SATISFACTION_SUMMARY_PROJECTION,
    version: 1,
    eventTypes: part.eventTypes,
    collections: [{ name: SATISFACTION_SUMMARY_COLLECTION, indexes: [{ fields: [{ field: 'month', direction: 'asc' }] }] }],
    documentIds: (event) => part.documentIds(event),
    evolve: (document, event, id) => part.evolve(document, event, id),
  };
}

import type { DomainEvent } from '@qms/domain-kernel';
import type { DocumentRef, EvolveContext, ProjectedDocument } from '@qms/projection-engine';
import { calendarFor } from '../kpi/calendar';
import type { ReportingConfig } from '../kpi/reporting-config';
import type { ReportAction, ReportComplaintActions, ReportComplaintRow } from '../monthly-report/monthly-report.types';
import {
  evolveReportActions,
  evolveReportRow,
  REPORT_ACTION_EVENT_TYPES,
  REPORT_COMPLAINT_EVENT_TYPES,
  REPORT_TIMELESS_EVENT_TYPES,
  type ReportComplaintEvent,
} from '../monthly-report/report-complaint.projection';
import { complaintInTwoParts } from './complaint-in-two-parts';
import { REPORT_COMPLAINT_ACTIONS_COLLECTION, REPORT_COMPLAINTS_COLLECTION } from './monthly-report-materializer';

const HANDLED: ReadonlySet<string> = new Set(REPORT_COMPLAINT_EVENT_TYPES);

/**
 * The monthly report's complaint facts, stored in two parts as the lists' complaints are
 * (complaint-in-two-parts.ts): each complaint's row (ReportComplaintRow), which the months'
 * figures read, and its actions. Assignments and root causes move no deadline: their rows keep
 * the derived fields without reading the actions.
 */
export function reportComplaintFacts(config: Pick<ReportingConfig, 'timeZone'>) {
  const calendar = calendarFor(config.timeZone);
  const parts = complaintInTwoParts<ReportComplaintEvent, ReportComplaintRow, ReportAction, ReportComplaintActions>({
    rows: REPORT_COMPLAINTS_COLLECTION,
    actions: REPORT_COMPLAINT_ACTIONS_COLLECTION,
    actionEventTypes: REPORT_ACTION_EVENT_TYPES,
    rowReadsActions: (type) => type !== 'ComplaintRegistered' && !REPORT_TIMELESS_EVENT_TYPES.has(type),
    evolveActions: evolveReportActions,
    evolveRow: (row, event, actions) => evolveReportRow(row, event, actions, calendar),
  });
  const own = (event: DomainEvent): ReportComplaintEvent => event as ReportComplaintEvent;
  return {
    eventTypes: REPORT_COMPLAINT_EVENT_TYPES,
    handles: (type: string): boolean => HANDLED.has(type),
    stores: (collection: string): boolean => collection === REPORT_COMPLAINTS_COLLECTION || collection === REPORT_COMPLAINT_ACTIONS_COLLECTION,
    documentIds: (event: DomainEvent): DocumentRef[] => parts.documentIds(own(event)),
    readsDocuments: (event: DomainEvent): DocumentRef[] => parts.readsDocuments(own(event)),
    evolve: (document: ProjectedDocument | null, event: DomainEvent, id: string, context: EvolveContext): ProjectedDocument | null =>
      parts.evolve(document, own(event), id, context),
  };
}

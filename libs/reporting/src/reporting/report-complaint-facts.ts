import type { DomainEvent } from '@qms/domain-kernel';
import type { DocumentRef, EvolveContext, ProjectedDocument } from '@qms/projection-engine';
import { NONE } from '../complaint-list/complaint-steps';
import { calendarFor } from '../kpi/calendar';
import type { ReportingConfig } from '../kpi/reporting-config';
import type { ReportComplaintActions, ReportComplaintRow } from '../monthly-report/monthly-report.types';
import {
  evolveReportActions,
  evolveReportRow,
  REPORT_ACTION_EVENT_TYPES,
  REPORT_COMPLAINT_EVENT_TYPES,
  REPORT_TIMELESS_EVENT_TYPES,
  type ReportComplaintEvent,
} from '../monthly-report/report-complaint.projection';
import { REPORT_COMPLAINT_ACTIONS_COLLECTION, REPORT_COMPLAINTS_COLLECTION } from './monthly-report-materializer';

const HANDLED: ReadonlySet<string> = new Set(REPORT_COMPLAINT_EVENT_TYPES);

const rowOf = (number: string): DocumentRef => ({ collection: REPORT_COMPLAINTS_COLLECTION, id: number });
const actionsOf = (number: string): DocumentRef => ({ collection: REPORT_COMPLAINT_ACTIONS_COLLECTION, id: number });

/** Whether the row's derived fields are worked out from the actions for this event: a registration has none yet, and assignments and root causes leave the fields as they were. */
const derivesFromActions = (type: string): boolean => type !== 'ComplaintRegistered' && !REPORT_TIMELESS_EVENT_TYPES.has(type);

/**
 * The monthly report's complaint facts, stored in two parts (ReportComplaintRow): each complaint's
 * row, which the months' figures read, and its actions. Like the complaint lists' two parts: an
 * action's event evolves the actions first, then the row, whose derived fields are taken from the
 * actions as that event left them; an event that can move a deadline or the closure reads the
 * actions for the same derivation. Each part is evolved from stored state only, so a part that a
 * retried batch finds already written is skipped without the other going wrong.
 */
export function reportComplaintFacts(config: Pick<ReportingConfig, 'timeZone'>) {
  const calendar = calendarFor(config.timeZone);
  const own = (event: DomainEvent): ReportComplaintEvent => event as ReportComplaintEvent;
  return {
    eventTypes: REPORT_COMPLAINT_EVENT_TYPES,
    handles: (type: string): boolean => HANDLED.has(type),
    stores: (collection: string): boolean => collection === REPORT_COMPLAINTS_COLLECTION || collection === REPORT_COMPLAINT_ACTIONS_COLLECTION,
    documentIds(event: DomainEvent): DocumentRef[] {
      const { type, data } = own(event);
      return REPORT_ACTION_EVENT_TYPES.has(type) ? [actionsOf(data.complaintNumber), rowOf(data.complaintNumber)] : [rowOf(data.complaintNumber)];
    },
    readsDocuments(event: DomainEvent): DocumentRef[] {
      const { type, data } = own(event);
      // An action's event writes the actions (documentIds), so they are fetched with the batch anyway.
      return derivesFromActions(type) && !REPORT_ACTION_EVENT_TYPES.has(type) ? [actionsOf(data.complaintNumber)] : [];
    },
    evolve(document: ProjectedDocument | null, event: DomainEvent, id: string, context: EvolveContext): ProjectedDocument | null {
      if (context.collection === REPORT_COMPLAINT_ACTIONS_COLLECTION) {
        const registered = context.lookup(REPORT_COMPLAINTS_COLLECTION, id) !== null;
        return evolveReportActions(document as ReportComplaintActions | null, own(event), id, registered);
      }
      const ownEvent = own(event);
      const actions = derivesFromActions(ownEvent.type) ? (context.lookup<ReportComplaintActions>(REPORT_COMPLAINT_ACTIONS_COLLECTION, id)?.actions ?? NONE) : NONE;
      return evolveReportRow(document as ReportComplaintRow | null, ownEvent, actions, calendar);
    },
  };
}

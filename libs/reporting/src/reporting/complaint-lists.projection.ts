import type { DomainEvent } from '@qms/domain-kernel';
import type { ComplaintEvent } from '@qms/complaint-domain';
import type { Projection } from '@qms/projection-engine';
import {
  ACTION_EVENT_TYPES,
  COMPLAINT_LIST_EVENT_TYPES,
  evolveComplaintActions,
  evolveStoredComplaint,
} from '../complaint-list/complaint-list.projection';
import {
  type ActionFact,
  COMPLAINT_ACTIONS_COLLECTION,
  COMPLAINTS_COLLECTION,
  type ComplaintActionsDocument,
  type StoredComplaint,
} from '../complaint-list/complaint.document';
import { deriveAllRepeatFlags, REPEAT_FLAG_READS, updateRepeatFlags } from '../complaint-list/repeat-flags';
import { calendarFor } from '../kpi/calendar';
import type { ReportingConfig } from '../kpi/reporting-config';
import { complaintInTwoParts } from './complaint-in-two-parts';
import { COMPLAINT_LIST_INDEXES, REPEAT_SERIES_INDEX } from './indexes';

export const COMPLAINT_LISTS_PROJECTION = 'complaint_lists';

const HANDLED: ReadonlySet<string> = new Set(COMPLAINT_LIST_EVENT_TYPES);

function complaintEvent(event: DomainEvent): ComplaintEvent {
  if (!HANDLED.has(event.type)) throw new Error(`${COMPLAINT_LISTS_PROJECTION} was handed ${event.type}, which it does not handle`);
  return event as ComplaintEvent;
}

/**
 * The master list and the tracking list: one document per complaint in two parts (its row with the
 * lists' indexes, and its actions; see StoredComplaint and complaint-in-two-parts.ts), and the
 * repeat flags of the list's drill-down, kept by afterBatch across a complaint's series. The row's
 * next due date and overdue months are derived from the actions.
 */
export function createComplaintListsProjection(config: ReportingConfig): Projection<DomainEvent> {
  const calendar = calendarFor(config.timeZone);
  const parts = complaintInTwoParts<ComplaintEvent, StoredComplaint, ActionFact, ComplaintActionsDocument>({
    rows: COMPLAINTS_COLLECTION,
    actions: COMPLAINT_ACTIONS_COLLECTION,
    actionEventTypes: ACTION_EVENT_TYPES,
    rowReadsActions: (type) => type !== 'ComplaintRegistered',
    evolveActions: evolveComplaintActions,
    evolveRow: (row, event, actions) => evolveStoredComplaint(row, event, actions, calendar),
  });
  return {
    name: COMPLAINT_LISTS_PROJECTION,
    // 2: actions stored apart from the complaint's row; the open end of overdue months from the start of its run.
    version: 2,
    eventTypes: COMPLAINT_LIST_EVENT_TYPES,
    collections: [
      {
        name: COMPLAINTS_COLLECTION,
        // The repeat flags (afterBatch) look a complaint's series up as events are applied.
        indexes: COMPLAINT_LIST_INDEXES.map((fields) => ({ fields, whileProjecting: fields === REPEAT_SERIES_INDEX })),
      },
      { name: COMPLAINT_ACTIONS_COLLECTION },
    ],
    documentIds: (event) => parts.documentIds(complaintEvent(event)),
    readsDocuments: (event) => parts.readsDocuments(complaintEvent(event)),
    evolve: (document, event, id, context) => parts.evolve(document, complaintEvent(event), id, context),
    async afterBatch(changes, store): Promise<void> {
      await updateRepeatFlags(changes, store, config.repeatWindowDays);
    },
    afterBatchReads: {
      [COMPLAINTS_COLLECTION]: REPEAT_FLAG_READS,
      [COMPLAINT_ACTIONS_COLLECTION]: { fields: [], ignoreUnchanged: true },
    },
    async afterReplay(store): Promise<void> {
      await deriveAllRepeatFlags(store, config.repeatWindowDays);
    },
  };
}

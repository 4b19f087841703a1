import type { DomainEvent } from '@qms/domain-kernel';
import type { ComplaintEvent } from '@qms/complaint-domain';
import type { DocumentRef, Projection } from '@qms/projection-engine';
import {
  ACTION_EVENT_TYPES,
  COMPLAINT_LIST_EVENT_TYPES,
  evolveComplaintActions,
  evolveStoredComplaint,
} from '../complaint-list/complaint-list.projection';
import {
  COMPLAINT_ACTIONS_COLLECTION,
  COMPLAINTS_COLLECTION,
  type ComplaintActionsDocument,
  type StoredComplaint,
} from '../complaint-list/complaint.document';
import { NONE } from '../complaint-list/complaint-steps';
import { deriveAllRepeatFlags, REPEAT_FLAG_READS, updateRepeatFlags } from '../complaint-list/repeat-flags';
import { calendarFor } from '../kpi/calendar';
import type { ReportingConfig } from '../kpi/reporting-config';
import { COMPLAINT_LIST_INDEXES, REPEAT_SERIES_INDEX } from './indexes';

export const COMPLAINT_LISTS_PROJECTION = 'complaint_lists';

const HANDLED: ReadonlySet<string> = new Set(COMPLAINT_LIST_EVENT_TYPES);

function complaintEvent(event: DomainEvent): ComplaintEvent {
  if (!HANDLED.has(event.type)) throw new Error(`${COMPLAINT_LISTS_PROJECTION} was handed ${event.type}, which it does not handle`);
  return event as ComplaintEvent;
}

const actionsOf = (number: string): DocumentRef => ({ collection: COMPLAINT_ACTIONS_COLLECTION, id: number });

/**
 * The master list and the tracking list: one document per complaint in two parts (its row with the
 * lists' indexes, and its actions; see StoredComplaint), and the repeat flags of the list's
 * drill-down, kept by afterBatch across a complaint's series.
 *
 * An action's event evolves the actions first, then the row, whose next due date and overdue
 * months are derived from the actions as that event left them; any other event reads the actions
 * for the same derivation. Each part is evolved from stored state only, so a part that a retried
 * batch finds already written is skipped without the other going wrong.
 */
export function createComplaintListsProjection(config: ReportingConfig): Projection<DomainEvent> {
  const calendar = calendarFor(config.timeZone);
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
    documentIds(event) {
      const { type, data } = complaintEvent(event);
      return ACTION_EVENT_TYPES.has(type) ? [actionsOf(data.complaintNumber), data.complaintNumber] : [data.complaintNumber];
    },
    readsDocuments(event) {
      const { type, data } = complaintEvent(event);
      // A registration has no actions yet; an action's event writes them (documentIds).
      return type === 'ComplaintRegistered' || ACTION_EVENT_TYPES.has(type) ? [] : [actionsOf(data.complaintNumber)];
    },
    evolve(document, event, id, context) {
      const ownEvent = complaintEvent(event);
      if (context.collection === COMPLAINT_ACTIONS_COLLECTION) {
        const registered = context.lookup(COMPLAINTS_COLLECTION, id) !== null;
        return evolveComplaintActions(document as ComplaintActionsDocument | null, ownEvent, id, registered);
      }
      const actions =
        ownEvent.type === 'ComplaintRegistered' ? NONE : (context.lookup<ComplaintActionsDocument>(COMPLAINT_ACTIONS_COLLECTION, id)?.actions ?? NONE);
      return evolveStoredComplaint(document as StoredComplaint | null, ownEvent, actions, calendar);
    },
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

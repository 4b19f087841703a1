import type { DomainEvent } from '@qms/domain-kernel';
import type { Projection } from '@qms/projection-engine';
import { createComplaintListProjection } from '../complaint-list/complaint-list.projection';
import { COMPLAINTS_COLLECTION } from '../complaint-list/complaint.document';
import { deriveAllRepeatFlags, REPEAT_FLAG_READS, updateRepeatFlags } from '../complaint-list/repeat-flags';
import type { ReportingConfig } from '../kpi/reporting-config';
import { factPart } from './fact-part';
import { COMPLAINT_LIST_INDEXES, REPEAT_SERIES_INDEX } from './indexes';

export const COMPLAINT_LISTS_PROJECTION = 'complaint_lists';

/**
 * The master list and the tracking list: one document per complaint, with the lists' indexes and
 * the repeat flags of the list's drill-down, kept by afterBatch across a complaint's series.
 */
export function createComplaintListsProjection(config: ReportingConfig): Projection<DomainEvent> {
  const part = factPart(createComplaintListProjection(config), COMPLAINTS_COLLECTION);
  return {
    name: COMPLAINT_LISTS_PROJECTION,
    version: 1,
    eventTypes: part.eventTypes,
    collections: [
      {
        name: COMPLAINTS_COLLECTION,
        // The repeat flags (afterBatch) look a complaint's series up as events are applied.
        indexes: COMPLAINT_LIST_INDEXES.map((fields) => ({ fields, whileProjecting: fields === REPEAT_SERIES_INDEX })),
      },
    ],
    documentIds: (event) => part.documentIds(event),
    evolve: (document, event, id) => part.evolve(document, event, id),
    async afterBatch(changes, store): Promise<void> {
      await updateRepeatFlags(changes, store, config.repeatWindowDays);
    },
    afterBatchReads: { [COMPLAINTS_COLLECTION]: REPEAT_FLAG_READS },
    async afterReplay(store): Promise<void> {
      await deriveAllRepeatFlags(store, config.repeatWindowDays);
    },
  };
}

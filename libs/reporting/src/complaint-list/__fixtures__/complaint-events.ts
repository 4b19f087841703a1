import type { ComplaintEvent } from '@qms/complaint-domain';
import { defaultEventCatalogue } from '@qms/event-catalogue';
import { historyFrom, seededAttempts } from '../../reporting/__fixtures__/valid-history';
import { COMPLAINT_LIST_EVENT_TYPES } from '../complaint-list.projection';

/** The complaint lists' events of a seeded valid history, in log order, decoded as a projection is handed them. */
export function* complaintEventsOf(seed: number, attempts: number): Generator<ComplaintEvent> {
  const catalogue = defaultEventCatalogue();
  const handled = new Set<string>(COMPLAINT_LIST_EVENT_TYPES);
  let position = 0;
  for (const recorded of historyFrom(seededAttempts(seed, attempts)).events) {
    position += 1;
    if (!handled.has(recorded.type)) continue;
    yield catalogue.decode({ ...recorded, id: String(position), position, revision: 0, recordedAt: new Date(0) }) as ComplaintEvent;
  }
}

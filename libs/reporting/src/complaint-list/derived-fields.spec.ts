import { defaultEventCatalogue } from '@qms/event-catalogue';
import { calendarFor } from '../kpi/calendar';
import { historyFrom, seededAttempts } from '../reporting/__fixtures__/valid-history';
import type { ComplaintEvent } from '@qms/complaint-domain';
import { COMPLAINT_LIST_EVENT_TYPES, createComplaintListProjection, evolveComplaint, withNextDue, withOverdueMonths } from './complaint-list.projection';
import type { ComplaintDocument } from './complaint.document';

/**
 * The list's evolve skips deriving the deadline and the overdue months for an event that leaves
 * the timeline alone; over long valid histories its documents must equal deriving them anew
 * after every event.
 */
describe('the complaint list keeps its derived fields', () => {
  it('equal to deriving nextDueAt and overdueMonths afresh after every event', () => {
    const timeZone = 'Asia/Shanghai';
    const projection = createComplaintListProjection({ timeZone });
    const calendar = calendarFor(timeZone);
    const catalogue = defaultEventCatalogue();
    const handled = new Set<string>(COMPLAINT_LIST_EVENT_TYPES);
    let compared = 0;
    for (const seed of [3, 17, 29]) {
      const kept = new Map<string, ComplaintDocument | null>();
      const fresh = new Map<string, ComplaintDocument | null>();
      let position = 0;
      for (const recorded of historyFrom(seededAttempts(seed, 1_500)).events) {
        position += 1;
        if (!handled.has(recorded.type)) continue;
        const event = catalogue.decode({ ...recorded, id: String(position), position, revision: 0, recordedAt: new Date(0) }) as ComplaintEvent;
        const [id] = projection.documentIds(event);
        if (id === undefined) continue;
        kept.set(id, projection.evolve(kept.get(id) ?? null, event, id));
        fresh.set(id, withOverdueMonths(withNextDue(evolveComplaint(fresh.get(id) ?? null, event)), calendar));
        expect(kept.get(id)).toEqual(fresh.get(id));
        compared += 1;
      }
    }
    expect(compared).toBeGreaterThan(1_000);
  });
});

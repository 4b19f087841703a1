import { calendarFor } from '../kpi/calendar';
import { complaintEventsOf } from './__fixtures__/complaint-events';
import { createComplaintListProjection, evolveComplaint, withNextDue, withOverdueMonths } from './complaint-list.projection';
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
    let compared = 0;
    for (const seed of [3, 17, 29]) {
      const kept = new Map<string, ComplaintDocument | null>();
      const fresh = new Map<string, ComplaintDocument | null>();
      for (const event of complaintEventsOf(seed, 1_500)) {
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

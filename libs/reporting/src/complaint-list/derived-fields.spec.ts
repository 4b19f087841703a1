import type { ComplaintEvent } from '@qms/complaint-domain';
import { calendarFor } from '../kpi/calendar';
import { complaint as c } from '../kpi/__fixtures__/events';
import { complaintEventsOf } from './__fixtures__/complaint-events';
import { createComplaintListProjection, evolveComplaint, withDerivedFieldsOf } from './complaint-list.projection';
import type { ComplaintDocument } from './complaint.document';
import { overdueFromTokens } from './overdue-months';

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
        fresh.set(id, withDerivedFieldsOf(evolveComplaint(fresh.get(id) ?? null, event), calendar));
        expect(kept.get(id)).toEqual(fresh.get(id));
        compared += 1;
      }
    }
    expect(compared).toBeGreaterThan(1_000);
  });
});

/**
 * The open end of the overdue months is written from the first month of the overdue run it ends,
 * so that news which only moves the latest month the document knows (an action due later, planned
 * while the complaint is overdue) leaves the tokens, and so the stored row, as they were.
 */
describe('the open end of the overdue months', () => {
  const N = 'CC-2026-0001';
  const projection = createComplaintListProjection({ timeZone: 'Asia/Shanghai' });
  const fold = (events: readonly ComplaintEvent[]): ComplaintDocument | null =>
    events.reduce<ComplaintDocument | null>((document, event) => projection.evolve(document, event, N), null);
  // Received 3-02, contained on time; the action reply (due 3-05) never comes: overdue from March.
  const overdue = [
    c.registered({ number: N, customerId: 'K', partNo: 'P1', receivedAt: '2026-03-02T01:00:00.000Z', actionReplyDueAt: '2026-03-05T15:59:59.999Z' }),
    c.contained(N, '2026-03-02T01:30:00.000Z'),
    c.decided(N, 'ours', 1, '2026-03-03T02:00:00.000Z'),
  ] as ComplaintEvent[];

  it('starts where the overdue run starts, however late the latest known date', () => {
    expect(fold(overdue)?.overdueMonths).toEqual(overdueFromTokens('2026-03'));
    // Planned in June, due at the end of September: the document now knows September.
    const later = fold([...overdue, c.planned(N, 'corrective', 'CA-1', '2026-09-30T15:59:59.999Z', '2026-06-10T02:00:00.000Z')] as ComplaintEvent[]);
    expect(later?.overdueMonths).toEqual(overdueFromTokens('2026-03'));
  });

  it('keeps the months of an earlier run before it', () => {
    // Replied late in April: overdue at the end of March only; then an action due in May left undone.
    const events = [
      ...overdue,
      c.planned(N, 'corrective', 'CA-1', '2026-05-20T15:59:59.999Z', '2026-04-02T02:00:00.000Z'),
      c.submitted(N, '2026-04-02T03:00:00.000Z'),
    ] as ComplaintEvent[];
    expect(fold(events)?.overdueMonths).toEqual(['2026-03', ...overdueFromTokens('2026-05')]);
  });
});

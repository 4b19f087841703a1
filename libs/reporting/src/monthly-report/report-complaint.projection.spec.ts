import { deepFreeze } from '@qms/read-store';
import { complaintEventsOf } from '../complaint-list/__fixtures__/complaint-events';
import { evolveComplaint } from '../complaint-list/complaint-list.projection';
import type { ComplaintDocument } from '../complaint-list/complaint.document';
import type { ReportComplaint } from './monthly-report.types';
import { createReportComplaintProjection, REPORT_COMPLAINT_EVENT_TYPES, reportComplaintOf } from './report-complaint.projection';

/**
 * The report keeps its own, smaller copy of each complaint and evolves it by fewer events. Over
 * long valid histories it must equal what the lists' document holds of the same fields after
 * every event, the events the report leaves out included.
 */
describe("the report's copy of a complaint", () => {
  it("equals the lists' document's report fields after every event", () => {
    const projection = createReportComplaintProjection();
    const reported = new Set<string>(REPORT_COMPLAINT_EVENT_TYPES);
    let compared = 0;
    let leftOut = 0;
    for (const seed of [5, 11, 23]) {
      const lists = new Map<string, ComplaintDocument | null>();
      const report = new Map<string, ReportComplaint | null>();
      for (const event of complaintEventsOf(seed, 1_500)) {
        const id = event.data.complaintNumber;
        lists.set(id, deepFreeze(evolveComplaint(lists.get(id) ?? null, event)));
        if (reported.has(event.type)) {
          const [reportId] = projection.documentIds(event as Parameters<typeof projection.documentIds>[0]);
          expect(reportId).toBe(id);
          report.set(id, deepFreeze(projection.evolve(report.get(id) ?? null, event as Parameters<typeof projection.evolve>[1], id)));
        } else {
          leftOut += 1;
        }
        const document = lists.get(id) ?? null;
        expect(report.get(id) ?? null).toEqual(document === null ? null : reportComplaintOf(document));
        compared += 1;
      }
    }
    expect(compared).toBeGreaterThan(1_000);
    // The histories hold events the report ignores (assignments of the 8D decision, replies…).
    expect(leftOut).toBeGreaterThan(50);
  });

  it('holds only what the figures read: no texts, owners, decisions or replies', () => {
    const projection = createReportComplaintProjection();
    const reported = new Set<string>(REPORT_COMPLAINT_EVENT_TYPES);
    const report = new Map<string, ReportComplaint | null>();
    for (const event of complaintEventsOf(7, 800)) {
      if (!reported.has(event.type)) continue;
      const [id] = projection.documentIds(event as Parameters<typeof projection.documentIds>[0]);
      if (id !== undefined) report.set(id, projection.evolve(report.get(id) ?? null, event as Parameters<typeof projection.evolve>[1], id));
    }
    const keys = new Set<string>();
    const collect = (value: unknown): void => {
      if (Array.isArray(value)) value.forEach(collect);
      else if (value !== null && typeof value === 'object') {
        for (const [key, inner] of Object.entries(value)) {
          keys.add(key);
          collect(inner);
        }
      }
    };
    collect([...report.values()]);
    expect(report.size).toBeGreaterThan(20);
    expect([...keys].sort()).toEqual(
      [
        ...['_id', 'customerId', 'partNo', 'severity', 'department', 'receivedAt', 'closedAt', 'result', 'reopenedFrom'],
        ...['containment', 'actionReply', 'dueAt', 'doneAt', 'met'],
        ...['rootCause', 'category', 'responsibility', 'decision', 'quantityAffected'],
        ...['actions', 'actionId', 'kind', 'rounds', 'setAt', 'reason', 'completedAt'],
      ].sort(),
    );
  });
});

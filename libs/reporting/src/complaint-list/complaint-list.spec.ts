import type { ComplaintEvent } from '@qms/complaint-domain';
import { complaint as c } from '../kpi/__fixtures__/events';
import type { ComplaintDocument } from './complaint.document';
import { createComplaintListProjection } from './complaint-list.projection';
import { isOverdueAt, overdueStepsAt } from './complaint-timeline';
import {
  MASTER_LIST_FIELDS,
  TRACKING_LIST_FIELDS,
  toMasterListRow,
  toTrackingListRow,
} from './complaint-list.views';

const projection = createComplaintListProjection({ timeZone: 'Asia/Shanghai' });

function fold(events: readonly ComplaintEvent[]): Map<string, ComplaintDocument> {
  const documents = new Map<string, ComplaintDocument>();
  for (const event of events) {
    for (const id of projection.documentIds(event)) {
      const next = projection.evolve(documents.get(id) ?? null, event, id);
      if (next === null) documents.delete(id);
      else documents.set(id, next);
    }
  }
  return documents;
}

const N = 'CC-2025-0042';
const R = 'CC-2025-0042-1';
// Received Monday 2025-06-02 09:00 local (01:00Z); containment due +24 h; reply due end of 6-05 local.
const history = [
  c.registered({
    number: N,
    customerId: 'ACME',
    partNo: 'P-7',
    receivedAt: '2025-06-02T01:00:00.000Z',
    quantity: 40,
    actionReplyDueAt: '2025-06-05T15:59:59.999Z',
  }),
  c.assigned(N, 'machining', '2025-06-02T02:00:00.000Z'),
  c.contained(N, '2025-06-03T03:00:00.000Z'), // 2 h after the 24 h: late
  c.rootCause(N, 'machine', '2025-06-04T01:00:00.000Z'),
  c.decided(N, 'ours', 35, '2025-06-04T02:00:00.000Z'),
  c.planned(N, 'corrective', 'CA-1', '2025-06-20T15:59:59.999Z', '2025-06-04T03:00:00.000Z'),
  c.planned(N, 'preventive', 'PA-1', '2025-06-30T15:59:59.999Z', '2025-06-04T03:00:00.000Z'),
  c.submitted(N, '2025-06-05T01:00:00.000Z', ['CA-1']),
  c.approved(N, '2025-06-05T02:00:00.000Z'),
  c.replied(N, '2025-06-05T03:00:00.000Z'),
  c.completed(N, 'CA-1', '2025-06-18T01:00:00.000Z'),
  c.rescheduled(
    N,
    'CA-1',
    '2025-06-20T15:59:59.999Z',
    '2025-07-10T15:59:59.999Z',
    'not_effective',
    '2025-06-25T01:00:00.000Z',
  ),
] as ComplaintEvent[];

describe('complaint list projection', () => {
  const document = fold(history).get(N) as ComplaintDocument;

  it('keeps the facts of both lists in one document', () => {
    expect(document).toMatchObject({
      _id: N,
      customerId: 'ACME',
      quantityReported: 40,
      quantityAffected: 35, // as corrected at the decision
      status: 'open',
      department: 'machining',
      containment: { dueAt: '2025-06-03T01:00:00.000Z', doneAt: '2025-06-03T03:00:00.000Z', met: false },
      actionReply: {
        dueAt: '2025-06-05T15:59:59.999Z',
        doneAt: '2025-06-05T01:00:00.000Z',
        met: true,
        customerDeadline: false,
        submissions: 1,
      },
      rootCause: { category: 'machine', method: 'five_why' },
      responsibility: { decision: 'ours', quantityAffected: 35 },
      eightDDecision: { status: 'approved', decidedBy: 'gm' },
      customerRepliedAt: ['2025-06-05T03:00:00.000Z'],
    });
    expect(document.actions.map((a) => a.actionId)).toEqual(['CA-1', 'PA-1']);
  });

  it('keeps the reschedule history as rounds, each with its own completion', () => {
    const action = document.actions[0];
    expect(action?.rounds).toEqual([
      {
        setAt: '2025-06-04T03:00:00.000Z',
        dueAt: '2025-06-20T15:59:59.999Z',
        reason: 'planned',
        completedAt: '2025-06-18T01:00:00.000Z',
      },
      {
        setAt: '2025-06-25T01:00:00.000Z',
        dueAt: '2025-07-10T15:59:59.999Z',
        reason: 'not_effective',
        completedAt: null,
      },
    ]);
    expect(action).toMatchObject({ verification: 'not_effective', verifiedAt: '2025-06-25T01:00:00.000Z' });
  });

  it('links a reopened complaint both ways', () => {
    const documents = fold([
      ...history,
      c.closed(N, 'resolved', '2025-07-01T01:00:00.000Z'),
      c.reopened(N, R, '2025-07-03T01:00:00.000Z'),
      c.registered({
        number: R,
        customerId: 'ACME',
        partNo: 'P-7',
        receivedAt: '2025-07-03T01:00:00.000Z',
        actionReplyDueAt: '2025-07-08T15:59:59.999Z',
        reopenedFrom: N,
      }),
    ] as ComplaintEvent[]);
    expect(documents.get(N)?.reopenedAs).toEqual([R]);
    expect(documents.get(R)?.reopenedFrom).toBe(N);
    expect(documents.get(N)).toMatchObject({
      status: 'closed',
      closedAt: '2025-07-01T01:00:00.000Z',
      result: 'resolved',
    });
  });

  it('ignores events of a complaint it never saw registered', () => {
    expect(
      projection.evolve(null, c.assigned('CC-2025-0999', 'x', '2025-01-01T00:00:00.000Z') as ComplaintEvent),
    ).toBeNull();
  });
});

describe('overdue as of a time', () => {
  const document = fold(history).get(N) as ComplaintDocument;

  it('judges an action by the due date in force at that time', () => {
    // 6-21 00:00 local: CA-1 due 6-20 end, completed 6-18 → done; nothing overdue.
    expect(overdueStepsAt(document, '2025-06-20T16:00:00.000Z')).toEqual([]);
    // 6-30 local: reopened on 6-25 with due 7-10 → not overdue yet; PA-1 due 6-30 end not passed.
    expect(isOverdueAt(document, '2025-06-30T15:00:00.000Z')).toBe(false);
    // 7-01 00:00 local: PA-1 (due 6-30 end) passed, not done.
    expect(overdueStepsAt(document, '2025-06-30T16:00:00.000Z').map((s) => s.step)).toEqual(['action:PA-1']);
    // 7-11 00:00 local: CA-1's new due date passed too.
    expect(overdueStepsAt(document, '2025-07-10T16:00:00.000Z').map((s) => s.step)).toEqual([
      'action:CA-1',
      'action:PA-1',
    ]);
  });

  it('containment late but done counts as done, not overdue', () => {
    // At 6-03 02:00Z the containment (due 01:00Z) is overdue; at 04:00Z it is done.
    expect(overdueStepsAt(document, '2025-06-03T02:00:00.000Z').map((s) => s.step)).toEqual(['containment']);
    expect(overdueStepsAt(document, '2025-06-03T04:00:00.000Z')).toEqual([]);
  });
});

describe('list views', () => {
  const document = fold(history).get(N) as ComplaintDocument;

  it('select only their own fields', () => {
    const pick = (fields: readonly string[]) =>
      Object.fromEntries(fields.map((f) => [f, document[f as keyof ComplaintDocument]])) as never;
    const asOf = '2025-07-01T01:00:00.000Z';
    expect(toMasterListRow(pick(MASTER_LIST_FIELDS), asOf)).toEqual(toMasterListRow(document, asOf));
    expect(toTrackingListRow(pick(TRACKING_LIST_FIELDS), asOf)).toEqual(toTrackingListRow(document, asOf));
  });

  it('computes days open and overdue-now from the given time, not the clock', () => {
    // 6-02 01:00Z → 6-12 13:00Z = 10.5 days.
    const early = toMasterListRow(document, '2025-06-12T13:00:00.000Z');
    expect(early).toMatchObject({
      customerContact: 'buyer@example.com',
      channel: 'email',
      daysOpen: 10.5,
      overdueNow: false,
      quantity: 35,
      containmentAt: '2025-06-03T03:00:00.000Z',
    });
    const late = toMasterListRow(document, '2025-07-02T01:00:00.000Z');
    expect(late.daysOpen).toBe(30); // 6-02 01:00Z → 7-02 01:00Z
    expect(late.overdueNow).toBe(true); // PA-1
  });

  it('shows each deadline as met, not met or pending', () => {
    const row = toTrackingListRow(document, '2025-06-26T01:00:00.000Z');
    expect(row.containment.state).toBe('not_met'); // done 2 h late
    expect(row.actionReply.state).toBe('met');
    expect(row.correctiveActions[0]).toMatchObject({
      originalDueAt: '2025-06-20T15:59:59.999Z',
      dueAt: '2025-07-10T15:59:59.999Z',
      reschedules: [
        {
          setAt: '2025-06-25T01:00:00.000Z',
          dueAt: '2025-07-10T15:59:59.999Z',
          reason: 'not_effective',
          completedAt: null,
        },
      ],
      deadline: { state: 'pending', doneAt: null },
    });
    expect(row.preventiveActions[0]?.deadline.state).toBe('pending');
    // Before the reschedule, CA-1 shows its first round: completed 6-18, before its due date.
    expect(toTrackingListRow(document, '2025-06-22T00:00:00.000Z').correctiveActions[0]).toMatchObject({
      dueAt: '2025-06-20T15:59:59.999Z',
      completedAt: '2025-06-18T01:00:00.000Z',
      deadline: { state: 'met' },
    });
    expect(row.causeCategory).toBe('machine');
    // Once a deadline passes undone it is not met.
    expect(toTrackingListRow(document, '2025-07-01T00:00:00.000Z').preventiveActions[0]?.deadline.state).toBe(
      'not_met',
    );
  });

  it('stops counting days at closure', () => {
    const closed = fold([
      ...history,
      c.closed(N, 'resolved', '2025-06-12T01:00:00.000Z'),
    ] as ComplaintEvent[]).get(N) as ComplaintDocument;
    expect(toMasterListRow(closed, '2025-12-31T00:00:00.000Z')).toMatchObject({
      daysOpen: 10,
      overdueNow: false,
      status: 'closed',
    });
  });
});

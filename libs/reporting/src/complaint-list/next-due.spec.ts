import type { ComplaintDocument } from './complaint.document';
import { nextDueAt } from './complaint-list.projection';

const withNextDue = (document: ComplaintDocument) => ({ nextDueAt: nextDueAt(document) });

const open: ComplaintDocument = {
  _id: 'CC-2026-0001',
  receivedAt: '2026-03-02T01:00:00.000Z',
  customerId: 'ACME',
  partNo: 'P-1',
  lot: 'L',
  description: 'd',
  quantityReported: 1,
  quantityAffected: 1,
  severity: 'normal',
  channel: 'email',
  returnNeeded: false,
  customerProductionAffected: false,
  status: 'open',
  department: 'assembly',
  containment: { dueAt: '2026-03-03T01:00:00.000Z', doneAt: null, met: null, description: null, quantitySecured: null },
  actionReply: { dueAt: '2026-03-05T15:59:59.999Z', doneAt: null, met: null, customerDeadline: false, submissions: 0 },
  rootCause: null,
  responsibility: null,
  actions: [],
  waiver: null,
  eightDDecision: null,
  customerRepliedAt: [],
  closedAt: null,
  result: null,
  reopenedFrom: null,
  reopenedAs: [],
  repeat: false,
};

describe('nextDueAt: the earliest deadline of a step not yet done', () => {
  it('is the containment deadline while containment is pending', () => {
    expect(withNextDue(open)?.nextDueAt).toBe('2026-03-03T01:00:00.000Z');
  });

  it('moves to the action reply once containment is done, then to the earliest open action', () => {
    const contained = { ...open, containment: { ...open.containment, doneAt: '2026-03-02T05:00:00.000Z', met: true } };
    expect(withNextDue(contained)?.nextDueAt).toBe('2026-03-05T15:59:59.999Z');
    const replied = {
      ...contained,
      actionReply: { ...contained.actionReply, doneAt: '2026-03-04T00:00:00.000Z', met: true },
      actions: [
        { actionId: 'CA-1', kind: 'corrective' as const, description: 'x', owner: 'o', verification: null, verifiedAt: null, rounds: [{ setAt: 'a', dueAt: '2026-04-30T15:59:59.999Z', reason: 'planned' as const, completedAt: null }] },
        { actionId: 'PA-1', kind: 'preventive' as const, description: 'y', owner: 'o', verification: null, verifiedAt: null, rounds: [{ setAt: 'a', dueAt: '2026-04-10T15:59:59.999Z', reason: 'planned' as const, completedAt: '2026-04-01T00:00:00.000Z' }] },
      ],
    };
    expect(withNextDue(replied)?.nextDueAt).toBe('2026-04-30T15:59:59.999Z');
  });

  it('has no action-reply deadline once the reply is given (a not-ours decision included), and none once closed', () => {
    const contained = { ...open, containment: { ...open.containment, doneAt: '2026-03-02T05:00:00.000Z', met: true } };
    const notOurs = {
      ...contained,
      responsibility: { decision: 'not_ours' as const, quantityAffected: 1, decidedAt: '2026-03-02T06:00:00.000Z' },
      actionReply: { ...contained.actionReply, doneAt: '2026-03-02T06:00:00.000Z', met: true },
    };
    expect(withNextDue(notOurs)?.nextDueAt).toBeNull();
    expect(withNextDue({ ...open, status: 'closed', closedAt: '2026-03-02T07:00:00.000Z' })?.nextDueAt).toBeNull();
  });
});

import { fold, ForbiddenError, IllegalStateError, ValidationError } from '@qms/domain-kernel';
import { deciderSpec } from '../../../testing/src/decider-spec';
import { createComplaintDecider } from '../decide';
import type { ComplaintEvent } from '../events';
import { registrationForReopen } from '../reopen';
import { NUMBER, actors, as, given, history, jan } from '../spec-fixtures';
import { nextReopenNumber, type Complaint } from '../state';

const decider = createComplaintDecider();
const spec = deciderSpec(decider);
const onComplaint = (occurredAt: string) => ({ complaintNumber: NUMBER, occurredAt });

describe('ApproveEightDDecision (§6.2.6)', () => {
  const approve = (occurredAt = jan(8, 6)) =>
    ({ type: 'ApproveEightDDecision', data: { ...onComplaint(occurredAt), decision: 'Carry out CA-1 and PA-1' } }) as const;

  it('is approved by management on a submitted plan, recording who approved', () => {
    spec.given(history.submitted).when(approve(), as(actors.management)).then([given.approved()]);
  });

  it('needs the submitted plan', () => {
    spec.given(history.planned).when(approve(), as(actors.management)).thenThrows(IllegalStateError, /not submitted/);
  });

  it('waits for a pending waiver to be decided', () => {
    const withPendingWaiver = [...history.ours, given.corrective(), given.waiverRequested(), given.submitted()];
    spec.given(withPendingWaiver).when(approve(), as(actors.management)).thenThrows(IllegalStateError, /waiver awaiting approval/);
  });

  it('is for management only', () => {
    spec.given(history.submitted).when(approve(), as(actors.quality)).thenThrows(ForbiddenError);
  });

  it('may be rejected, which sends the plan back to the department', () => {
    const rejected = spec
      .given(history.submitted)
      .when({ type: 'RejectEightDDecision', data: { ...onComplaint(jan(8, 6)), reason: 'Cover line 3' } }, as(actors.management))
      .thenEvents();
    expect(rejected).toEqual([{ type: 'EightDDecisionRejected', data: { ...onComplaint(jan(8, 6)), rejectedBy: 'u-gm', reason: 'Cover line 3' } }]);
    const [event] = spec
      .given([...history.submitted, ...rejected])
      .when({ type: 'SubmitActionPlan', data: onComplaint(jan(8, 8)) }, as(actors.assembly))
      .thenEvents();
    expect(event?.type).toBe('ActionPlanSubmitted');
  });
});

describe('ReplyToCustomer (§6.3.2, §6.2.4)', () => {
  const reply = (occurredAt = jan(9)) =>
    ({ type: 'ReplyToCustomer', data: { ...onComplaint(occurredAt), message: 'Approved 8D sent to Ms. Li' } }) as const;

  it('replies with the approved decision', () => {
    spec.given(history.approved).when(reply(), as(actors.sales)).then([given.replied()]);
  });

  it('needs the approved decision', () => {
    spec.given(history.submitted).when(reply(), as(actors.sales)).thenThrows(IllegalStateError, /awaits the 8D decision/);
  });

  it('explains a not-ours decision to the customer', () => {
    spec.given(history.notOurs).when(reply(), as(actors.sales)).then([given.replied()]);
  });

  it('is given once', () => {
    spec.given([...history.approved, given.replied()]).when(reply(jan(10)), as(actors.sales)).thenThrows(IllegalStateError, /already replied/);
  });

  it('cannot precede the approval', () => {
    spec.given(history.approved).when(reply(jan(8, 5)), as(actors.sales)).thenThrows(ValidationError, /occurredAt/);
  });

  it('is for sales', () => {
    spec.given(history.approved).when(reply(), as(actors.quality)).thenThrows(ForbiddenError);
  });
});

describe('CloseComplaint', () => {
  const close = (occurredAt = jan(21)) => ({ type: 'CloseComplaint', data: onComplaint(occurredAt) }) as const;
  const without = (events: ComplaintEvent[], type: ComplaintEvent['type']) => events.filter((event) => event.type !== type);

  it('closes when every condition is met', () => {
    spec.given(history.replied).when(close(), as(actors.quality)).then([given.closed()]);
  });

  it.each([
    ['containment is not recorded', without(history.replied, 'ContainmentRecorded'), /containment is not recorded/],
    ['an action is not verified', history.replied.filter((event) => !(event.type === 'ActionVerified' && event.data.actionId === 'PA-1')), /not verified effective: PA-1/],
    ['the customer was not replied to', history.verified, /customer has not been replied/],
    ['the 8D decision is not approved', [...history.submitted, given.replied()], /8D decision is not approved/],
    ['responsibility is not decided', [...history.rootCause, given.replied()], /responsibility is not decided/],
  ])('is refused when %s', (_case, events, message) => {
    spec.given(events).when(close(), as(actors.quality)).thenThrows(IllegalStateError, message);
  });

  it('closes with a waiver approved by management, not with a rejected one', () => {
    const waived = [
      ...history.ours,
      given.corrective(),
      given.waiverRequested(),
      given.submitted(),
      given.waiverApproved(),
      given.approved(jan(8, 7)),
      given.completed('CA-1', 'corrective'),
      given.verified('CA-1', 'corrective'),
      given.replied(),
    ];
    spec.given(waived).when(close(), as(actors.quality)).then([given.closed()]);
    const rejected: ComplaintEvent = { type: 'PreventiveActionWaiverRejected', data: { ...onComplaint(jan(7, 8)), rejectedBy: 'u-gm', reason: 'No' } };
    const stillRequested = waived.map((event) => (event.type === 'PreventiveActionWaiverApproved' ? rejected : event));
    spec.given(stillRequested).when(close(), as(actors.quality)).thenThrows(IllegalStateError, /waiver approved by management/);
  });

  it('re-checks the PFMEA/control-plan review of corrective actions', () => {
    const withoutReview = history.replied.map((event) =>
      event.type === 'CorrectiveActionPlanned' ? given.corrective('CA-1', { pfmea: null }) : event,
    );
    spec.given(withoutReview).when(close(), as(actors.quality)).thenThrows(IllegalStateError, /PFMEA\/control-plan .*CA-1/);
  });

  it('closes a not-ours complaint without actions once sales explained', () => {
    spec.given([...history.notOurs, given.replied()]).when(close(jan(10)), as(actors.quality)).then([given.closed(jan(10), 'not_ours')]);
  });

  it('refuses a not-ours close before sales explained', () => {
    spec.given(history.notOurs).when(close(jan(10)), as(actors.quality)).thenThrows(IllegalStateError, /replied/);
  });

  it('cannot precede the last recorded step', () => {
    spec.given(history.replied).when(close(jan(19)), as(actors.quality)).thenThrows(ValidationError, /last recorded step/);
  });

  it('is for quality', () => {
    spec.given(history.replied).when(close(), as(actors.sales)).thenThrows(ForbiddenError);
  });

  it('leaves a closed complaint closed to every step but reopening', () => {
    spec.given(history.closed).when(close(jan(22)), as(actors.quality)).thenThrows(IllegalStateError, /is closed/);
    spec
      .given(history.closed)
      .when({ type: 'RecordContainment', data: { ...onComplaint(jan(22)), description: 'late' } }, as(actors.quality))
      .thenThrows(IllegalStateError, /is closed/);
  });
});

describe('ReopenComplaint (§6.3.2)', () => {
  const reopen = (occurredAt = jan(25)) =>
    ({ type: 'ReopenComplaint', data: { ...onComplaint(occurredAt), reason: 'Customer found burrs again' } }) as const;
  const reopened = (n: number, occurredAt = jan(25)): ComplaintEvent => ({
    type: 'ComplaintReopened',
    data: { ...onComplaint(occurredAt), reopenedAs: `${NUMBER}-${n}`, reason: 'Customer found burrs again' },
  });

  it('reopens a closed complaint as original-1, then -2', () => {
    spec.given(history.closed).when(reopen(), as(actors.sales)).then([reopened(1)]);
    spec.given([...history.closed, reopened(1)]).when(reopen(jan(28)), as(actors.sales)).then([reopened(2, jan(28))]);
  });

  it('counts reopenings in the state for the caller', () => {
    const state = fold(decider, [...history.closed, reopened(1)]) as Complaint;
    expect(nextReopenNumber(state)).toBe(`${NUMBER}-2`);
  });

  it('is refused on an open complaint', () => {
    spec.given(history.replied).when(reopen(), as(actors.sales)).thenThrows(IllegalStateError, /Only a closed complaint/);
  });

  it('is for sales only', () => {
    spec.given(history.closed).when(reopen(), as(actors.quality)).thenThrows(ForbiddenError);
  });

  it('cannot precede the close', () => {
    spec.given(history.closed).when(reopen(jan(20)), as(actors.sales)).thenThrows(ValidationError, /closed/);
  });

  it('gives the registration of the new complaint, linked to the original', () => {
    const original = fold(decider, history.closed) as Complaint;
    const registration = registrationForReopen(original, nextReopenNumber(original), jan(25));
    const [event] = spec.given([]).when(registration, as(actors.sales)).thenEvents();
    expect(event).toMatchObject({
      type: 'ComplaintRegistered',
      data: {
        complaintNumber: `${NUMBER}-1`,
        reopenedFrom: NUMBER,
        customerId: 'ACME',
        partNo: 'P-100',
        quantityAffected: 10,
        receivedAt: jan(25),
      },
    });
  });

  it("carries the customer's new quantity, lot, description and deadline; the rest is copied", () => {
    const original = fold(decider, history.closed) as Complaint;
    const facts = { quantityAffected: 40, lot: 'L-2099', defectDescription: 'Burrs on the second batch', customerDeadline: '2025-01-31' };
    spec.given(history.closed).when({ type: 'ReopenComplaint', data: { ...reopen().data, ...facts } }, as(actors.sales)).then([reopened(1)]);
    const registration = registrationForReopen(original, nextReopenNumber(original), jan(25), facts);
    const [event] = spec.given([]).when(registration, as(actors.sales)).thenEvents();
    expect(event).toMatchObject({
      type: 'ComplaintRegistered',
      data: {
        complaintNumber: `${NUMBER}-1`,
        reopenedFrom: NUMBER,
        customerId: original.customerId,
        customerContact: original.customerContact,
        partNo: original.partNo,
        severity: original.severity,
        channel: original.channel,
        quantityAffected: 40,
        lot: 'L-2099',
        defectDescription: 'Burrs on the second batch',
        customerDeadline: '2025-01-31T15:59:59.999Z',
        actionReplyDueAt: '2025-01-31T15:59:59.999Z',
      },
    });
  });

  it('refuses new facts that cannot stand, naming each field, before anything is appended', () => {
    spec
      .given(history.closed)
      .when(
        { type: 'ReopenComplaint', data: { ...reopen().data, quantityAffected: 0, lot: ' ', customerDeadline: '2025-01-02' } },
        as(actors.sales),
      )
      .thenThrows(ValidationError, /quantityAffected[\s\S]*lot[\s\S]*customerDeadline/);
  });
});

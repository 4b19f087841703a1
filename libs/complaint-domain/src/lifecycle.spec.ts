/** The whole 8D path through the decider, command by command, as the application runs it. */
import { fold, type Actor } from '@qms/domain-kernel';
import type { ComplaintCommand } from './commands';
import { createComplaintDecider } from './decide';
import { DEFAULT_DEADLINE_POLICY } from './deadlines';
import type { ComplaintEvent } from './events';
import { registrationForReopen } from './reopen';
import { NUMBER, actors, as, jan, registerData } from './spec-fixtures';
import { evolveComplaint, initialComplaintState, isRegistered, nextReopenNumber, type Complaint } from './state';

const decider = createComplaintDecider({
  default: { ...DEFAULT_DEADLINE_POLICY, calendar: { ...DEFAULT_DEADLINE_POLICY.calendar, holidays: ['2025-01-06'] } },
});
const on = (occurredAt: string) => ({ complaintNumber: NUMBER, occurredAt });

function run(steps: readonly [ComplaintCommand, Actor][], start: ComplaintEvent[] = []): ComplaintEvent[] {
  const events = [...start];
  for (const [command, actor] of steps) {
    events.push(...decider.decide(command, fold(decider, events), as(actor)));
  }
  return events;
}

const handling: [ComplaintCommand, Actor][] = [
  [{ type: 'RegisterComplaint', data: registerData() }, actors.sales],
  [{ type: 'RecordContainment', data: { ...on(jan(3, 12)), description: 'Stock sorted' } }, actors.quality],
  [{ type: 'AssignComplaint', data: { ...on(jan(3, 13)), department: 'assembly' } }, actors.quality],
  [
    {
      type: 'RecordRootCause',
      data: { ...on(jan(7, 1)), category: 'machine', method: 'ishikawa', description: 'Worn tool', departmentExplanation: 'No tool-life limit' },
    },
    actors.assembly,
  ],
  [{ type: 'DecideResponsibility', data: { ...on(jan(7, 2)), responsibility: 'ours', explanation: 'Our tool', quantityAffected: 9 } }, actors.quality],
  [
    {
      type: 'PlanCorrectiveAction',
      data: {
        ...on(jan(7, 4)),
        description: 'Tool-life counter',
        owner: 'Wang',
        dueAt: '2025-01-20',
        similarProductsCovered: ['P-101'],
        similarProcessesCovered: [],
        pfmea: { revised: true, revision: 'rev C' },
        controlPlan: { revised: true, revision: 'CP rev 7' },
      },
    },
    actors.assembly,
  ],
  [{ type: 'RequestPreventiveActionWaiver', data: { ...on(jan(7, 5)), reason: 'Only station with this tool' } }, actors.assembly],
  [{ type: 'SubmitActionPlan', data: on(jan(8)) }, actors.assembly],
  [{ type: 'ApprovePreventiveActionWaiver', data: { ...on(jan(8, 2)), comment: 'Agreed' } }, actors.management],
  [{ type: 'ApproveEightDDecision', data: { ...on(jan(8, 3)), decision: 'Approved' } }, actors.management],
  [{ type: 'ReplyToCustomer', data: { ...on(jan(8, 4)), message: '8D sent' } }, actors.sales],
  [{ type: 'CompleteAction', data: { ...on(jan(14)), actionId: 'CA-1', evidence: 'Installed' } }, actors.assembly],
  [{ type: 'VerifyAction', data: { ...on(jan(15)), actionId: 'CA-1', result: 'not_effective', newDueAt: '2025-01-24' } }, actors.quality],
  [{ type: 'CompleteAction', data: { ...on(jan(22)), actionId: 'CA-1', evidence: 'Limit lowered' } }, actors.assembly],
  [{ type: 'VerifyAction', data: { ...on(jan(23)), actionId: 'CA-1', result: 'effective' } }, actors.quality],
  [{ type: 'CloseComplaint', data: on(jan(24)) }, actors.quality],
];

describe('complaint lifecycle', () => {
  const events = run(handling);

  it('runs from registration to close with a waived preventive action and one reschedule', () => {
    expect(events.map((event) => event.type)).toEqual([
      'ComplaintRegistered',
      'ContainmentRecorded',
      'ComplaintAssigned',
      'RootCauseRecorded',
      'ResponsibilityDecided',
      'CorrectiveActionPlanned',
      'PreventiveActionWaiverRequested',
      'ActionPlanSubmitted',
      'PreventiveActionWaiverApproved',
      'EightDDecisionApproved',
      'CustomerReplied',
      'ActionCompleted',
      'ActionRescheduled',
      'ActionCompleted',
      'ActionVerified',
      'ComplaintClosed',
    ]);
    const state = fold(decider, events) as Complaint;
    expect(state).toMatchObject({ status: 'closed', closeResult: 'resolved', quantityAffected: 9 });
  });

  it('writes the deadlines the KPIs compare against', () => {
    // Friday 17:00 Shanghai, Monday holiday: reply due end of Thursday local.
    expect(events[0]?.data).toMatchObject({ containmentDueAt: '2025-01-04T09:00:00.000Z', actionReplyDueAt: '2025-01-09T15:59:59.999Z' });
  });

  it('reopens as a new complaint linked both ways', () => {
    const withReopen = run([[{ type: 'ReopenComplaint', data: { ...on(jan(27)), reason: 'Burrs again' } }, actors.sales]], events);
    const original = fold(decider, withReopen) as Complaint;
    expect(original.reopenedAs).toEqual([`${NUMBER}-1`]);
    expect(nextReopenNumber(original)).toBe(`${NUMBER}-2`);
    const registration = registrationForReopen(original, `${NUMBER}-1`, jan(27));
    const [registered] = decider.decide(registration, decider.initialState(), as(actors.sales));
    expect(registered?.data).toMatchObject({ complaintNumber: `${NUMBER}-1`, reopenedFrom: NUMBER });
  });

  it('closes the not-ours path without actions', () => {
    const notOurs = run([
      ...handling.slice(0, 4),
      [{ type: 'DecideResponsibility', data: { ...on(jan(7, 2)), responsibility: 'not_ours', explanation: 'Damaged by customer handling' } }, actors.quality],
      [{ type: 'ReplyToCustomer', data: { ...on(jan(7, 3)), message: 'Explained with photos' } }, actors.sales],
      [{ type: 'CloseComplaint', data: { ...on(jan(7, 4)), remarks: 'Customer agreed' } }, actors.quality],
    ]);
    expect(fold(decider, notOurs)).toMatchObject({ status: 'closed', closeResult: 'not_ours', actions: [] });
  });
});

describe('evolve', () => {
  it('ignores events before a registration, so replay never throws', () => {
    const state = evolveComplaint(initialComplaintState(), { type: 'ContainmentRecorded', data: { ...on(jan(3)), description: 'x', quantitySecured: null } });
    expect(isRegistered(state)).toBe(false);
  });
});

import { fold, ForbiddenError, IllegalStateError, NotFoundError, ValidationError } from '@qms/domain-kernel';
import { deciderSpec } from '../../../testing/src/decider-spec';
import type { PlanCorrectiveActionData } from '../commands';
import { createComplaintDecider } from '../decide';
import type { ComplaintEvent } from '../events';
import { NUMBER, actors, as, given, history, jan } from '../spec-fixtures';
import type { Complaint } from '../state';

const decider = createComplaintDecider();
const spec = deciderSpec(decider);

const corrective = (overrides: Partial<PlanCorrectiveActionData> = {}) =>
  ({
    type: 'PlanCorrectiveAction',
    data: {
      complaintNumber: NUMBER,
      occurredAt: jan(7),
      description: 'Tool life counter on deburring station',
      owner: 'Wang (assembly)',
      dueAt: '2025-01-20',
      similarProductsCovered: ['P-101'],
      similarProcessesCovered: ['deburring line 2'],
      pfmea: { revised: true, revision: 'PFMEA-100 rev C' },
      controlPlan: { revised: false, reason: 'Tool-life check already in the control plan' },
      ...overrides,
    },
  }) as const;

const preventive = (occurredAt = jan(7)) =>
  ({
    type: 'PlanPreventiveAction',
    data: {
      complaintNumber: NUMBER,
      occurredAt,
      description: 'Tool life counters on all deburring stations',
      owner: 'Zhao (engineering)',
      dueAt: '2025-01-31',
    },
  }) as const;

const onComplaint = (occurredAt: string) => ({ complaintNumber: NUMBER, occurredAt });

describe('PlanCorrectiveAction (IATF 10.2.3)', () => {
  it('plans CA-1 with its systemic coverage; a date-only due date is the end of that local day', () => {
    spec.given(history.ours).when(corrective(), as(actors.assembly)).then([given.corrective('CA-1')]);
  });

  it('numbers the next corrective action CA-2', () => {
    const [event] = spec.given(history.planned).when(corrective(), as(actors.assembly)).thenEvents();
    expect(event?.data).toMatchObject({ actionId: 'CA-2' });
  });

  it('accepts nothing similar when the reason is given', () => {
    const [event] = spec
      .given(history.ours)
      .when(
        corrective({ similarProductsCovered: [], similarProcessesCovered: [], noSimilarItemsReason: 'Single-part tool' }),
        as(actors.assembly),
      )
      .thenEvents();
    expect(event?.data).toMatchObject({ similarProductsCovered: [], noSimilarItemsReason: 'Single-part tool' });
  });

  it('refuses an action that names no similar products or processes and no reason', () => {
    spec
      .given(history.ours)
      .when(corrective({ similarProductsCovered: [], similarProcessesCovered: [] }), as(actors.assembly))
      .thenThrows(ValidationError, /similarProductsCovered/);
  });

  it('refuses an action without the PFMEA review', () => {
    spec
      .given(history.ours)
      .when(corrective({ pfmea: undefined as never }), as(actors.assembly))
      .thenThrows(ValidationError, /^pfmea: /);
  });

  it('refuses a control-plan answer without the revision or the reason', () => {
    spec
      .given(history.ours)
      .when(corrective({ controlPlan: { revised: true } as never }), as(actors.assembly))
      .thenThrows(ValidationError, /controlPlan\.revision/);
    spec
      .given(history.ours)
      .when(corrective({ controlPlan: { revised: false, reason: ' ' } }), as(actors.assembly))
      .thenThrows(ValidationError, /controlPlan\.reason/);
  });

  it('refuses a due date before the planning', () => {
    spec.given(history.ours).when(corrective({ dueAt: '2025-01-06' }), as(actors.assembly)).thenThrows(ValidationError, /dueAt/);
  });

  it('needs responsibility decided as ours', () => {
    spec.given(history.rootCause).when(corrective(), as(actors.assembly)).thenThrows(IllegalStateError, /responsibility/);
    spec.given(history.notOurs).when(corrective(), as(actors.assembly)).thenThrows(IllegalStateError, /not to be our/);
  });

  it('is frozen while the plan awaits management', () => {
    spec.given(history.submitted).when(corrective({ occurredAt: jan(9) }), as(actors.assembly)).thenThrows(IllegalStateError, /8D decision/);
  });

  it('is for the assigned department only', () => {
    spec.given(history.ours).when(corrective(), as(actors.quality)).thenThrows(ForbiddenError);
    spec.given(history.ours).when(corrective(), as(actors.molding)).thenThrows(ForbiddenError);
  });
});

describe('PlanPreventiveAction', () => {
  it('plans PA-1', () => {
    spec.given(history.ours).when(preventive(), as(actors.assembly)).then([given.preventive('PA-1')]);
  });

  it('is refused while a waiver is requested', () => {
    spec
      .given([...history.ours, given.waiverRequested()])
      .when(preventive(jan(7, 5)), as(actors.assembly))
      .thenThrows(IllegalStateError, /waiver/);
  });
});

describe('preventive-action waiver (§6.2.3)', () => {
  const request = { type: 'RequestPreventiveActionWaiver', data: { ...onComplaint(jan(7)), reason: 'No potential cause found elsewhere' } } as const;
  const approve = { type: 'ApprovePreventiveActionWaiver', data: onComplaint(jan(7, 8)) } as const;
  const reject = { type: 'RejectPreventiveActionWaiver', data: { ...onComplaint(jan(7, 8)), reason: 'Check line 3 too' } } as const;
  const requested = [...history.ours, given.corrective(), given.waiverRequested()];

  it('is requested by the department with a reason', () => {
    spec.given(history.ours).when(request, as(actors.assembly)).then([given.waiverRequested()]);
  });

  it('needs a reason', () => {
    spec.given(history.ours).when({ ...request, data: { ...request.data, reason: '' } }, as(actors.assembly)).thenThrows(ValidationError, /reason/);
  });

  it('is refused when preventive actions are planned', () => {
    spec.given(history.planned).when(request, as(actors.assembly)).thenThrows(IllegalStateError, /preventive actions planned/);
  });

  it('is approved by management, recording who approved', () => {
    spec.given(requested).when(approve, as(actors.management)).then([given.waiverApproved()]);
  });

  it('is approved by management only', () => {
    spec.given(requested).when(approve, as(actors.quality)).thenThrows(ForbiddenError);
    spec.given(requested).when(approve, as(actors.assembly)).thenThrows(ForbiddenError);
  });

  it('cannot be approved without a request', () => {
    spec.given(history.planned).when(approve, as(actors.management)).thenThrows(IllegalStateError, /no preventive-action waiver/);
  });

  it('may be rejected, after which preventive actions are planned again', () => {
    spec
      .given(requested)
      .when(reject, as(actors.management))
      .then([{ type: 'PreventiveActionWaiverRejected', data: { ...onComplaint(jan(7, 8)), rejectedBy: 'u-gm', reason: 'Check line 3 too' } }]);
    const rejected: ComplaintEvent = { type: 'PreventiveActionWaiverRejected', data: { ...onComplaint(jan(7, 8)), rejectedBy: 'u-gm', reason: 'x' } };
    const [event] = spec.given([...requested, rejected]).when(preventive(jan(7, 9)), as(actors.assembly)).thenEvents();
    expect(event?.type).toBe('PreventiveActionPlanned');
  });
});

describe('SubmitActionPlan (the step the action-reply deadline measures)', () => {
  const submit = (occurredAt = jan(8)) => ({ type: 'SubmitActionPlan', data: onComplaint(occurredAt) }) as const;

  it('submits the plan with its actions', () => {
    spec.given(history.planned).when(submit(), as(actors.assembly)).then([given.submitted()]);
  });

  it('accepts a waiver request in place of preventive actions', () => {
    const [event] = spec
      .given([...history.ours, given.corrective(), given.waiverRequested()])
      .when(submit(), as(actors.assembly))
      .thenEvents();
    expect(event?.data).toMatchObject({ preventiveActionIds: [], preventiveWaiverRequested: true });
  });

  it('needs a corrective action', () => {
    spec.given([...history.ours, given.preventive()]).when(submit(), as(actors.assembly)).thenThrows(IllegalStateError, /corrective action/);
  });

  it('needs a preventive action or a waiver request', () => {
    spec.given([...history.ours, given.corrective()]).when(submit(), as(actors.assembly)).thenThrows(IllegalStateError, /preventive/);
  });

  it('cannot precede the planning', () => {
    spec.given(history.planned).when(submit(jan(6, 23)), as(actors.assembly)).thenThrows(ValidationError, /planning step/);
  });

  it('is refused twice', () => {
    spec.given(history.submitted).when(submit(jan(8, 1)), as(actors.assembly)).thenThrows(IllegalStateError);
  });
});

describe('CompleteAction', () => {
  const complete = (actionId: string, occurredAt = jan(15)) =>
    ({ type: 'CompleteAction', data: { ...onComplaint(occurredAt), actionId, evidence: 'Counter installed, photo in 8D folder' } }) as const;

  it('is refused before management approved the 8D decision', () => {
    spec.given(history.submitted).when(complete('CA-1'), as(actors.assembly)).thenThrows(IllegalStateError, /awaits the 8D decision/);
  });

  it('completes an approved action', () => {
    spec.given(history.approved).when(complete('CA-1'), as(actors.assembly)).then([given.completed('CA-1', 'corrective')]);
  });

  it('is refused twice', () => {
    spec.given(history.completed).when(complete('CA-1', jan(16)), as(actors.assembly)).thenThrows(IllegalStateError, /already completed/);
  });

  it('names an unknown action', () => {
    spec.given(history.approved).when(complete('CA-9'), as(actors.assembly)).thenThrows(NotFoundError, /CA-9/);
  });

  it('is for the assigned department', () => {
    spec.given(history.approved).when(complete('CA-1'), as(actors.molding)).thenThrows(ForbiddenError);
  });
});

describe('VerifyAction (§6.3.1)', () => {
  const verify = (actionId: string, result: string, newDueAt?: string, occurredAt = jan(20)) =>
    ({ type: 'VerifyAction', data: { ...onComplaint(occurredAt), actionId, result, newDueAt } }) as never;

  it('verifies a completed action effective', () => {
    spec.given(history.completed).when(verify('CA-1', 'effective'), as(actors.quality)).then([given.verified('CA-1', 'corrective')]);
  });

  it('refuses effective for an action not completed', () => {
    spec.given(history.approved).when(verify('CA-1', 'effective'), as(actors.quality)).thenThrows(IllegalStateError, /not completed/);
  });

  it('reschedules a not effective action, keeping the previous due date', () => {
    spec
      .given(history.completed)
      .when(verify('CA-1', 'not_effective', '2025-02-10'), as(actors.quality))
      .then([
        {
          type: 'ActionRescheduled',
          data: {
            ...onComplaint(jan(20)),
            actionId: 'CA-1',
            kind: 'corrective',
            reason: 'not_effective',
            previousDueAt: '2025-01-20T15:59:59.999Z',
            newDueAt: '2025-02-10T15:59:59.999Z',
            comment: null,
          },
        },
      ]);
  });

  it('reschedules a not completed action and reopens it, with the history of dates in the state', () => {
    const events = spec.given(history.approved).when(verify('CA-1', 'not_completed', '2025-01-25'), as(actors.quality)).thenEvents();
    const again: ComplaintEvent = {
      type: 'ActionRescheduled',
      data: { ...onComplaint(jan(26)), actionId: 'CA-1', kind: 'corrective', reason: 'not_completed', previousDueAt: '2025-01-25T15:59:59.999Z', newDueAt: '2025-02-05T15:59:59.999Z', comment: null },
    };
    const state = fold(decider, [...history.approved, ...events, again]) as Complaint;
    expect(state.actions.find((action) => action.actionId === 'CA-1')).toMatchObject({
      status: 'open',
      dueAt: '2025-02-05T15:59:59.999Z',
      previousDueDates: ['2025-01-20T15:59:59.999Z', '2025-01-25T15:59:59.999Z'],
    });
  });

  it('needs a new due date when not effective or not completed', () => {
    spec.given(history.completed).when(verify('CA-1', 'not_effective'), as(actors.quality)).thenThrows(ValidationError, /newDueAt: is required/);
  });

  it('refuses a new due date not after the verification', () => {
    spec.given(history.completed).when(verify('CA-1', 'not_completed', '2025-01-19'), as(actors.quality)).thenThrows(ValidationError, /newDueAt/);
  });

  it('refuses a new due date on an effective action', () => {
    spec.given(history.completed).when(verify('CA-1', 'effective', '2025-02-10'), as(actors.quality)).thenThrows(ValidationError, /newDueAt/);
  });

  it('is final once effective', () => {
    spec.given(history.verified).when(verify('CA-1', 'not_effective', '2025-02-10', jan(21)), as(actors.quality)).thenThrows(IllegalStateError, /already verified/);
  });

  it('cannot precede the completion', () => {
    spec.given(history.completed).when(verify('CA-1', 'effective', undefined, jan(14)), as(actors.quality)).thenThrows(ValidationError, /occurredAt/);
  });

  it('is for quality', () => {
    spec.given(history.completed).when(verify('CA-1', 'effective'), as(actors.assembly)).thenThrows(ForbiddenError);
  });
});

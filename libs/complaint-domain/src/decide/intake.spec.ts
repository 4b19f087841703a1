import { ForbiddenError, IllegalStateError, NotFoundError, ValidationError } from '@qms/domain-kernel';
import { deciderSpec } from '../../../testing/src/decider-spec';
import { createComplaintDecider } from '../decide';
import { DEFAULT_DEADLINE_POLICY } from '../deadlines';
import { NUMBER, actors, as, given, history, jan, registerData } from '../spec-fixtures';
import type { ComplaintEvent } from '../events';

const decider = createComplaintDecider({
  default: DEFAULT_DEADLINE_POLICY,
  customers: { BOSCH: { id: 'bosch', timeZone: 'Europe/Berlin' } },
});
const spec = deciderSpec(decider);

describe('RegisterComplaint', () => {
  it('registers with the deadlines of the default policy', () => {
    spec.given([]).when({ type: 'RegisterComplaint', data: registerData() }, as(actors.sales)).then([given.registered()]);
  });

  it("uses the customer's policy and the customer's deadline when given", () => {
    const [event] = spec
      .given([])
      .when(
        { type: 'RegisterComplaint', data: registerData({ customerId: 'BOSCH', customerDeadline: '2025-01-06' }) },
        as(actors.sales),
      )
      .thenEvents();
    expect(event?.data).toMatchObject({
      deadlinePolicyId: 'bosch',
      timeZone: 'Europe/Berlin',
      // A date-only customer deadline is the end of that day in the policy's zone (CET).
      customerDeadline: '2025-01-06T22:59:59.999Z',
      actionReplyDueAt: '2025-01-06T22:59:59.999Z',
    });
  });

  it('registers a reopened complaint numbered after the original', () => {
    const [event] = spec
      .given([])
      .when(
        { type: 'RegisterComplaint', data: registerData({ complaintNumber: `${NUMBER}-1`, reopenedFrom: NUMBER }) },
        as(actors.sales),
      )
      .thenEvents();
    expect(event?.data).toMatchObject({ complaintNumber: `${NUMBER}-1`, reopenedFrom: NUMBER });
  });

  it.each([
    ['a reopened number without reopenedFrom', { complaintNumber: `${NUMBER}-1` }, 'reopenedFrom'],
    ['a reopening numbered off another complaint', { complaintNumber: 'CC-2025-0002-1', reopenedFrom: NUMBER }, 'complaintNumber'],
    ['a malformed number', { complaintNumber: 'CC-25-1' }, 'complaintNumber'],
    ["a year other than the local year of receipt", { complaintNumber: 'CC-2024-0001' }, 'complaintNumber'],
    ['a received time in the future', { receivedAt: '2025-02-01T00:00:01.000Z' }, 'receivedAt'],
    ['a registration before the complaint was received', { occurredAt: '2025-01-03T08:59:59.000Z' }, 'occurredAt'],
    ['a received time without a zone', { receivedAt: '2025-01-03T09:00:00' }, 'receivedAt'],
    ['a customer deadline before receipt', { customerDeadline: '2025-01-02' }, 'customerDeadline'],
    ['an unknown channel', { channel: 'fax' as never }, 'channel'],
    ['a zero quantity', { quantityAffected: 0 }, 'quantityAffected'],
    ['an empty lot', { lot: ' ' }, 'lot'],
  ])('refuses %s', (_case, overrides, field) => {
    spec
      .given([])
      .when({ type: 'RegisterComplaint', data: registerData(overrides) }, as(actors.sales))
      .thenThrows(ValidationError, new RegExp(`^(.*; )?${field}:`));
  });

  it('names every missing field at once', () => {
    let thrown: unknown;
    try {
      decider.decide({ type: 'RegisterComplaint', data: { complaintNumber: NUMBER } as never }, decider.initialState(), as(actors.sales));
    } catch (error) {
      thrown = error;
    }
    expect((thrown as ValidationError).fieldErrors.map((error) => error.field)).toEqual(
      expect.arrayContaining(['customerId', 'receivedAt', 'occurredAt', 'partNo', 'lot', 'severity', 'channel', 'returnNeeded']),
    );
  });

  it('refuses a second registration of the same number', () => {
    spec.given(history.registered).when({ type: 'RegisterComplaint', data: registerData() }, as(actors.sales)).thenThrows(
      IllegalStateError,
      /already registered/,
    );
  });

  it('is for sales only', () => {
    spec.given([]).when({ type: 'RegisterComplaint', data: registerData() }, as(actors.quality)).thenThrows(ForbiddenError);
  });
});

describe('AssignComplaint', () => {
  const assign = (department: string, occurredAt = jan(3, 10)) =>
    ({ type: 'AssignComplaint', data: { complaintNumber: NUMBER, department, occurredAt } }) as const;

  it('assigns a responsible department', () => {
    spec.given(history.registered).when(assign('assembly'), as(actors.quality)).then([given.assigned('assembly')]);
  });

  it('reassigns before responsibility is decided, naming the previous department', () => {
    spec
      .given(history.rootCause)
      .when(assign('molding', jan(6, 5)), as(actors.quality))
      .then([{ type: 'ComplaintAssigned', data: { complaintNumber: NUMBER, occurredAt: jan(6, 5), department: 'molding', previousDepartment: 'assembly' } }]);
  });

  it('refuses the same department again', () => {
    spec.given(history.assigned).when(assign('assembly'), as(actors.quality)).thenThrows(IllegalStateError, /already assigned/);
  });

  it('refuses after responsibility was decided', () => {
    spec.given(history.ours).when(assign('molding', jan(7)), as(actors.quality)).thenThrows(IllegalStateError, /cannot assign/);
  });

  it('refuses an unknown complaint', () => {
    spec.given([]).when(assign('assembly'), as(actors.quality)).thenThrows(NotFoundError, new RegExp(NUMBER));
  });

  it('refuses a command for another complaint than the one loaded', () => {
    spec
      .given(history.registered)
      .when({ type: 'AssignComplaint', data: { complaintNumber: 'CC-2025-0002', department: 'assembly', occurredAt: jan(4) } }, as(actors.quality))
      .thenThrows(ValidationError, /complaintNumber/);
  });
});

describe('RecordContainment', () => {
  const contain = (occurredAt = jan(3, 12)) =>
    ({
      type: 'RecordContainment',
      data: { complaintNumber: NUMBER, occurredAt, description: 'Stock sorted, 3 suspect boxes blocked', quantitySecured: 1500 },
    }) as const;

  it('records the interim action, even before assignment', () => {
    spec.given(history.registered).when(contain(), as(actors.quality)).then([given.containment()]);
  });

  it('refuses a second containment', () => {
    spec.given(history.rootCause).when(contain(jan(7)), as(actors.quality)).thenThrows(IllegalStateError, /already recorded/);
  });

  it('allows back-dating but not before the complaint was received', () => {
    spec.given(history.registered).when(contain('2025-01-03T08:00:00.000Z'), as(actors.quality)).thenThrows(ValidationError, /occurredAt: .*received/);
  });

  it('refuses business time in the future', () => {
    spec.given(history.registered).when(contain('2025-02-01T00:00:00.001Z'), as(actors.quality)).thenThrows(ValidationError, /occurredAt: .*future/);
  });

  it('is not for departments', () => {
    spec.given(history.assigned).when(contain(), as(actors.assembly)).thenThrows(ForbiddenError);
  });
});

describe('RecordRootCause', () => {
  const rootCause = (occurredAt = jan(6), overrides: Record<string, unknown> = {}) =>
    ({
      type: 'RecordRootCause',
      data: {
        complaintNumber: NUMBER,
        occurredAt,
        category: 'machine',
        method: 'five_why',
        description: 'Worn deburring tool',
        departmentExplanation: 'Tool life not monitored',
        ...overrides,
      },
    }) as never;

  it('is recorded by quality', () => {
    spec.given(history.assigned).when(rootCause(), as(actors.quality)).then([given.rootCause()]);
  });

  it('is recorded by the assigned department', () => {
    spec.given(history.assigned).when(rootCause(), as(actors.assembly)).then([given.rootCause()]);
  });

  it('records the escape cause (why it was not detected) next to the occurrence cause', () => {
    const escapeDescription = 'Visual check samples 5 parts per hour; burrs under 0.2 mm are not visible';
    const expected = given.rootCause();
    spec
      .given(history.assigned)
      .when(rootCause(jan(6), { escapeDescription: `  ${escapeDescription} ` }), as(actors.quality))
      .then([{ ...expected, data: { ...expected.data, escapeDescription } } as ComplaintEvent]);
  });

  it('may be revised until responsibility is decided', () => {
    spec.given(history.rootCause).when(rootCause(jan(6, 4)), as(actors.assembly)).then([given.rootCause(jan(6, 4))]);
  });

  it("is refused to another department", () => {
    spec.given(history.assigned).when(rootCause(), as(actors.molding)).thenThrows(ForbiddenError, /assembly/);
  });

  it('is refused to a department before any assignment', () => {
    spec.given(history.registered).when(rootCause(), as(actors.assembly)).thenThrows(ForbiddenError, /not assigned/);
  });

  it('needs an assignment first', () => {
    spec.given(history.registered).when(rootCause(), as(actors.quality)).thenThrows(IllegalStateError, /not assigned/);
  });

  it('is frozen once responsibility is decided', () => {
    spec.given(history.ours).when(rootCause(jan(7)), as(actors.quality)).thenThrows(IllegalStateError);
  });

  it('needs a 5M1E category, a method and the explanation', () => {
    spec
      .given(history.assigned)
      .when(rootCause(jan(6), { category: 'money', method: 'guess', departmentExplanation: '' }), as(actors.quality))
      .thenThrows(ValidationError, /category: .*method: .*departmentExplanation:/);
  });

  it('cannot precede the assignment', () => {
    spec.given(history.assigned).when(rootCause(jan(3, 9)), as(actors.quality)).thenThrows(ValidationError, /assignment/);
  });
});

describe('DecideResponsibility', () => {
  const decide = (responsibility: string, quantityAffected?: number) =>
    ({
      type: 'DecideResponsibility',
      data: { complaintNumber: NUMBER, occurredAt: jan(6, 6), responsibility, explanation: 'Deburring tool worn out', quantityAffected },
    }) as never;

  it('decides ours with the corrected quantity', () => {
    spec.given(history.rootCause).when(decide('ours', 10), as(actors.quality)).then([given.decided('ours')]);
  });

  it('keeps the registered quantity when none is given', () => {
    const [event] = spec.given(history.rootCause).when(decide('not_ours'), as(actors.quality)).thenEvents();
    expect(event?.data).toMatchObject({ responsibility: 'not_ours', quantityAffected: 12 });
  });

  it('needs the root cause first', () => {
    spec.given(history.assigned).when(decide('ours'), as(actors.quality)).thenThrows(IllegalStateError, /root cause/);
  });

  it('is decided once', () => {
    spec.given(history.ours).when(decide('not_ours'), as(actors.quality)).thenThrows(IllegalStateError);
  });

  it('is for quality', () => {
    spec.given(history.rootCause).when(decide('ours'), as(actors.assembly)).thenThrows(ForbiddenError);
  });
});


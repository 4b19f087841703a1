import { ForbiddenError, IllegalStateError, ValidationError } from '@qms/domain-kernel';
import { deciderSpec } from '../../testing/src/decider-spec';
import type { ApproveCountermeasure, AssignCountermeasure, CloseSurveyPeriod } from './commands';
import { createSurveyDecider } from './decider';
import type { SurveyEvent } from './events';
import { PERIOD, ctx, issued, responded } from './spec-fixtures';

const spec = deciderSpec(createSurveyDecider());

// CUST-A is dissatisfied with quality (2) and price (1); CUST-B is satisfied.
const answeredA = responded('CUST-A', {
  personnel_service: 5,
  complaint_handling: 4,
  quality: 2,
  delivery: 4,
  price: 1,
});
const answeredB = responded('CUST-B', { quality: 4, delivery: 3 });

const assign: AssignCountermeasure = {
  type: 'AssignCountermeasure',
  periodId: PERIOD,
  customerId: 'CUST-A',
  dimension: 'quality',
  department: 'Moulding',
  description: 'Add in-line burr check at station 4',
  dueDate: '2026-08-31',
  occurredAt: '2026-07-08T02:00:00Z',
};
const assigned = (
  countermeasureNo: number,
  dimension: 'quality' | 'price',
  department = 'Moulding',
): SurveyEvent => ({
  type: 'CountermeasureAssigned',
  data: {
    periodId: PERIOD,
    countermeasureNo,
    customerId: 'CUST-A',
    dimension,
    score: dimension === 'quality' ? 2 : 1,
    department,
    description: 'Add in-line burr check at station 4',
    dueDate: '2026-08-31',
    occurredAt: '2026-07-08T02:00:00.000Z',
  },
});
const approved = (countermeasureNo: number, dimension: 'quality' | 'price'): SurveyEvent => ({
  type: 'CountermeasureApproved',
  data: {
    periodId: PERIOD,
    countermeasureNo,
    customerId: 'CUST-A',
    dimension,
    note: null,
    occurredAt: '2026-07-09T02:00:00.000Z',
  },
});
const approve: ApproveCountermeasure = {
  type: 'ApproveCountermeasure',
  periodId: PERIOD,
  countermeasureNo: 1,
  occurredAt: '2026-07-09T02:00:00Z',
};
const close: CloseSurveyPeriod = {
  type: 'CloseSurveyPeriod',
  periodId: PERIOD,
  occurredAt: '2026-07-20T02:00:00Z',
};

describe('countermeasures for dissatisfied items (§5.2.2)', () => {
  const given = [issued, answeredA, answeredB];

  it('the responsible department assigns one to a dissatisfied item', () => {
    spec
      .given(given)
      .when(assign, ctx('department', 'Moulding'))
      .then([assigned(1, 'quality')]);
  });

  it('quality may assign it on a department’s behalf; numbers run in sequence', () => {
    const events = spec
      .given([...given, assigned(1, 'quality')])
      .when({ ...assign, dimension: 'price', department: 'Sales' }, ctx('quality'))
      .thenEvents();
    expect(events[0]?.data).toMatchObject({
      countermeasureNo: 2,
      dimension: 'price',
      score: 1,
      department: 'Sales',
    });
  });

  it('a department user cannot assign for another department', () => {
    spec
      .given(given)
      .when(assign, ctx('department', 'Assembly'))
      .thenThrows(ForbiddenError, /Assembly user cannot assign a countermeasure to Moulding/);
  });

  it('refuses items that are not dissatisfied or not answered', () => {
    spec
      .given(given)
      .when({ ...assign, dimension: 'delivery' }, ctx('quality'))
      .thenThrows(IllegalStateError, /CUST-A \/ delivery is not a dissatisfied item/);
    spec
      .given(given)
      .when({ ...assign, customerId: 'CUST-B', dimension: 'price' }, ctx('quality'))
      .thenThrows(IllegalStateError, /not a dissatisfied item/);
  });

  it('judges the corrected response, not the first one', () => {
    const corrected: SurveyEvent = {
      type: 'SurveyResponseCorrected',
      data: { ...responded('CUST-B', { quality: 2 }).data, reason: 'Wrong column' },
    };
    const events = spec
      .given([...given, corrected])
      .when({ ...assign, customerId: 'CUST-B' }, ctx('quality'))
      .thenEvents();
    expect(events[0]?.data).toMatchObject({ customerId: 'CUST-B', dimension: 'quality', score: 2 });
  });

  it('needs a description and a due date not before the assignment', () => {
    spec
      .given(given)
      .when({ ...assign, description: ' ', dueDate: '2026-02-30' }, ctx('quality'))
      .thenThrows(ValidationError, /description: is required; dueDate: .*day 30 does not exist/);
    spec
      .given(given)
      .when({ ...assign, dueDate: '2026-07-07' }, ctx('quality'))
      .thenThrows(ValidationError, /dueDate: is before the countermeasure is assigned/);
  });

  it('is refused for sales and management', () => {
    spec.given(given).when(assign, ctx('sales')).thenThrows(ForbiddenError);
    spec.given(given).when(assign, ctx('management')).thenThrows(ForbiddenError);
  });
});

describe('management approves countermeasures', () => {
  const given = [issued, answeredA, assigned(1, 'quality')];

  it('approves an assigned countermeasure', () => {
    spec
      .given(given)
      .when(approve, ctx('management'))
      .then([approved(1, 'quality')]);
  });

  it('refuses unknown and already approved countermeasures', () => {
    spec
      .given(given)
      .when({ ...approve, countermeasureNo: 2 }, ctx('management'))
      .thenThrows(IllegalStateError, /no countermeasure 2/);
    spec
      .given([...given, approved(1, 'quality')])
      .when(approve, ctx('management'))
      .thenThrows(IllegalStateError, /already approved/);
  });

  it('is management’s job', () => {
    spec
      .given(given)
      .when(approve, ctx('quality'))
      .thenThrows(ForbiddenError, /quality may not ApproveCountermeasure/);
  });
});

describe('closing a survey period', () => {
  it('closes when every dissatisfied item has an approved countermeasure, listing non-respondents', () => {
    const all = [
      issued,
      answeredA,
      assigned(1, 'quality'),
      assigned(2, 'price'),
      approved(1, 'quality'),
      approved(2, 'price'),
    ];
    spec
      .given(all)
      .when(close, ctx('sales'))
      .then([
        {
          type: 'SurveyPeriodClosed',
          data: {
            periodId: PERIOD,
            respondedCustomerIds: ['CUST-A'],
            nonRespondentCustomerIds: ['CUST-B'],
            countermeasureCount: 2,
            occurredAt: '2026-07-20T02:00:00.000Z',
          },
        },
      ]);
  });

  it('refuses while a dissatisfied item has no countermeasure', () => {
    spec
      .given([issued, answeredA, answeredB, assigned(1, 'quality'), approved(1, 'quality')])
      .when(close, ctx('sales'))
      .thenThrows(
        IllegalStateError,
        /Cannot close 2026-H1: CUST-A\/price \(score 1\) still need an approved countermeasure/,
      );
  });

  it('refuses while a countermeasure awaits approval, unless configured otherwise', () => {
    const given = [issued, answeredA, assigned(1, 'quality'), assigned(2, 'price'), approved(1, 'quality')];
    spec
      .given(given)
      .when(close, ctx('sales'))
      .thenThrows(IllegalStateError, /CUST-A\/price \(score 1\) still need an approved/);
    const lenient = deciderSpec(createSurveyDecider({ requireApprovedCountermeasures: false }));
    expect(lenient.given(given).when(close, ctx('sales')).thenEvents()).toHaveLength(1);
    lenient
      .given([issued, answeredA, assigned(1, 'quality')])
      .when(close, ctx('sales'))
      .thenThrows(IllegalStateError, /still need a countermeasure/);
  });

  it('closes a period without dissatisfied items straight away, and only once', () => {
    const events = spec.given([issued, answeredB]).when(close, ctx('sales')).thenEvents();
    expect(events[0]?.data).toMatchObject({
      respondedCustomerIds: ['CUST-B'],
      nonRespondentCustomerIds: ['CUST-A'],
    });
    spec
      .given([issued, answeredB, ...events])
      .when(close, ctx('sales'))
      .thenThrows(IllegalStateError, /is closed/);
    spec
      .given([issued, answeredA, ...events])
      .when(assign, ctx('quality'))
      .thenThrows(IllegalStateError, /is closed/);
  });

  it('is sales’ job', () => {
    spec.given([issued]).when(close, ctx('quality')).thenThrows(ForbiddenError);
  });
});

import { ForbiddenError, IllegalStateError, NotFoundError, ValidationError } from '@qms/domain-kernel';
import { deciderSpec } from '../../testing/src/decider-spec';
import { QUARTERLY_SURVEY_CALENDAR } from './calendar';
import type { CorrectSurveyResponse, IssueSurvey, RecordSurveyResponse } from './commands';
import { createSurveyDecider } from './decider';
import { ISSUED_AT, PERIOD, ctx, issued, responded } from './spec-fixtures';

const spec = deciderSpec(createSurveyDecider());

const issue: IssueSurvey = {
  type: 'IssueSurvey',
  periodId: PERIOD,
  customers: [
    { customerId: 'CUST-A', relationshipStart: '2019-04-01' },
    { customerId: 'CUST-B', relationshipStart: '2025-06-30' },
    { customerId: 'CUST-C', relationshipStart: '2025-07-01' },
  ],
  occurredAt: '2026-06-20T09:00:00+08:00',
};

describe('issuing a survey (sales, §5.2.1.1)', () => {
  it('surveys customers of at least one year at the issue date and leaves younger ones to regular contact', () => {
    spec.given([]).when(issue, ctx('sales')).then([issued]);
  });

  it('records the configured scale and threshold, and follows the configured calendar', () => {
    const quarterly = deciderSpec(
      createSurveyDecider({
        calendar: QUARTERLY_SURVEY_CALENDAR,
        scale: { min: 0, max: 10 },
        dissatisfiedBelow: 6,
      }),
    );
    const events = quarterly
      .given([])
      .when({ ...issue, periodId: '2026-Q2' }, ctx('sales'))
      .thenEvents();
    expect(events[0]?.data).toMatchObject({
      periodCode: 'Q2',
      issueDate: '2026-06-30',
      scale: { min: 0, max: 10 },
      dissatisfiedBelow: 6,
    });
    quarterly
      .given([])
      .when(issue, ctx('sales'))
      .thenThrows(ValidationError, /periodId/);
  });

  it('refuses issuing the same period twice', () => {
    spec
      .given([issued])
      .when(issue, ctx('sales'))
      .thenThrows(IllegalStateError, /already issued/);
  });

  it('names bad customer entries', () => {
    const bad = {
      ...issue,
      customers: [
        { customerId: 'CUST-A', relationshipStart: '2019-13-01' },
        { customerId: 'CUST-A', relationshipStart: '2019-01-01' },
      ],
    };
    spec
      .given([])
      .when(bad, ctx('sales'))
      .thenThrows(
        ValidationError,
        /customers\[0\]\.relationshipStart: .*customers\[1\]\.customerId: CUST-A is listed more than once/,
      );
    spec
      .given([])
      .when({ ...issue, customers: [] }, ctx('sales'))
      .thenThrows(ValidationError, /customers: at least one/);
  });

  it('refuses a business time in the future', () => {
    spec
      .given([])
      .when({ ...issue, occurredAt: '2026-08-01T00:00:00Z' }, ctx('sales'))
      .thenThrows(ValidationError, /occurredAt: is in the future/);
  });

  it('is sales’ job', () => {
    spec
      .given([])
      .when(issue, ctx('quality'))
      .thenThrows(ForbiddenError, /quality may not IssueSurvey/);
  });
});

const answer: RecordSurveyResponse = {
  type: 'RecordSurveyResponse',
  periodId: PERIOD,
  customerId: 'CUST-A',
  scores: { personnel_service: 5, complaint_handling: 4, quality: 2, delivery: 4, price: 1 },
  respondent: { name: 'Li Wei', title: 'SQE' },
  occurredAt: '2026-07-05T02:00:00Z',
};

describe('recording a response (sales)', () => {
  it('records scores, respondent, the top of scale and the dissatisfied dimensions', () => {
    spec
      .given([issued])
      .when(answer, ctx('sales'))
      .then([responded('CUST-A', answer.scores)]);
    expect(responded('CUST-A', answer.scores).data.dissatisfiedDimensions).toEqual(['quality', 'price']);
  });

  it('accepts unanswered dimensions and keeps comments', () => {
    const events = spec
      .given([issued])
      .when({ ...answer, scores: { quality: 4 }, comments: 'PPAP late' }, ctx('sales'))
      .thenEvents();
    expect(events[0]?.data).toMatchObject({
      scores: { quality: 4 },
      comments: 'PPAP late',
      dissatisfiedDimensions: [],
    });
  });

  it('refuses scores outside the scale recorded at issue, and unknown dimensions', () => {
    const bad = { ...answer, scores: { quality: 0, price: 6, delivery: 4.5, speed: 3 } as never };
    spec
      .given([issued])
      .when(bad, ctx('sales'))
      .thenThrows(
        ValidationError,
        /scores\.quality: must be a number from 1 to 5; scores\.price: must be .*; scores\.speed: is not a dimension/,
      );
    spec
      .given([issued])
      .when({ ...answer, scores: {} }, ctx('sales'))
      .thenThrows(ValidationError, /scores: score at least one/);
  });

  it('refuses a period that was not issued', () => {
    spec
      .given([])
      .when(answer, ctx('sales'))
      .thenThrows(NotFoundError, /No survey was issued for period 2026-H1/);
  });

  it('refuses customers the survey was not issued to', () => {
    spec
      .given([issued])
      .when({ ...answer, customerId: 'CUST-C' }, ctx('sales'))
      .thenThrows(IllegalStateError, /CUST-C was not surveyed .* regular contact/);
    spec
      .given([issued])
      .when({ ...answer, customerId: 'CUST-Z' }, ctx('sales'))
      .thenThrows(IllegalStateError, /not issued to CUST-Z/);
  });

  it('records one response per customer; a second needs a correction', () => {
    spec
      .given([issued, responded('CUST-A', answer.scores)])
      .when(answer, ctx('sales'))
      .thenThrows(IllegalStateError, /already answered .* correction/);
  });

  it('refuses a response dated before the survey went out', () => {
    spec
      .given([issued])
      .when({ ...answer, occurredAt: '2026-06-20T00:59:59Z' }, ctx('sales'))
      .thenThrows(ValidationError, new RegExp(`before the survey was issued \\(${ISSUED_AT}\\)`));
  });

  it('refuses responses after the period is closed', () => {
    const closed = {
      type: 'SurveyPeriodClosed' as const,
      data: {
        periodId: PERIOD,
        respondedCustomerIds: [],
        nonRespondentCustomerIds: ['CUST-A', 'CUST-B'],
        countermeasureCount: 0,
        occurredAt: '2026-07-10T00:00:00.000Z',
      },
    };
    spec
      .given([issued, closed])
      .when(answer, ctx('sales'))
      .thenThrows(IllegalStateError, /is closed/);
  });

  it('is sales’ job', () => {
    spec.given([issued]).when(answer, ctx('management')).thenThrows(ForbiddenError);
  });
});

describe('correcting a response', () => {
  const correction: CorrectSurveyResponse = {
    ...answer,
    type: 'CorrectSurveyResponse',
    scores: { quality: 4 },
    reason: 'Typed from the wrong form',
  };

  it('replaces the earlier response as a whole and keeps the reason', () => {
    const events = spec
      .given([issued, responded('CUST-A', answer.scores)])
      .when(correction, ctx('sales'))
      .thenEvents();
    expect(events).toEqual([
      {
        type: 'SurveyResponseCorrected',
        data: { ...responded('CUST-A', { quality: 4 }).data, reason: 'Typed from the wrong form' },
      },
    ]);
  });

  it('needs an earlier response and a reason', () => {
    spec
      .given([issued])
      .when(correction, ctx('sales'))
      .thenThrows(IllegalStateError, /no response in 2026-H1 to correct/);
    spec
      .given([issued, responded('CUST-A', answer.scores)])
      .when({ ...correction, reason: '' }, ctx('sales'))
      .thenThrows(ValidationError, /reason/);
  });
});

import type { DecisionContext, Role } from '@qms/domain-kernel';
import type { SurveyIssued, SurveyResponseRecorded, SurveyScores } from './events';

/**
 * Test data for the survey specs (no jest import, so the build compiles it cleanly): the 2026-H1
 * survey (nominal issue date 2026-06-30) issued to CUST-A and CUST-B; CUST-C is younger than a year.
 */
export const PERIOD = '2026-H1';
export const ISSUED_AT = '2026-06-20T01:00:00.000Z';
export const NOW = '2026-07-31T00:00:00.000Z';

export function ctx(role: Role, department?: string, now = NOW): DecisionContext {
  return {
    now: new Date(now),
    actor: { userId: `${role}-user`, role, ...(department ? { department } : {}) },
  };
}

export const issued: SurveyIssued = {
  type: 'SurveyIssued',
  data: {
    periodId: PERIOD,
    year: 2026,
    periodCode: 'H1',
    issueDate: '2026-06-30',
    coversFrom: '2026-01-01',
    coversTo: '2026-06-30',
    customers: [
      { customerId: 'CUST-A', relationshipStart: '2019-04-01' },
      { customerId: 'CUST-B', relationshipStart: '2025-06-30' },
    ],
    excluded: [{ customerId: 'CUST-C', relationshipStart: '2025-07-01', reason: 'regular_contact' }],
    scale: { min: 1, max: 5 },
    dissatisfiedBelow: 3,
    occurredAt: ISSUED_AT,
  },
};

export function responded(
  customerId: string,
  scores: SurveyScores,
  occurredAt = '2026-07-05T02:00:00.000Z',
): SurveyResponseRecorded {
  const dissatisfiedDimensions = (
    ['personnel_service', 'complaint_handling', 'quality', 'delivery', 'price'] as const
  ).filter((d) => (scores[d] ?? 5) < 3);
  return {
    type: 'SurveyResponseRecorded',
    data: {
      periodId: PERIOD,
      customerId,
      scores,
      comments: null,
      respondent: { name: 'Li Wei', title: 'SQE' },
      scaleMin: 1,
      topOfScale: 5,
      dissatisfiedDimensions,
      occurredAt,
    },
  };
}

import { assertNever } from '@qms/domain-kernel';
import type {
  ExcludedCustomer,
  SurveyDimension,
  SurveyEvent,
  SurveyScale,
  SurveyScores,
  SurveyedCustomer,
} from './events';

export interface ResponseState {
  readonly customerId: string;
  readonly scores: SurveyScores;
  readonly dissatisfiedDimensions: readonly SurveyDimension[];
}

export interface CountermeasureState {
  readonly countermeasureNo: number;
  readonly customerId: string;
  readonly dimension: SurveyDimension;
  readonly department: string;
  readonly approved: boolean;
}

export interface IssuedSurveyState {
  readonly status: 'issued' | 'closed';
  readonly periodId: string;
  readonly issuedAt: string;
  readonly issueDate: string;
  readonly customers: readonly SurveyedCustomer[];
  readonly excluded: readonly ExcludedCustomer[];
  readonly scale: SurveyScale;
  readonly dissatisfiedBelow: number;
  readonly responses: readonly ResponseState[];
  readonly countermeasures: readonly CountermeasureState[];
}

export type SurveyState = { readonly status: 'none' } | IssuedSurveyState;

export const initialSurveyState = (): SurveyState => ({ status: 'none' });

export function evolveSurvey(state: SurveyState, event: SurveyEvent): SurveyState {
  if (event.type === 'SurveyIssued') {
    const data = event.data;
    return {
      status: 'issued',
      periodId: data.periodId,
      issuedAt: data.occurredAt,
      issueDate: data.issueDate,
      customers: data.customers,
      excluded: data.excluded,
      scale: data.scale,
      dissatisfiedBelow: data.dissatisfiedBelow,
      responses: [],
      countermeasures: [],
    };
  }
  if (state.status === 'none') return state;
  switch (event.type) {
    case 'SurveyResponseRecorded':
    case 'SurveyResponseCorrected': {
      const { customerId, scores, dissatisfiedDimensions } = event.data;
      const response = { customerId, scores, dissatisfiedDimensions };
      const known = state.responses.some((r) => r.customerId === customerId);
      const responses = known
        ? state.responses.map((r) => (r.customerId === customerId ? response : r))
        : [...state.responses, response];
      return { ...state, responses };
    }
    case 'CountermeasureAssigned': {
      const { countermeasureNo, customerId, dimension, department } = event.data;
      return {
        ...state,
        countermeasures: [
          ...state.countermeasures,
          { countermeasureNo, customerId, dimension, department, approved: false },
        ],
      };
    }
    case 'CountermeasureApproved':
      return {
        ...state,
        countermeasures: state.countermeasures.map((c) =>
          c.countermeasureNo === event.data.countermeasureNo ? { ...c, approved: true } : c,
        ),
      };
    case 'SurveyPeriodClosed':
      return { ...state, status: 'closed' };
    default:
      return assertNever(event, 'survey event');
  }
}

export interface DissatisfiedItem {
  readonly customerId: string;
  readonly dimension: SurveyDimension;
  readonly score: number;
}

/** Every (customer, dimension) currently scored below the threshold. */
export function dissatisfiedItems(state: IssuedSurveyState): DissatisfiedItem[] {
  return state.responses.flatMap((response) =>
    response.dissatisfiedDimensions.map((dimension) => ({
      customerId: response.customerId,
      dimension,
      score: response.scores[dimension] ?? Number.NaN,
    })),
  );
}

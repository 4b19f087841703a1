import type { SurveyDimension, SurveyScores } from './events';

/** Commands on one survey period. `occurredAt` (business time) defaults to the decision's `now`. */
interface SurveyCommandBase {
  readonly periodId: string;
  readonly occurredAt?: string;
}

/** The customer list with relationship starts; the decider decides who is due. */
export interface IssueSurvey extends SurveyCommandBase {
  readonly type: 'IssueSurvey';
  readonly customers: readonly { readonly customerId: string; readonly relationshipStart: string }[];
}

export interface SurveyAnswer {
  readonly customerId: string;
  readonly scores: SurveyScores;
  readonly comments?: string | null;
  readonly respondent: { readonly name: string; readonly title?: string | null };
}

export interface RecordSurveyResponse extends SurveyCommandBase, SurveyAnswer {
  readonly type: 'RecordSurveyResponse';
}

export interface CorrectSurveyResponse extends SurveyCommandBase, SurveyAnswer {
  readonly type: 'CorrectSurveyResponse';
  readonly reason: string;
}

export interface AssignCountermeasure extends SurveyCommandBase {
  readonly type: 'AssignCountermeasure';
  readonly customerId: string;
  readonly dimension: SurveyDimension;
  /** The responsible unit; a department user may only assign for its own department. */
  readonly department: string;
  readonly description: string;
  /** 'YYYY-MM-DD'. */
  readonly dueDate: string;
}

export interface ApproveCountermeasure extends SurveyCommandBase {
  readonly type: 'ApproveCountermeasure';
  readonly countermeasureNo: number;
  readonly note?: string | null;
}

export interface CloseSurveyPeriod extends SurveyCommandBase {
  readonly type: 'CloseSurveyPeriod';
}

export type SurveyCommand =
  | IssueSurvey
  | RecordSurveyResponse
  | CorrectSurveyResponse
  | AssignCountermeasure
  | ApproveCountermeasure
  | CloseSurveyPeriod;

export type SurveyCommandType = SurveyCommand['type'];

import type { DomainEvent } from '@qms/domain-kernel';

/**
 * Events of one satisfaction-survey period (客户满意度调查, DESIGN §7; procedure §5.2).
 * One stream per period. The score scale and the dissatisfaction threshold are recorded on the
 * events so that summaries never depend on today's configuration.
 */

export const SURVEY_DIMENSIONS = [
  'personnel_service',
  'complaint_handling',
  'quality',
  'delivery',
  'price',
] as const;
export type SurveyDimension = (typeof SURVEY_DIMENSIONS)[number];

/** Scores per dimension; a dimension the customer left unanswered is absent. */
export type SurveyScores = Readonly<Partial<Record<SurveyDimension, number>>>;

export interface SurveyScale {
  readonly min: number;
  /** Top of scale: the CSI divides by it. */
  readonly max: number;
}

export interface SurveyedCustomer {
  readonly customerId: string;
  /** 'YYYY-MM-DD': start of the business relationship. */
  readonly relationshipStart: string;
}

export interface ExcludedCustomer extends SurveyedCustomer {
  /** Customers of less than one year are followed by regular contact instead (§5.2.1.1). */
  readonly reason: 'regular_contact';
}

export interface Respondent {
  readonly name: string;
  readonly title: string | null;
}

export interface SurveyIssuedData {
  /** '<year>-<period code>', e.g. '2026-H1', '2026-Q3'. */
  readonly periodId: string;
  readonly year: number;
  readonly periodCode: string;
  /** The calendar's nominal issue date ('YYYY-MM-DD'); eligibility is judged against it. */
  readonly issueDate: string;
  /** Months the survey looks back on, 'YYYY-MM-DD' inclusive. */
  readonly coversFrom: string;
  readonly coversTo: string;
  readonly customers: readonly SurveyedCustomer[];
  readonly excluded: readonly ExcludedCustomer[];
  readonly scale: SurveyScale;
  /** A score strictly below this is a dissatisfied item that needs a countermeasure. */
  readonly dissatisfiedBelow: number;
  readonly occurredAt: string;
}

export interface SurveyResponseData {
  readonly periodId: string;
  readonly customerId: string;
  readonly scores: SurveyScores;
  readonly comments: string | null;
  readonly respondent: Respondent;
  readonly scaleMin: number;
  readonly topOfScale: number;
  /** Dimensions scored below the period's threshold, in SURVEY_DIMENSIONS order. */
  readonly dissatisfiedDimensions: readonly SurveyDimension[];
  readonly occurredAt: string;
}

export type SurveyResponseRecordedData = SurveyResponseData;

/** Replaces the customer's earlier response as a whole. */
export interface SurveyResponseCorrectedData extends SurveyResponseData {
  readonly reason: string;
}

/** The responsible unit's countermeasure for one dissatisfied item (§5.2.2). */
export interface CountermeasureAssignedData {
  readonly periodId: string;
  /** 1-based sequence within the period. */
  readonly countermeasureNo: number;
  readonly customerId: string;
  readonly dimension: SurveyDimension;
  readonly score: number;
  readonly department: string;
  readonly description: string;
  /** 'YYYY-MM-DD'. */
  readonly dueDate: string;
  readonly occurredAt: string;
}

export interface CountermeasureApprovedData {
  readonly periodId: string;
  readonly countermeasureNo: number;
  readonly customerId: string;
  readonly dimension: SurveyDimension;
  readonly note: string | null;
  readonly occurredAt: string;
}

export interface SurveyPeriodClosedData {
  readonly periodId: string;
  readonly respondedCustomerIds: readonly string[];
  readonly nonRespondentCustomerIds: readonly string[];
  readonly countermeasureCount: number;
  readonly occurredAt: string;
}

export type SurveyIssued = DomainEvent<'SurveyIssued', SurveyIssuedData>;
export type SurveyResponseRecorded = DomainEvent<'SurveyResponseRecorded', SurveyResponseRecordedData>;
export type SurveyResponseCorrected = DomainEvent<'SurveyResponseCorrected', SurveyResponseCorrectedData>;
export type CountermeasureAssigned = DomainEvent<'CountermeasureAssigned', CountermeasureAssignedData>;
export type CountermeasureApproved = DomainEvent<'CountermeasureApproved', CountermeasureApprovedData>;
export type SurveyPeriodClosed = DomainEvent<'SurveyPeriodClosed', SurveyPeriodClosedData>;

export type SurveyEvent =
  | SurveyIssued
  | SurveyResponseRecorded
  | SurveyResponseCorrected
  | CountermeasureAssigned
  | CountermeasureApproved
  | SurveyPeriodClosed;

export type SurveyEventType = SurveyEvent['type'];

/**
 * Current schema version of each event type, written to the event metadata on append; older
 * versions are lifted while reading (see upcast.ts). Type names are never renamed.
 */
export const SURVEY_EVENT_SCHEMA_VERSIONS = {
  SurveyIssued: 1,
  SurveyResponseRecorded: 1,
  SurveyResponseCorrected: 1,
  CountermeasureAssigned: 1,
  CountermeasureApproved: 1,
  SurveyPeriodClosed: 1,
} as const satisfies Record<SurveyEventType, number>;

export const SURVEY_EVENT_TYPES = Object.keys(SURVEY_EVENT_SCHEMA_VERSIONS) as SurveyEventType[];

export function isSurveyEventType(type: string): type is SurveyEventType {
  return Object.prototype.hasOwnProperty.call(SURVEY_EVENT_SCHEMA_VERSIONS, type);
}

export const SURVEY_STREAM_PREFIX = 'survey-';

export function surveyStreamId(periodId: string): string {
  return `${SURVEY_STREAM_PREFIX}${periodId}`;
}

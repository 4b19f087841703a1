/**
 * The satisfaction summary per survey period (客户满意度调查汇总分析表, DESIGN §7; procedure §5.2):
 * one document per period (`satisfaction_summary`, `_id` = period id) holding the responses and
 * countermeasures as facts, and the summary computed from them (averages per dimension and per
 * customer, CSI against the target and the benchmark, dissatisfied items with their
 * countermeasure and approval).
 */
import { assertNever } from '@qms/domain-kernel';
import {
  SURVEY_DIMENSIONS,
  type ExcludedCustomer,
  type Respondent,
  type SurveyDimension,
  type SurveyEvent,
  type SurveyEventType,
  type SurveyResponseData,
  type SurveyScale,
  type SurveyScores,
} from '@qms/survey-domain';
import type { MonthKey } from '../kpi/calendar';
import { csiTargetFor } from '../kpi/kpi-targets';
import type { ReadModelProjection } from '../kpi/projection-shape';
import type { ReportingConfig } from '../kpi/reporting-config';
import { csiOf, meanOf, normalizeScores } from './csi';

export const SATISFACTION_SUMMARY_COLLECTION = 'satisfaction_summary';

export interface SurveyResponseFact {
  readonly customerId: string;
  readonly scores: SurveyScores;
  readonly comments: string | null;
  readonly respondent: Respondent;
  readonly dissatisfiedDimensions: readonly SurveyDimension[];
  readonly recordedAt: string;
  readonly correctedAt: string | null;
  readonly correctionReason: string | null;
}

export interface CountermeasureFact {
  readonly countermeasureNo: number;
  readonly customerId: string;
  readonly dimension: SurveyDimension;
  readonly score: number;
  readonly department: string;
  readonly description: string;
  readonly dueDate: string;
  readonly assignedAt: string;
  readonly approvedAt: string | null;
  readonly approvalNote: string | null;
}

export type DissatisfiedItemStatus = 'countermeasure_missing' | 'awaiting_approval' | 'approved';

export interface DissatisfiedItem {
  readonly customerId: string;
  readonly dimension: SurveyDimension;
  readonly score: number;
  readonly countermeasureNo: number | null;
  readonly department: string | null;
  readonly countermeasure: string | null;
  readonly dueDate: string | null;
  readonly approvedAt: string | null;
  readonly status: DissatisfiedItemStatus;
}

export interface CustomerSatisfaction {
  readonly customerId: string;
  readonly scores: SurveyScores;
  /** Mean of the customer's answered scores, unweighted. */
  readonly average: number | null;
  readonly csi: number | null;
}

export interface SatisfactionSummary {
  readonly surveyedCustomers: number;
  readonly responses: number;
  readonly responseRatePercent: number | null;
  readonly dimensionAverages: Readonly<Record<SurveyDimension, number | null>>;
  readonly customers: readonly CustomerSatisfaction[];
  readonly csi: number | null;
  readonly csiTarget: number;
  readonly csiMet: boolean | null;
  readonly benchmark: number | null;
  /** CSI − benchmark; positive means better than the benchmark. */
  readonly csiVersusBenchmark: number | null;
  readonly dissatisfiedItems: readonly DissatisfiedItem[];
  /** Countermeasures for items no longer dissatisfied after a response was corrected. */
  readonly countermeasuresWithoutItem: readonly number[];
}

export interface SatisfactionSummaryDocument {
  readonly _id: string;
  readonly periodId: string;
  readonly year: number;
  readonly periodCode: string;
  readonly issueDate: string;
  /** Month of the issue date: the monthly report shows the period's CSI in this month. */
  readonly month: MonthKey;
  readonly coversFrom: string;
  readonly coversTo: string;
  readonly scale: SurveyScale;
  readonly dissatisfiedBelow: number;
  readonly surveyedCustomerIds: readonly string[];
  readonly excludedCustomers: readonly ExcludedCustomer[];
  /** Sorted by customer id; a corrected response replaces the earlier one. */
  readonly responses: readonly SurveyResponseFact[];
  readonly countermeasures: readonly CountermeasureFact[];
  readonly closedAt: string | null;
  readonly nonRespondentCustomerIds: readonly string[];
  readonly summary: SatisfactionSummary;
}

type SurveyFacts = Omit<SatisfactionSummaryDocument, 'summary'>;

const NO_SUMMARY: SatisfactionSummary = {
  surveyedCustomers: 0,
  responses: 0,
  responseRatePercent: null,
  dimensionAverages: {
    personnel_service: null,
    complaint_handling: null,
    quality: null,
    delivery: null,
    price: null,
  },
  customers: [],
  csi: null,
  csiTarget: 0,
  csiMet: null,
  benchmark: null,
  csiVersusBenchmark: null,
  dissatisfiedItems: [],
  countermeasuresWithoutItem: [],
};

export type SatisfactionConfig = Pick<ReportingConfig, 'csi'>;

const byString = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

export function summarizeSurveyPeriod(facts: SurveyFacts, config: SatisfactionConfig): SatisfactionSummary {
  const weights = config.csi.weights;
  const dimensionAverages = {} as Record<SurveyDimension, number | null>;
  for (const dimension of SURVEY_DIMENSIONS) {
    const scores = facts.responses.flatMap((response) => {
      const score = response.scores[dimension];
      return score === undefined ? [] : [score];
    });
    dimensionAverages[dimension] = meanOf(scores);
  }
  const customers = facts.responses.map((response) => ({
    customerId: response.customerId,
    scores: response.scores,
    average: meanOf(
      SURVEY_DIMENSIONS.flatMap((d) =>
        response.scores[d] === undefined ? [] : [response.scores[d]],
      ),
    ),
    csi: csiOf([response], weights, facts.scale.max),
  }));
  const csi = csiOf(facts.responses, weights, facts.scale.max);
  const csiTarget = csiTargetFor(config, String(facts.year));
  const benchmark = config.csi.benchmark;

  const usedCountermeasures = new Set<number>();
  const dissatisfiedItems: DissatisfiedItem[] = [];
  for (const response of facts.responses) {
    for (const dimension of response.dissatisfiedDimensions) {
      // The latest countermeasure for the item counts (an earlier one may have been replaced).
      const countermeasure = facts.countermeasures
        .filter((c) => c.customerId === response.customerId && c.dimension === dimension)
        .at(-1);
      if (countermeasure !== undefined) usedCountermeasures.add(countermeasure.countermeasureNo);
      dissatisfiedItems.push({
        customerId: response.customerId,
        dimension,
        score: response.scores[dimension] ?? countermeasure?.score ?? 0,
        countermeasureNo: countermeasure?.countermeasureNo ?? null,
        department: countermeasure?.department ?? null,
        countermeasure: countermeasure?.description ?? null,
        dueDate: countermeasure?.dueDate ?? null,
        approvedAt: countermeasure?.approvedAt ?? null,
        status:
          countermeasure === undefined
            ? 'countermeasure_missing'
            : countermeasure.approvedAt === null
              ? 'awaiting_approval'
              : 'approved',
      });
    }
  }
  const surveyedCustomers = facts.surveyedCustomerIds.length;
  return {
    surveyedCustomers,
    responses: facts.responses.length,
    responseRatePercent: surveyedCustomers === 0 ? null : (facts.responses.length * 100) / surveyedCustomers,
    dimensionAverages,
    customers,
    csi,
    csiTarget,
    csiMet: csi === null ? null : csi >= csiTarget,
    benchmark,
    csiVersusBenchmark: csi === null || benchmark === null ? null : csi - benchmark,
    dissatisfiedItems,
    countermeasuresWithoutItem: facts.countermeasures
      .map((c) => c.countermeasureNo)
      .filter((no) => !usedCountermeasures.has(no)),
  };
}

function responseFact(
  data: SurveyResponseData,
  previous: SurveyResponseFact | undefined,
  reason: string | null,
): SurveyResponseFact {
  return {
    customerId: data.customerId,
    scores: normalizeScores(data.scores),
    comments: data.comments,
    respondent: { name: data.respondent.name, title: data.respondent.title },
    dissatisfiedDimensions: SURVEY_DIMENSIONS.filter((d) => data.dissatisfiedDimensions.includes(d)),
    recordedAt: previous?.recordedAt ?? data.occurredAt,
    correctedAt: reason === null ? null : data.occurredAt,
    correctionReason: reason,
  };
}

/** Evolves the facts; the summary is left stale here and recomputed by the caller. */
function evolveFacts(
  facts: SatisfactionSummaryDocument | null,
  event: SurveyEvent,
): SatisfactionSummaryDocument | null {
  if (event.type === 'SurveyIssued') {
    const data = event.data;
    return {
      _id: data.periodId,
      periodId: data.periodId,
      year: data.year,
      periodCode: data.periodCode,
      issueDate: data.issueDate,
      month: data.issueDate.slice(0, 7),
      coversFrom: data.coversFrom,
      coversTo: data.coversTo,
      scale: { min: data.scale.min, max: data.scale.max },
      dissatisfiedBelow: data.dissatisfiedBelow,
      surveyedCustomerIds: data.customers.map((c) => c.customerId).sort(byString),
      excludedCustomers: [...data.excluded]
        .sort((a, b) => byString(a.customerId, b.customerId))
        .map((c) => ({ customerId: c.customerId, relationshipStart: c.relationshipStart, reason: c.reason })),
      responses: [],
      countermeasures: [],
      closedAt: null,
      nonRespondentCustomerIds: [],
      summary: NO_SUMMARY,
    };
  }
  if (facts === null) return null;
  switch (event.type) {
    case 'SurveyResponseRecorded':
    case 'SurveyResponseCorrected': {
      const data = event.data;
      const previous = facts.responses.find((r) => r.customerId === data.customerId);
      const reason = event.type === 'SurveyResponseCorrected' ? event.data.reason : null;
      const responses = [
        ...facts.responses.filter((r) => r.customerId !== data.customerId),
        responseFact(data, previous, reason),
      ];
      return { ...facts, responses: responses.sort((a, b) => byString(a.customerId, b.customerId)) };
    }
    case 'CountermeasureAssigned': {
      const data = event.data;
      const fact: CountermeasureFact = {
        countermeasureNo: data.countermeasureNo,
        customerId: data.customerId,
        dimension: data.dimension,
        score: data.score,
        department: data.department,
        description: data.description,
        dueDate: data.dueDate,
        assignedAt: data.occurredAt,
        approvedAt: null,
        approvalNote: null,
      };
      const countermeasures = [
        ...facts.countermeasures.filter((c) => c.countermeasureNo !== data.countermeasureNo),
        fact,
      ];
      return {
        ...facts,
        countermeasures: countermeasures.sort((a, b) => a.countermeasureNo - b.countermeasureNo),
      };
    }
    case 'CountermeasureApproved': {
      const data = event.data;
      return {
        ...facts,
        countermeasures: facts.countermeasures.map((c) =>
          c.countermeasureNo === data.countermeasureNo
            ? { ...c, approvedAt: data.occurredAt, approvalNote: data.note }
            : c,
        ),
      };
    }
    case 'SurveyPeriodClosed':
      return {
        ...facts,
        closedAt: event.data.occurredAt,
        nonRespondentCustomerIds: [...event.data.nonRespondentCustomerIds].sort(byString),
      };
    default:
      return assertNever(event, 'survey event');
  }
}

export function evolveSatisfactionSummary(
  document: SatisfactionSummaryDocument | null,
  event: SurveyEvent,
  config: SatisfactionConfig,
): SatisfactionSummaryDocument | null {
  // The summary key keeps its place in the document, so stored documents compare byte for byte.
  const next = evolveFacts(document, event);
  return next === null ? null : { ...next, summary: summarizeSurveyPeriod(next, config) };
}

export const SATISFACTION_EVENT_TYPES_PROJECTED: readonly SurveyEventType[] = [
  'SurveyIssued',
  'SurveyResponseRecorded',
  'SurveyResponseCorrected',
  'CountermeasureAssigned',
  'CountermeasureApproved',
  'SurveyPeriodClosed',
];

export function createSatisfactionSummaryProjection(
  config: SatisfactionConfig,
): ReadModelProjection<SatisfactionSummaryDocument, SurveyEvent> {
  return {
    name: SATISFACTION_SUMMARY_COLLECTION,
    eventTypes: SATISFACTION_EVENT_TYPES_PROJECTED,
    documentIds: (event) => [event.data.periodId],
    evolve: (document, event) => evolveSatisfactionSummary(document, event, config),
  };
}

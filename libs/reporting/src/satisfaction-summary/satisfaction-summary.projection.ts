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

/** The summary of a period from its facts, all recomputed (see evolveSatisfactionSummary for the incremental way). */
export function summarizeSurveyPeriod(facts: SurveyFacts, config: SatisfactionConfig): SatisfactionSummary {
  const weights = config.csi.weights;
  const top = facts.scale.max;
  const dissatisfiedItems: DissatisfiedItem[] = [];
  for (const response of facts.responses) {
    if (response.dissatisfiedDimensions.length > 0) dissatisfiedItems.push(...itemsOf(response, facts.countermeasures));
  }
  return summaryOf(
    facts,
    config,
    totalsOf(facts.responses, weights, top),
    facts.responses.map((response) => customerOf(response, weights, top)),
    dissatisfiedItems,
  );
}

/**
 * Running sums of a period's answers, so that a response costs what its own answers cost.
 * Floating-point addition depends on order, and the stored figures must not depend on the order
 * responses came in (a rebuild, a replay and the live run agree byte for byte). So the sums are
 * kept running only while they are exact: every term a multiple of 2⁻¹⁶ and every sum of
 * magnitudes below 2³⁷, so every partial sum is representable and any order gives the one true
 * sum, the same bits as adding in customer order. Otherwise (a weight like 0.3) they are added
 * up again in customer order, as summarizeSurveyPeriod does.
 */
interface Totals {
  /** What the sums were computed with: another config or scale must not reuse them. */
  readonly weights: Readonly<Record<SurveyDimension, number>>;
  readonly top: number;
  /** Per dimension, in SURVEY_DIMENSIONS order. */
  readonly sums: readonly number[];
  readonly counts: readonly number[];
  readonly weightedScores: number;
  readonly totalWeight: number;
  /** Σ |term| over every sum: bounds each partial sum. */
  readonly magnitude: number;
  /** Every term so far is a multiple of 2⁻¹⁶ (and finite). */
  readonly dyadic: boolean;
}

const SCALE = 2 ** 16;
const EXACT_BELOW = 2 ** 37;

const exactTerm = (term: number): boolean => Number.isInteger(term * SCALE);

function totalsOf(
  responses: readonly SurveyResponseFact[],
  weights: Readonly<Record<SurveyDimension, number>>,
  top: number,
): Totals {
  const sums = SURVEY_DIMENSIONS.map(() => 0);
  const counts = SURVEY_DIMENSIONS.map(() => 0);
  let weightedScores = 0;
  let totalWeight = 0;
  let magnitude = 0;
  let dyadic = true;
  for (const response of responses) {
    for (let d = 0; d < SURVEY_DIMENSIONS.length; d++) {
      const dimension = SURVEY_DIMENSIONS[d] as SurveyDimension;
      const score = response.scores[dimension];
      if (score === undefined) continue;
      const weighted = weights[dimension] * score;
      sums[d] = (sums[d] as number) + score;
      counts[d] = (counts[d] as number) + 1;
      weightedScores += weighted;
      totalWeight += weights[dimension];
      magnitude += Math.abs(score) + Math.abs(weighted) + Math.abs(weights[dimension]);
      dyadic &&= exactTerm(score) && exactTerm(weighted) && exactTerm(weights[dimension]);
    }
  }
  return { weights, top, sums, counts, weightedScores, totalWeight, magnitude, dyadic };
}

/** `totals` with one response's answers taken out (`sign` −1) or put in (+1); null when no longer exact. */
function withResponse(totals: Totals, response: SurveyResponseFact, sign: 1 | -1): Totals | null {
  if (!totals.dyadic || !(totals.magnitude < EXACT_BELOW)) return null;
  const sums = [...totals.sums];
  const counts = [...totals.counts];
  let { weightedScores, totalWeight, magnitude } = totals;
  let dyadic = true;
  for (let d = 0; d < SURVEY_DIMENSIONS.length; d++) {
    const dimension = SURVEY_DIMENSIONS[d] as SurveyDimension;
    const score = response.scores[dimension];
    if (score === undefined) continue;
    const weight = totals.weights[dimension];
    const weighted = weight * score;
    sums[d] = (sums[d] as number) + sign * score;
    counts[d] = (counts[d] as number) + sign;
    weightedScores += sign * weighted;
    totalWeight += sign * weight;
    magnitude += sign * (Math.abs(score) + Math.abs(weighted) + Math.abs(weight));
    dyadic &&= exactTerm(score) && exactTerm(weighted) && exactTerm(weight);
  }
  if (!dyadic || !(magnitude < EXACT_BELOW)) return null;
  return { ...totals, sums, counts, weightedScores, totalWeight, magnitude, dyadic };
}

/**
 * Totals of the responses array a document was evolved to, keyed by that array: a document and
 * its successors in a batch (and, with a store that hands back what it was given, in later
 * batches) share it. A miss (a document read from a store that copies) sums the period again.
 */
const totalsByResponses = new WeakMap<readonly SurveyResponseFact[], Totals>();

function summaryOf(
  facts: SurveyFacts,
  config: SatisfactionConfig,
  totals: Totals,
  customers: readonly CustomerSatisfaction[],
  dissatisfiedItems: readonly DissatisfiedItem[],
): SatisfactionSummary {
  const dimensionAverages = {} as Record<SurveyDimension, number | null>;
  SURVEY_DIMENSIONS.forEach((dimension, d) => {
    const count = totals.counts[d] as number;
    dimensionAverages[dimension] = count === 0 ? null : (totals.sums[d] as number) / count;
  });
  const csi =
    totals.totalWeight === 0 || totals.top <= 0
      ? null
      : (totals.weightedScores / totals.totalWeight / totals.top) * 100;
  const csiTarget = csiTargetFor(config, String(facts.year));
  const benchmark = config.csi.benchmark;
  const used = new Set<number>();
  for (const item of dissatisfiedItems) if (item.countermeasureNo !== null) used.add(item.countermeasureNo);
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
      .filter((no) => !used.has(no)),
  };
}

function customerOf(
  response: SurveyResponseFact,
  weights: Readonly<Record<SurveyDimension, number>>,
  top: number,
): CustomerSatisfaction {
  return {
    customerId: response.customerId,
    scores: response.scores,
    average: meanOf(
      SURVEY_DIMENSIONS.flatMap((d) => (response.scores[d] === undefined ? [] : [response.scores[d]])),
    ),
    csi: csiOf([response], weights, top),
  };
}

/** A response's dissatisfied items, each with the latest countermeasure for it (an earlier one may have been replaced). */
function itemsOf(response: SurveyResponseFact, countermeasures: readonly CountermeasureFact[]): DissatisfiedItem[] {
  return response.dissatisfiedDimensions.map((dimension) => {
    let countermeasure: CountermeasureFact | undefined;
    for (let i = countermeasures.length - 1; i >= 0 && countermeasure === undefined; i--) {
      const candidate = countermeasures[i] as CountermeasureFact;
      if (candidate.customerId === response.customerId && candidate.dimension === dimension) countermeasure = candidate;
    }
    return {
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
    };
  });
}

/** First index whose customer id is not below `customerId` (arrays sorted by customer id). */
function lowerBound(items: readonly { readonly customerId: string }[], customerId: string): number {
  let low = 0;
  let high = items.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if ((items[middle] as { customerId: string }).customerId < customerId) low = middle + 1;
    else high = middle;
  }
  return low;
}

function upperBound(items: readonly { readonly customerId: string }[], customerId: string, from: number): number {
  let end = from;
  while (end < items.length && (items[end] as { customerId: string }).customerId === customerId) end++;
  return end;
}

/** `items` with the block of `customerId` (contiguous: items follow the responses' order) replaced. */
function replaceBlock<T extends { readonly customerId: string }>(
  items: readonly T[],
  customerId: string,
  block: readonly T[],
): T[] {
  const from = lowerBound(items, customerId);
  const to = upperBound(items, customerId, from);
  if (to === from && block.length === 0) return items as T[];
  const copy = items.slice();
  copy.splice(from, to - from, ...block);
  return copy;
}

/** A copy of `items` with `removed` items at `at` replaced by `item`. */
function spliced<T>(items: readonly T[], at: number, removed: 0 | 1, item: T): T[] {
  const copy = items.slice();
  copy.splice(at, removed, item);
  return copy;
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
      const at = lowerBound(facts.responses, data.customerId);
      const previous = facts.responses[at]?.customerId === data.customerId ? facts.responses[at] : undefined;
      const reason = event.type === 'SurveyResponseCorrected' ? event.data.reason : null;
      // Sorted by customer id, ids unique: the place of the new fact is where its id sorts.
      const responses = spliced(facts.responses, at, previous === undefined ? 0 : 1, responseFact(data, previous, reason));
      return { ...facts, responses };
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
  if (next === null) return null;
  const summary = document === null ? null : updatedSummary(document, next, event, config);
  const totals = totalsByResponses.get(next.responses);
  if (summary !== null && totals !== undefined) return { ...next, summary };
  const weights = config.csi.weights;
  totalsByResponses.set(next.responses, totalsOf(next.responses, weights, next.scale.max));
  return { ...next, summary: summarizeSurveyPeriod(next, config) };
}

/**
 * The summary of `next` from the one of `document`, touching only what the event changed; null
 * when it cannot tell (no running totals for the document's responses, another config or
 * scale). The totals of `next.responses` are recorded on the way.
 */
function updatedSummary(
  document: SatisfactionSummaryDocument,
  next: SatisfactionSummaryDocument,
  event: SurveyEvent,
  config: SatisfactionConfig,
): SatisfactionSummary | null {
  const weights = config.csi.weights;
  const top = next.scale.max;
  const totals = totalsByResponses.get(document.responses);
  // Only a summary this process computed with these totals is known to match its facts.
  if (totals === undefined || totals.weights !== weights || totals.top !== top || top !== document.scale.max) return null;
  const previous = document.summary;
  switch (event.type) {
    case 'SurveyIssued':
      return null;
    case 'SurveyResponseRecorded':
    case 'SurveyResponseCorrected': {
      const customerId = event.data.customerId;
      const at = lowerBound(next.responses, customerId);
      const response = next.responses[at] as SurveyResponseFact;
      const old = document.responses[at]?.customerId === customerId ? document.responses[at] : undefined;
      const without = old === undefined ? totals : withResponse(totals, old, -1);
      const updated = (without === null ? null : withResponse(without, response, 1)) ?? totalsOf(next.responses, weights, top);
      totalsByResponses.set(next.responses, updated);
      const customers = spliced(previous.customers, at, old === undefined ? 0 : 1, customerOf(response, weights, top));
      const items = replaceBlock(previous.dissatisfiedItems, customerId, itemsOf(response, next.countermeasures));
      return summaryOf(next, config, updated, customers, items);
    }
    case 'CountermeasureAssigned':
    case 'CountermeasureApproved': {
      // Responses unchanged; an assignment may replace a number another customer's item used.
      totalsByResponses.set(next.responses, totals);
      const items: DissatisfiedItem[] = [];
      for (const response of next.responses) {
        if (response.dissatisfiedDimensions.length > 0) items.push(...itemsOf(response, next.countermeasures));
      }
      return summaryOf(next, config, totals, previous.customers, items);
    }
    case 'SurveyPeriodClosed':
      totalsByResponses.set(next.responses, totals);
      return previous;
    default:
      return assertNever(event, 'survey event');
  }
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

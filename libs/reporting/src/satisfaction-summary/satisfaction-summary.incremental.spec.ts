/**
 * The incremental summary against the one it replaced, kept here as the reference: for any
 * history (responses recorded and corrected in any order, countermeasures assigned, replaced and
 * approved, periods closed and issued again; weights and scores exact or not), every document
 * must be the same JSON, whether the previous document came straight from evolve or as a copy
 * read back from a store.
 */
import { assertNever } from '@qms/domain-kernel';
import {
  SURVEY_DIMENSIONS,
  type SurveyDimension,
  type SurveyEvent,
  type SurveyResponseData,
} from '@qms/survey-domain';
import fc from 'fast-check';
import { csiTargetFor } from '../kpi/kpi-targets';
import { resolveReportingConfig } from '../kpi/reporting-config';
import { csiOf, meanOf, normalizeScores } from './csi';
import {
  evolveSatisfactionSummary,
  type CountermeasureFact,
  type DissatisfiedItem,
  type SatisfactionConfig,
  type SatisfactionSummary,
  type SatisfactionSummaryDocument,
  type SurveyResponseFact,
} from './satisfaction-summary.projection';

// ---- The reference: the summary as it was computed before it became incremental (verbatim). ----

type SurveyFacts = Omit<SatisfactionSummaryDocument, 'summary'>;

const NO_SUMMARY: SatisfactionSummary = {
  surveyedCustomers: 0,
  responses: 0,
  responseRatePercent: null,
  dimensionAverages: { personnel_service: null, complaint_handling: null, quality: null, delivery: null, price: null },
  customers: [],
  csi: null,
  csiTarget: 0,
  csiMet: null,
  benchmark: null,
  csiVersusBenchmark: null,
  dissatisfiedItems: [],
  countermeasuresWithoutItem: [],
};

const byString = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

function referenceSummary(facts: SurveyFacts, config: SatisfactionConfig): SatisfactionSummary {
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
function referenceFacts(
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

function referenceEvolve(
  document: SatisfactionSummaryDocument | null,
  event: SurveyEvent,
  config: SatisfactionConfig,
): SatisfactionSummaryDocument | null {
  // The summary key keeps its place in the document, so stored documents compare byte for byte.
  const next = referenceFacts(document, event);
  return next === null ? null : { ...next, summary: referenceSummary(next, config) };
}


// ---- Histories ----

const CUSTOMERS = ['C01', 'C02', 'C03', 'C04', 'C05', 'C06', 'C07', 'C08', 'C09', 'C10', 'C11', 'C12'];
const PERIOD = '2025-H1';

/** Exact (integers, halves, quarters) and inexact (tenths) figures, and any double in range. */
const weight = fc.oneof(
  fc.constantFrom(0, 1, 2, 3, 0.5, 0.25, 1.5),
  fc.constantFrom(0.1, 0.3, 0.7, 1.1),
  fc.double({ min: 0, max: 4, noNaN: true }),
);
const score = (max: number) =>
  fc.oneof(
    { weight: 4, arbitrary: fc.integer({ min: 1, max }) },
    { weight: 1, arbitrary: fc.constantFrom(1.5, 2.5, 4.25) },
    { weight: 1, arbitrary: fc.double({ min: 1, max, noNaN: true }) },
  );
const scores = (max: number) =>
  fc.record(
    Object.fromEntries(SURVEY_DIMENSIONS.map((dimension) => [dimension, score(max)])) as Record<
      SurveyDimension,
      fc.Arbitrary<number>
    >,
    { requiredKeys: [] },
  );

type Step =
  | { kind: 'respond'; customer: string; scores: Partial<Record<SurveyDimension, number>>; correct: boolean }
  | { kind: 'assign'; no: number; customer: string; dimension: SurveyDimension; score: number }
  | { kind: 'approve'; no: number }
  | { kind: 'close' }
  | { kind: 'reissue' }
  /** The next event starts from a copy of the document, as a store that copies hands it back. */
  | { kind: 'reload' };

const step = (max: number): fc.Arbitrary<Step> =>
  fc.oneof(
    { weight: 12, arbitrary: fc.record({ kind: fc.constant('respond' as const), customer: fc.constantFrom(...CUSTOMERS), scores: scores(max), correct: fc.boolean() }) },
    { weight: 3, arbitrary: fc.record({ kind: fc.constant('assign' as const), no: fc.integer({ min: 1, max: 6 }), customer: fc.constantFrom(...CUSTOMERS), dimension: fc.constantFrom(...SURVEY_DIMENSIONS), score: fc.integer({ min: 1, max: 2 }) }) },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant('approve' as const), no: fc.integer({ min: 1, max: 6 }) }) },
    { weight: 1, arbitrary: fc.constant({ kind: 'close' as const }) },
    { weight: 1, arbitrary: fc.constant({ kind: 'reissue' as const }) },
    { weight: 2, arbitrary: fc.constant({ kind: 'reload' as const }) },
  );

function issuedEvent(max: number): SurveyEvent {
  return {
    type: 'SurveyIssued',
    data: {
      periodId: PERIOD,
      year: 2025,
      periodCode: 'H1',
      issueDate: '2025-06-01',
      coversFrom: '2025-01-01',
      coversTo: '2025-06-30',
      customers: CUSTOMERS.slice(0, 10).map((customerId) => ({ customerId, relationshipStart: '2020-01-01' })),
      excluded: [],
      scale: { min: 1, max },
      dissatisfiedBelow: 3,
      occurredAt: '2025-06-01T01:00:00.000Z',
    },
  };
}

function eventOf(item: Exclude<Step, { kind: 'reload' }>, index: number, max: number): SurveyEvent {
  const occurredAt = new Date(Date.UTC(2025, 5, 2) + index * 60_000).toISOString();
  switch (item.kind) {
    case 'respond': {
      const data = {
        periodId: PERIOD,
        customerId: item.customer,
        scores: item.scores,
        comments: null,
        respondent: { name: 'buyer', title: null },
        scaleMin: 1,
        topOfScale: max,
        dissatisfiedDimensions: SURVEY_DIMENSIONS.filter((d) => (item.scores[d] ?? 5) < 3).reverse(),
        occurredAt,
      };
      return item.correct
        ? { type: 'SurveyResponseCorrected', data: { ...data, reason: 'typo' } }
        : { type: 'SurveyResponseRecorded', data };
    }
    case 'assign':
      return {
        type: 'CountermeasureAssigned',
        data: { periodId: PERIOD, countermeasureNo: item.no, customerId: item.customer, dimension: item.dimension, score: item.score, department: 'quality', description: `fix ${index}`, dueDate: '2025-07-31', occurredAt },
      };
    case 'approve':
      return {
        type: 'CountermeasureApproved',
        data: { periodId: PERIOD, countermeasureNo: item.no, customerId: 'C01', dimension: 'quality', note: null, occurredAt },
      };
    case 'close':
      return {
        type: 'SurveyPeriodClosed',
        data: { periodId: PERIOD, respondedCustomerIds: [], nonRespondentCustomerIds: ['C09', 'C02'], countermeasureCount: 0, occurredAt },
      };
    case 'reissue':
      return issuedEvent(max);
    default:
      return assertNever(item, 'step');
  }
}

const copy = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

describe('satisfaction summary, incremental', () => {
  it('stores exactly what re-summarising the whole period stored, for any history', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(5, 10),
        fc.record(Object.fromEntries(SURVEY_DIMENSIONS.map((d) => [d, weight])) as Record<SurveyDimension, fc.Arbitrary<number>>),
        fc.boolean(),
        fc.integer({ min: 5, max: 10 }).chain((max) => fc.array(step(max), { maxLength: 60 })),
        (max, weights, anyWeightPositive, steps) => {
          const config = resolveReportingConfig({ csi: { weights: anyWeightPositive ? { ...weights, quality: 1 } : weights, benchmark: 80 } });
          let reference = referenceEvolve(null, issuedEvent(max), config);
          let document = evolveSatisfactionSummary(null, issuedEvent(max), config);
          expect(JSON.stringify(document)).toBe(JSON.stringify(reference));
          steps.forEach((item, index) => {
            if (item.kind === 'reload') {
              document = copy(document);
              return;
            }
            const event = eventOf(item, index, max);
            reference = referenceEvolve(reference, event, config);
            document = evolveSatisfactionSummary(document, event, config);
            expect(JSON.stringify(document)).toBe(JSON.stringify(reference));
          });
        },
      ),
      { numRuns: 300 },
    );
  });

  it('adds up in customer order where the sums are not exact', () => {
    // 1.1 + 1.3 + 1.7 in one order is not 1.7 + 1.3 + 1.1: responses arriving in reverse order
    // must still give the figures of the period summed by customer.
    const config = resolveReportingConfig({ csi: { weights: { quality: 1 } } });
    const respond = (customer: string, quality: number, index: number) =>
      eventOf({ kind: 'respond', customer, scores: { quality }, correct: false }, index, 5);
    const events = [respond('C03', 1.7, 1), respond('C02', 1.3, 2), respond('C01', 1.1, 3)];
    let reference = referenceEvolve(null, issuedEvent(5), config);
    let document = evolveSatisfactionSummary(null, issuedEvent(5), config);
    for (const event of events) {
      reference = referenceEvolve(reference, event, config);
      document = evolveSatisfactionSummary(document, event, config);
    }
    expect((1.1 + 1.3 + 1.7) / 3).not.toBe((1.7 + 1.3 + 1.1) / 3);
    expect(document?.summary.dimensionAverages.quality).toBe((1.1 + 1.3 + 1.7) / 3);
    expect(JSON.stringify(document)).toBe(JSON.stringify(reference));
  });
});

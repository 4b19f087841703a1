import type { SatisfactionSummaryDocument } from '@qms/reporting';
import { SURVEY_DIMENSIONS } from '@qms/survey-domain';
import { z } from 'zod';
import { answer, calendarDate, count, describing, instant, keyed, logPosition, monthKey, partlyKeyed } from '../../http/response-schemas';
import { ReadModelStandingAnswer } from '../read-side.answers';

const score = () => z.number();
const scores = () => partlyKeyed(SURVEY_DIMENSIONS, score()).meta({ description: 'A dimension the customer left unanswered is absent' });

const summaryDocument = describing<SatisfactionSummaryDocument>()(
  z.strictObject({
    _id: z.string(),
    periodId: z.string().meta({ example: '2026-H1' }),
    year: z.int(),
    periodCode: z.string(),
    issueDate: calendarDate(),
    month: monthKey(),
    coversFrom: calendarDate(),
    coversTo: calendarDate(),
    scale: z.strictObject({ min: z.number(), max: z.number() }),
    dissatisfiedBelow: z.number(),
    surveyedCustomerIds: z.array(z.string()),
    excludedCustomers: z.array(z.strictObject({ customerId: z.string(), relationshipStart: calendarDate(), reason: z.enum(['regular_contact']) })),
    responses: z.array(
      z.strictObject({
        customerId: z.string(),
        scores: scores(),
        comments: z.string().nullable(),
        respondent: z.strictObject({ name: z.string(), title: z.string().nullable() }),
        dissatisfiedDimensions: z.array(z.enum(SURVEY_DIMENSIONS)),
        recordedAt: instant(),
        correctedAt: instant().nullable(),
        correctionReason: z.string().nullable(),
      }),
    ),
    countermeasures: z.array(
      z.strictObject({
        countermeasureNo: z.int().min(1),
        customerId: z.string(),
        dimension: z.enum(SURVEY_DIMENSIONS),
        score: score(),
        department: z.string(),
        description: z.string(),
        dueDate: calendarDate(),
        assignedAt: instant(),
        approvedAt: instant().nullable(),
        approvalNote: z.string().nullable(),
      }),
    ),
    closedAt: instant().nullable(),
    nonRespondentCustomerIds: z.array(z.string()),
    summary: z.strictObject({
      surveyedCustomers: count(),
      responses: count(),
      responseRatePercent: z.number().nullable(),
      dimensionAverages: keyed(SURVEY_DIMENSIONS, z.number().nullable()),
      customers: z.array(z.strictObject({ customerId: z.string(), scores: scores(), average: z.number().nullable(), csi: z.number().nullable() })),
      csi: z.number().nullable(),
      csiTarget: z.number(),
      csiMet: z.boolean().nullable(),
      benchmark: z.number().nullable(),
      csiVersusBenchmark: z.number().nullable(),
      dissatisfiedItems: z.array(
        z.strictObject({
          customerId: z.string(),
          dimension: z.enum(SURVEY_DIMENSIONS),
          score: score(),
          countermeasureNo: z.int().min(1).nullable(),
          department: z.string().nullable(),
          countermeasure: z.string().nullable(),
          dueDate: calendarDate().nullable(),
          approvedAt: instant().nullable(),
          status: z.enum(['countermeasure_missing', 'awaiting_approval', 'approved']),
        }),
      ),
      countermeasuresWithoutItem: z.array(z.int().min(1)),
    }),
  }),
);

export const SatisfactionSummaryAnswer = answer(
  'SatisfactionSummaryOfPeriod',
  z.strictObject({
    position: logPosition(),
    readModel: ReadModelStandingAnswer,
    summary: summaryDocument,
  }),
  'The satisfaction summary of a survey period (客户满意度调查汇总分析表)',
);

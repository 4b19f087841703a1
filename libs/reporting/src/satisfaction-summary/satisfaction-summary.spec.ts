import type { SurveyEvent } from '@qms/survey-domain';
import { survey as s } from '../kpi/__fixtures__/events';
import { resolveReportingConfig, type ReportingConfigInput } from '../kpi/reporting-config';
import { csiOf } from './csi';
import {
  createSatisfactionSummaryProjection,
  type SatisfactionSummaryDocument,
} from './satisfaction-summary.projection';

function summarize(events: SurveyEvent[], input: ReportingConfigInput = {}): SatisfactionSummaryDocument {
  const projection = createSatisfactionSummaryProjection(resolveReportingConfig(input));
  let document: SatisfactionSummaryDocument | null = null;
  for (const event of events) document = projection.evolve(document, event);
  if (document === null) throw new Error('no document');
  return document;
}

const P = '2025-H2';
const issued = s.issued(P, '2025-12-01', ['A', 'B', 'C']);
const A_SCORES = { personnel_service: 4, complaint_handling: 5, quality: 3, delivery: 5, price: 4 };
// Listed out of dimension order on purpose.
const B_SCORES = { quality: 2, delivery: 4, personnel_service: 5, complaint_handling: 4 };
const a = s.responded(P, 'A', A_SCORES, '2025-12-05T01:00:00.000Z');
const b = s.responded(P, 'B', B_SCORES, '2025-12-06T01:00:00.000Z');

describe('satisfaction summary', () => {
  it('averages per dimension and per customer', () => {
    const { summary } = summarize([issued, a, b]);
    expect(summary.dimensionAverages).toEqual({
      personnel_service: (4 + 5) / 2,
      complaint_handling: (5 + 4) / 2,
      quality: (3 + 2) / 2,
      delivery: (5 + 4) / 2,
      price: 4 / 1, // B left price unanswered
    });
    expect(summary.customers).toEqual([
      { customerId: 'A', scores: A_SCORES, average: 21 / 5, csi: (21 / 5 / 5) * 100 },
      // Keys stored in dimension order whatever order the response listed them in.
      {
        customerId: 'B',
        scores: { personnel_service: 5, complaint_handling: 4, quality: 2, delivery: 4 },
        average: 15 / 4,
        csi: (15 / 4 / 5) * 100,
      },
    ]);
    expect(Object.keys(summary.customers[1]?.scores ?? {})).toEqual([
      'personnel_service',
      'complaint_handling',
      'quality',
      'delivery',
    ]);
    expect(summary.responseRatePercent).toBe((2 * 100) / 3); // C has not answered
  });

  it('computes CSI = Σ wᵢ·scoreᵢ ÷ Σ wᵢ ÷ top × 100 against target and benchmark', () => {
    // Equal weights: (21 + 15) ÷ 9 ÷ 5 × 100 = 80.
    const equal = summarize([issued, a, b], { csi: { benchmark: 78 } }).summary;
    expect(equal.csi).toBe(((21 + 15) / 9 / 5) * 100);
    expect(equal).toMatchObject({
      csiTarget: 95,
      csiMet: false,
      benchmark: 78,
      csiVersusBenchmark: ((21 + 15) / 9 / 5) * 100 - 78,
    });
    // Quality weighted 3: Σ w·s = 21 + 15 + 2·(3 + 2) = 46; Σ w = 9 + 2·2 = 13.
    const weighted = summarize([issued, a, b], {
      csi: { weights: { quality: 3 }, targetByYear: { '2025': 70 } },
    }).summary;
    expect(weighted.csi).toBe((46 / 13 / 5) * 100);
    expect(weighted).toMatchObject({ csiTarget: 70, csiMet: true });
    expect(csiOf([], resolveReportingConfig().csi.weights, 5)).toBeNull();
  });

  it('lists dissatisfied items with their countermeasure and approval', () => {
    const assigned = s.countermeasure(P, 1, 'B', 'quality', 2, '2025-12-10T01:00:00.000Z');
    expect(summarize([issued, a, b]).summary.dissatisfiedItems).toEqual([
      expect.objectContaining({
        customerId: 'B',
        dimension: 'quality',
        score: 2,
        status: 'countermeasure_missing',
      }),
    ]);
    expect(summarize([issued, a, b, assigned]).summary.dissatisfiedItems[0]).toMatchObject({
      countermeasureNo: 1,
      department: 'quality',
      status: 'awaiting_approval',
    });
    const approved = summarize([
      issued,
      a,
      b,
      assigned,
      s.approved(P, 1, 'B', 'quality', '2025-12-11T01:00:00.000Z'),
    ]);
    expect(approved.summary.dissatisfiedItems[0]).toMatchObject({
      status: 'approved',
      approvedAt: '2025-12-11T01:00:00.000Z',
    });
  });

  it('a corrected response replaces the earlier one', () => {
    const recorded = s.responded(P, 'B', { ...B_SCORES, quality: 4 }, '2025-12-08T01:00:00.000Z');
    const correction = {
      type: 'SurveyResponseCorrected',
      data: { ...recorded.data, reason: 'typo' },
    } as SurveyEvent;
    const document = summarize([issued, a, b, correction]);
    expect(document.responses.map((r) => r.customerId)).toEqual(['A', 'B']);
    expect(document.responses[1]).toMatchObject({
      correctionReason: 'typo',
      recordedAt: '2025-12-06T01:00:00.000Z',
    });
    expect(document.summary.dissatisfiedItems).toEqual([]);
    expect(document.month).toBe('2025-12');
  });
});

import { SURVEY_DIMENSIONS, type SurveyDimension, type SurveyScores } from './events';

export type DimensionWeights = Readonly<Record<SurveyDimension, number>>;

export const EQUAL_WEIGHTS: DimensionWeights = Object.fromEntries(
  SURVEY_DIMENSIONS.map((d) => [d, 1]),
) as DimensionWeights;

/**
 * Customer satisfaction index (DESIGN §8): Σ wᵢ·scoreᵢ ÷ Σ wᵢ ÷ top of scale × 100, over every
 * answered dimension of every response; unanswered dimensions count neither score nor weight.
 * Full precision: rounding is for display. Null when nothing was scored (or all weights are 0).
 */
export function computeCsi(
  responses: readonly { readonly scores: SurveyScores }[],
  weights: DimensionWeights | undefined,
  topOfScale: number,
): number | null {
  if (!(Number.isFinite(topOfScale) && topOfScale > 0))
    throw new RangeError('topOfScale must be a positive number');
  const w = weights ?? EQUAL_WEIGHTS;
  for (const dimension of SURVEY_DIMENSIONS) {
    if (!(Number.isFinite(w[dimension]) && w[dimension] >= 0))
      throw new RangeError(`weight of ${dimension} must be ≥ 0`);
  }
  let weighted = 0;
  let totalWeight = 0;
  for (const response of responses) {
    for (const dimension of SURVEY_DIMENSIONS) {
      const score = response.scores[dimension];
      if (score === undefined) continue;
      weighted += w[dimension] * score;
      totalWeight += w[dimension];
    }
  }
  return totalWeight === 0 ? null : (weighted / totalWeight / topOfScale) * 100;
}

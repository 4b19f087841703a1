import { SURVEY_DIMENSIONS, type SurveyDimension, type SurveyScores } from '@qms/survey-domain';

/**
 * CSI = Σ wᵢ·scoreᵢ ÷ Σ wᵢ ÷ top of scale × 100 over every answered (response, dimension) pair;
 * an unanswered dimension is left out of both sums. Null when nothing weighted was answered.
 * Computed in exactly that order so hand-computed figures match to the last bit.
 */
export function csiOf(
  responses: readonly { readonly scores: SurveyScores }[],
  weights: Readonly<Record<SurveyDimension, number>>,
  topOfScale: number,
): number | null {
  let weightedScores = 0;
  let totalWeight = 0;
  for (const response of responses) {
    for (const dimension of SURVEY_DIMENSIONS) {
      const score = response.scores[dimension];
      if (score === undefined) continue;
      weightedScores += weights[dimension] * score;
      totalWeight += weights[dimension];
    }
  }
  if (totalWeight === 0 || topOfScale <= 0) return null;
  return (weightedScores / totalWeight / topOfScale) * 100;
}

/** Mean of the answered scores, unweighted; null when none. */
export function meanOf(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  let sum = 0;
  for (const value of values) sum += value;
  return sum / values.length;
}

/** Scores with keys in SURVEY_DIMENSIONS order, so stored documents do not depend on input order. */
export function normalizeScores(scores: SurveyScores): SurveyScores {
  const normalized: Partial<Record<SurveyDimension, number>> = {};
  for (const dimension of SURVEY_DIMENSIONS) {
    const score = scores[dimension];
    if (score !== undefined) normalized[dimension] = score;
  }
  return normalized;
}

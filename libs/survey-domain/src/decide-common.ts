import { type DecisionContext, IllegalStateError, NotFoundError, ValidationError } from '@qms/domain-kernel';
import type { IssuedSurveyState, SurveyState } from './state';
import { businessTime } from '@qms/domain-kernel';

export function requireIssued(state: SurveyState, periodId: string): IssuedSurveyState {
  if (state.status === 'none') throw new NotFoundError(`No survey was issued for period ${periodId}`);
  if (state.periodId !== periodId)
    throw new IllegalStateError(`Command for period ${periodId} was decided against ${state.periodId}`);
  return state;
}

export function requireOpen(state: IssuedSurveyState, step: string): void {
  if (state.status === 'closed')
    throw new IllegalStateError(`Survey period ${state.periodId} is closed: cannot ${step}`);
}

/** Business time after the issue: not in the future and not before the survey went out. */
export function stepTime(
  occurredAt: string | undefined,
  context: DecisionContext,
  state: IssuedSurveyState,
): string {
  const time = businessTime(occurredAt, context.now);
  if (time < state.issuedAt)
    throw ValidationError.field('occurredAt', `is before the survey was issued (${state.issuedAt})`);
  return time;
}

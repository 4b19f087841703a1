import { type DecisionContext, IllegalStateError, NotFoundError, ValidationError } from '@qms/domain-kernel';
import type { ReturnState, ReceivedReturnState } from './state';
import { businessTime } from '@qms/domain-kernel';

export function requireReceived(state: ReturnState, returnId: string): ReceivedReturnState {
  if (state.status === 'none') throw new NotFoundError(`Return ${returnId} has not been received`);
  if (state.returnId !== returnId) {
    throw new IllegalStateError(
      `Command for return ${returnId} was decided against return ${state.returnId}`,
    );
  }
  return state;
}

/** Business time of a step after receipt: not in the future and not before the goods arrived. */
export function stepTime(
  occurredAt: string | undefined,
  context: DecisionContext,
  state: ReceivedReturnState,
): string {
  const time = businessTime(occurredAt, context.now);
  if (time < state.receivedAt) {
    throw ValidationError.field('occurredAt', `is before the return was received (${state.receivedAt})`);
  }
  return time;
}

export function base(state: ReceivedReturnState, occurredAt: string) {
  return { returnId: state.returnId, customerId: state.customerId, occurredAt };
}

import type { Decider, Role } from '@qms/domain-kernel';
import type { ReturnCommand, ReturnCommandType } from './commands';
import { decideReturn } from './decide';
import type { ReturnEvent } from './events';
import { RETURN_COMMAND_ROLES } from './roles';
import { evolveReturn, initialReturnState, type ReturnState } from './state';

export interface ReturnDeciderConfig {
  /** Overrides who may send which command (DESIGN §3 defaults in RETURN_COMMAND_ROLES). */
  readonly roles?: Partial<Record<ReturnCommandType, readonly Role[]>>;
}

export type ReturnDecider = Decider<ReturnCommand, ReturnEvent, ReturnState>;

export function createReturnDecider(config: ReturnDeciderConfig = {}): ReturnDecider {
  const roles = { ...RETURN_COMMAND_ROLES, ...config.roles };
  return {
    initialState: initialReturnState,
    evolve: evolveReturn,
    decide: (command, state, context) => decideReturn(command, state, context, roles),
  };
}

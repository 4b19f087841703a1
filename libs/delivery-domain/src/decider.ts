import type { Decider, Role } from '@qms/domain-kernel';
import type { DeliveryCommand, DeliveryCommandType } from './commands';
import { decideDelivery } from './decide';
import type { DeliveryEvent } from './events';
import { DELIVERY_COMMAND_ROLES } from './roles';
import { type DeliveryState, evolveDelivery, initialDeliveryState } from './state';

export interface DeliveryDeciderConfig {
  readonly roles?: Partial<Record<DeliveryCommandType, readonly Role[]>>;
}

export type DeliveryDecider = Decider<DeliveryCommand, DeliveryEvent, DeliveryState>;

export function createDeliveryDecider(config: DeliveryDeciderConfig = {}): DeliveryDecider {
  const roles = { ...DELIVERY_COMMAND_ROLES, ...config.roles };
  return {
    initialState: initialDeliveryState,
    evolve: evolveDelivery,
    decide: (command, state, context) => decideDelivery(command, state, context, roles),
  };
}

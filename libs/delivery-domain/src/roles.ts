import type { Role } from '@qms/domain-kernel';
import type { DeliveryCommandType } from './commands';

/** Sales records deliveries (DESIGN §3); planning owns the shipping schedule and may too. */
export const DELIVERY_COMMAND_ROLES: Readonly<Record<DeliveryCommandType, readonly Role[]>> = {
  RecordDelivery: ['sales', 'planning'],
  CorrectDelivery: ['sales', 'planning'],
};

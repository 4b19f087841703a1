import {
  DEFAULT_DEADLINE_POLICY,
  type DeadlinePolicyConfig,
  type DeadlinePolicyOverride,
  validatePolicyConfig,
} from '@qms/complaint-domain';
import { ValidationError } from '@qms/domain-kernel';
import { type AppConfig, ConfigurationError } from './app-config';

export const DEADLINE_POLICY = Symbol('DEADLINE_POLICY');

/** `deadlines` of QMS_POLICY_FILE: `{ default?: partial policy, customers?: { [customerId]: override } }`. */
export function deadlinePolicyFrom(config: AppConfig): DeadlinePolicyConfig {
  const section = (config.policy['deadlines'] ?? {}) as { default?: DeadlinePolicyOverride; customers?: Record<string, DeadlinePolicyOverride> };
  const base = section.default ?? {};
  const policy: DeadlinePolicyConfig = {
    default: {
      ...DEFAULT_DEADLINE_POLICY,
      ...base,
      id: base.id ?? DEFAULT_DEADLINE_POLICY.id,
      bySeverity: { ...DEFAULT_DEADLINE_POLICY.bySeverity, ...base.bySeverity },
      calendar: { ...DEFAULT_DEADLINE_POLICY.calendar, ...base.calendar },
    },
    ...(section.customers ? { customers: section.customers } : {}),
  };
  try {
    validatePolicyConfig(policy);
  } catch (error) {
    if (error instanceof ValidationError) throw new ConfigurationError(`QMS_POLICY_FILE deadlines: ${error.message}.`);
    throw error;
  }
  return policy;
}

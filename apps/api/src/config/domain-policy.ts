import { DEFAULT_DEADLINE_POLICY, type DeadlinePolicyConfig, validatePolicyConfig } from '@qms/complaint-domain';
import { ValidationError } from '@qms/domain-kernel';
import type { AppConfig } from './app-config';
import { ConfigurationError } from './configuration-error';

export const DEADLINE_POLICY = Symbol('DEADLINE_POLICY');

/**
 * `deadlines` of QMS_POLICY_FILE: `{ default?: partial policy, customers?: { [customerId]: override } }`.
 * The file's shape is checked by its schema; rules across fields (time zones, calendars) by the domain.
 */
export function deadlinePolicyFrom(config: AppConfig): DeadlinePolicyConfig {
  const section = config.policy.deadlines ?? {};
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
    if (error instanceof ValidationError) {
      const problems = error.fieldErrors.map((problem) => `deadlines.${problem.field}: ${problem.message}`).join('; ');
      throw new ConfigurationError(`QMS_POLICY_FILE: ${problems}`);
    }
    throw error;
  }
  return policy;
}

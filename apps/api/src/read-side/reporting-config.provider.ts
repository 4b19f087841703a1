import { resolveReportingConfig, type ReportingConfig } from '@qms/reporting';
import type { DeadlinePolicyConfig } from '@qms/complaint-domain';
import type { AppConfig } from '../config/app-config';
import { ConfigurationError, oneLine } from '../config/configuration-error';

export const REPORTING_CONFIG = Symbol('REPORTING_CONFIG');

/**
 * `reporting` of QMS_POLICY_FILE (time zone, KPI targets, repeat and on-time windows, CSI). Months
 * are cut in the deadline policy's zone unless the report names its own, so reports and deadlines agree.
 */
export function reportingConfigFrom(config: AppConfig, deadlines: DeadlinePolicyConfig): ReportingConfig {
  const input = config.policy.reporting ?? {};
  try {
    return resolveReportingConfig({ timeZone: deadlines.default.timeZone, ...input });
  } catch (error) {
    throw new ConfigurationError(oneLine(`QMS_POLICY_FILE: reporting: ${(error as Error).message}`));
  }
}

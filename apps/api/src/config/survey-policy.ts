import {
  HALF_YEARLY_SURVEY_CALENDAR,
  QUARTERLY_SURVEY_CALENDAR,
  resolveSurveyConfig,
  type SurveyCalendar,
  type SurveyConfig,
  type SurveyedCustomer,
} from '@qms/survey-domain';
import type { AppConfig } from './app-config';
import { ConfigurationError, oneLine } from './configuration-error';

export const SURVEY_POLICY = Symbol('SURVEY_POLICY');

export interface SurveyPolicy {
  readonly config: SurveyConfig;
  /**
   * The customer list with relationship starts, used when an IssueSurvey request names none.
   * A request's own list wins: the list belongs to sales' CRM, not to this service.
   */
  readonly customers: readonly SurveyedCustomer[];
}

const NAMED_CALENDARS: Readonly<Record<'half-yearly' | 'quarterly', SurveyCalendar>> = {
  'half-yearly': HALF_YEARLY_SURVEY_CALENDAR,
  quarterly: QUARTERLY_SURVEY_CALENDAR,
};

/**
 * `surveys` of QMS_POLICY_FILE, every key optional (the domain's defaults: half-yearly, scale 1–5,
 * dissatisfied below 3, countermeasures approved before closing):
 * `{ calendar?: "half-yearly" | "quarterly" | { periods: [{ code, coversFromMonth, coversToMonth, issueMonthDay }] },
 *    scale?: { min, max }, dissatisfiedBelow?, requireApprovedCountermeasures?,
 *    customers?: [{ customerId, relationshipStart: "YYYY-MM-DD" }] }`.
 * The shape is checked by the file's schema; the scale and calendar rules by the domain.
 */
export function surveyPolicyFrom(config: AppConfig): SurveyPolicy {
  const { calendar, customers, ...rest } = config.policy.surveys ?? {};
  let resolved: SurveyConfig;
  try {
    resolved = resolveSurveyConfig({
      ...rest,
      ...(calendar !== undefined ? { calendar: typeof calendar === 'string' ? NAMED_CALENDARS[calendar] : calendar } : {}),
    });
  } catch (error) {
    throw new ConfigurationError(oneLine(`QMS_POLICY_FILE: surveys: ${(error as Error).message}`));
  }
  return { config: resolved, customers: customers ?? [] };
}

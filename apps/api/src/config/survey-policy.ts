import { isCalendarDate } from '@qms/domain-kernel';
import {
  HALF_YEARLY_SURVEY_CALENDAR,
  QUARTERLY_SURVEY_CALENDAR,
  resolveSurveyConfig,
  type SurveyCalendar,
  type SurveyConfig,
  type SurveyConfigInput,
  type SurveyedCustomer,
} from '@qms/survey-domain';
import { type AppConfig, ConfigurationError } from './app-config';

export const SURVEY_POLICY = Symbol('SURVEY_POLICY');

export interface SurveyPolicy {
  readonly config: SurveyConfig;
  /**
   * The customer list with relationship starts, used when an IssueSurvey request names none.
   * A request's own list wins: the list belongs to sales' CRM, not to this service.
   */
  readonly customers: readonly SurveyedCustomer[];
}

const KNOWN_KEYS = ['calendar', 'scale', 'dissatisfiedBelow', 'requireApprovedCountermeasures', 'customers'];

const NAMED_CALENDARS: Readonly<Record<string, SurveyCalendar>> = {
  'half-yearly': HALF_YEARLY_SURVEY_CALENDAR,
  quarterly: QUARTERLY_SURVEY_CALENDAR,
};

/**
 * `surveys` of QMS_POLICY_FILE, every key optional (the domain's defaults: half-yearly, scale 1–5,
 * dissatisfied below 3, countermeasures approved before closing):
 * `{ calendar?: "half-yearly" | "quarterly" | { periods: [{ code, coversFromMonth, coversToMonth, issueMonthDay }] },
 *    scale?: { min, max }, dissatisfiedBelow?, requireApprovedCountermeasures?,
 *    customers?: [{ customerId, relationshipStart: "YYYY-MM-DD" }] }`.
 */
export function surveyPolicyFrom(config: AppConfig): SurveyPolicy {
  const section = config.policy['surveys'] ?? {};
  if (typeof section !== 'object' || section === null || Array.isArray(section)) {
    throw new ConfigurationError(
      'QMS_POLICY_FILE surveys must be an object such as { "calendar": "quarterly" }.',
    );
  }
  const unknown = Object.keys(section).filter((key) => !KNOWN_KEYS.includes(key));
  if (unknown.length > 0)
    throw new ConfigurationError(
      `QMS_POLICY_FILE surveys has unknown keys ${unknown.join(', ')}; known: ${KNOWN_KEYS.join(', ')}.`,
    );
  const { calendar, customers, ...rest } = section as Record<string, unknown>;
  if (
    rest['requireApprovedCountermeasures'] !== undefined &&
    typeof rest['requireApprovedCountermeasures'] !== 'boolean'
  ) {
    throw new ConfigurationError(
      'QMS_POLICY_FILE surveys.requireApprovedCountermeasures must be true or false.',
    );
  }
  const input = {
    ...rest,
    ...(calendar !== undefined ? { calendar: calendarOf(calendar) } : {}),
  } as SurveyConfigInput;
  let resolved: SurveyConfig;
  try {
    resolved = resolveSurveyConfig(input);
  } catch (error) {
    throw new ConfigurationError(`QMS_POLICY_FILE surveys: ${(error as Error).message}.`);
  }
  return { config: resolved, customers: customersOf(customers) };
}

function calendarOf(value: unknown): SurveyCalendar {
  if (typeof value === 'string') {
    const named = NAMED_CALENDARS[value];
    if (named === undefined) {
      throw new ConfigurationError(
        `QMS_POLICY_FILE surveys.calendar is "${value}"; use ${Object.keys(NAMED_CALENDARS).join(' or ')}, or { "periods": [...] }.`,
      );
    }
    return named;
  }
  if (
    typeof value !== 'object' ||
    value === null ||
    !Array.isArray((value as { periods?: unknown }).periods)
  ) {
    throw new ConfigurationError(
      'QMS_POLICY_FILE surveys.calendar needs "half-yearly", "quarterly" or { "periods": [...] }.',
    );
  }
  return value as SurveyCalendar;
}

function customersOf(value: unknown): SurveyedCustomer[] {
  if (value === undefined) return [];
  if (!Array.isArray(value))
    throw new ConfigurationError(
      'QMS_POLICY_FILE surveys.customers must be a list of { customerId, relationshipStart }.',
    );
  return value.map((entry: unknown, index) => {
    const customer = entry as Partial<Record<keyof SurveyedCustomer, unknown>> | null;
    if (
      typeof customer?.customerId !== 'string' ||
      customer.customerId.trim() === '' ||
      !isCalendarDate(customer.relationshipStart)
    ) {
      throw new ConfigurationError(
        `QMS_POLICY_FILE surveys.customers[${index}] needs a customerId and a relationshipStart YYYY-MM-DD.`,
      );
    }
    return { customerId: customer.customerId, relationshipStart: customer.relationshipStart };
  });
}

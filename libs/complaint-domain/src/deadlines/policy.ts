/**
 * The time-limit policy of §6.4, configurable and overridable per customer (DESIGN §4).
 *
 * - `fixed` (this procedure): action reply within `actionReplyWorkingDays` working days.
 * - `by_severity` (another procedure): handling within `bySeverity.urgentDays` /
 *   `bySeverity.normalDays` days, counted in working or calendar days.
 * Either way the day count starts the local day after receipt and the deadline is the end
 * (23:59:59.999 local) of the last day; a customer-required deadline replaces it.
 */
import { ValidationError, type FieldError } from '@qms/domain-kernel';
import { isValidTimeZone, parseLocalDate } from './time-zone';

export interface WorkingCalendar {
  /** 0 = Sunday … 6 = Saturday. */
  readonly weekendDays: readonly number[];
  /** Local dates `YYYY-MM-DD` that are not worked. */
  readonly holidays: readonly string[];
  /** Weekend dates that are worked (make-up working days, e.g. China's 调休). */
  readonly extraWorkingDays: readonly string[];
}

export type DeadlineVariant = 'fixed' | 'by_severity';
export type DayCount = 'working_days' | 'calendar_days';

export interface DeadlinePolicy {
  /** Written on each complaint so that reports can tell which policy a deadline came from. */
  readonly id: string;
  readonly containmentHours: number;
  readonly actionReplyWorkingDays: number;
  readonly variant: DeadlineVariant;
  readonly bySeverity: { readonly urgentDays: number; readonly normalDays: number; readonly count: DayCount };
  /** IANA zone in which local days (receipt day, holidays, end of day) are counted. */
  readonly timeZone: string;
  readonly calendar: WorkingCalendar;
}

/** A customer's deviations from the default policy; unspecified fields inherit. */
export interface DeadlinePolicyOverride {
  readonly id?: string;
  readonly containmentHours?: number;
  readonly actionReplyWorkingDays?: number;
  readonly variant?: DeadlineVariant;
  readonly bySeverity?: Partial<DeadlinePolicy['bySeverity']>;
  readonly timeZone?: string;
  readonly calendar?: Partial<WorkingCalendar>;
}

export interface DeadlinePolicyConfig {
  readonly default: DeadlinePolicy;
  /** Keyed by customer id. */
  readonly customers?: Readonly<Record<string, DeadlinePolicyOverride>>;
}

export const DEFAULT_DEADLINE_POLICY: DeadlinePolicy = {
  id: 'default',
  containmentHours: 24,
  actionReplyWorkingDays: 3,
  variant: 'fixed',
  bySeverity: { urgentDays: 2, normalDays: 7, count: 'calendar_days' },
  timeZone: 'Asia/Shanghai',
  calendar: { weekendDays: [0, 6], holidays: [], extraWorkingDays: [] },
};

export const DEFAULT_DEADLINE_POLICY_CONFIG: DeadlinePolicyConfig = { default: DEFAULT_DEADLINE_POLICY };

/** The policy for a customer: the default with the customer's override applied. */
export function resolvePolicy(config: DeadlinePolicyConfig, customerId: string): DeadlinePolicy {
  const base = config.default;
  const override = config.customers !== undefined && Object.prototype.hasOwnProperty.call(config.customers, customerId)
    ? config.customers[customerId]
    : undefined;
  if (override === undefined) return base;
  return {
    id: override.id ?? `customer:${customerId}`,
    containmentHours: override.containmentHours ?? base.containmentHours,
    actionReplyWorkingDays: override.actionReplyWorkingDays ?? base.actionReplyWorkingDays,
    variant: override.variant ?? base.variant,
    bySeverity: { ...base.bySeverity, ...override.bySeverity },
    timeZone: override.timeZone ?? base.timeZone,
    calendar: { ...base.calendar, ...override.calendar },
  };
}

/** Refuses a configuration that would give wrong deadlines later; call it at start-up. */
export function validatePolicyConfig(config: DeadlinePolicyConfig): void {
  const errors = policyErrors(config.default, 'default');
  for (const customerId of Object.keys(config.customers ?? {})) {
    errors.push(...policyErrors(resolvePolicy(config, customerId), `customers.${customerId}`));
  }
  if (errors.length > 0) throw new ValidationError(errors);
}

function policyErrors(policy: DeadlinePolicy, path: string): FieldError[] {
  const errors: FieldError[] = [];
  const check = (ok: boolean, field: string, message: string) => {
    if (!ok) errors.push({ field: `${path}.${field}`, message });
  };
  const isCount = (value: number, min: number) => Number.isInteger(value) && value >= min;
  check(policy.id.trim() !== '', 'id', 'must not be empty');
  check(Number.isFinite(policy.containmentHours) && policy.containmentHours > 0, 'containmentHours', 'must be a positive number of hours');
  check(isCount(policy.actionReplyWorkingDays, 1), 'actionReplyWorkingDays', 'must be a positive integer');
  check(policy.variant === 'fixed' || policy.variant === 'by_severity', 'variant', "must be 'fixed' or 'by_severity'");
  check(isCount(policy.bySeverity.urgentDays, 1), 'bySeverity.urgentDays', 'must be a positive integer');
  check(isCount(policy.bySeverity.normalDays, 1), 'bySeverity.normalDays', 'must be a positive integer');
  check(
    policy.bySeverity.count === 'working_days' || policy.bySeverity.count === 'calendar_days',
    'bySeverity.count',
    "must be 'working_days' or 'calendar_days'",
  );
  check(isValidTimeZone(policy.timeZone), 'timeZone', `unknown IANA time zone '${policy.timeZone}'`);
  const weekend = policy.calendar.weekendDays;
  check(weekend.every((day) => isCount(day, 0) && day <= 6), 'calendar.weekendDays', 'days are 0 (Sunday) … 6 (Saturday)');
  check(new Set(weekend).size < 7, 'calendar.weekendDays', 'a week needs at least one working day');
  for (const [field, dates] of [
    ['calendar.holidays', policy.calendar.holidays],
    ['calendar.extraWorkingDays', policy.calendar.extraWorkingDays],
  ] as const) {
    const bad = dates.filter((date) => parseLocalDate(date) === null);
    check(bad.length === 0, field, `not YYYY-MM-DD dates: ${bad.join(', ')}`);
  }
  return errors;
}

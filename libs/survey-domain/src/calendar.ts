import { ValidationError } from '@qms/domain-kernel';
import { isCalendarDate } from '@qms/domain-kernel';

/**
 * When surveys go out (§5.2.1.1: mid-year and year-end; another procedure: quarterly). Each period
 * covers some months of a year and has a nominal issue date against which the one-year rule is
 * judged, so that who is surveyed never depends on the day someone clicked "issue".
 */
export interface SurveyPeriodDefinition {
  /** Upper-case letters and digits, e.g. 'H1', 'Q3'. Period ids are '<year>-<code>'. */
  readonly code: string;
  readonly coversFromMonth: number;
  readonly coversToMonth: number;
  /** 'MM-DD' within the period's year. */
  readonly issueMonthDay: string;
}

export interface SurveyCalendar {
  readonly periods: readonly SurveyPeriodDefinition[];
}

export const HALF_YEARLY_SURVEY_CALENDAR: SurveyCalendar = {
  periods: [
    { code: 'H1', coversFromMonth: 1, coversToMonth: 6, issueMonthDay: '06-30' },
    { code: 'H2', coversFromMonth: 7, coversToMonth: 12, issueMonthDay: '12-31' },
  ],
};

export const QUARTERLY_SURVEY_CALENDAR: SurveyCalendar = {
  periods: [
    { code: 'Q1', coversFromMonth: 1, coversToMonth: 3, issueMonthDay: '03-31' },
    { code: 'Q2', coversFromMonth: 4, coversToMonth: 6, issueMonthDay: '06-30' },
    { code: 'Q3', coversFromMonth: 7, coversToMonth: 9, issueMonthDay: '09-30' },
    { code: 'Q4', coversFromMonth: 10, coversToMonth: 12, issueMonthDay: '12-31' },
  ],
};

export interface SurveyPeriod {
  readonly periodId: string;
  readonly year: number;
  readonly code: string;
  readonly issueDate: string;
  readonly coversFrom: string;
  readonly coversTo: string;
}

/** Throws on a calendar that cannot work (bad months, '02-29', duplicate codes). */
export function assertValidCalendar(calendar: SurveyCalendar): void {
  const problems: string[] = [];
  if (calendar.periods.length === 0) problems.push('has no periods');
  calendar.periods.forEach((period, index) => {
    const at = `period ${index + 1} (${period.code})`;
    if (!/^[A-Z0-9]{1,10}$/.test(period.code))
      problems.push(`${at}: code must be upper-case letters and digits`);
    if (calendar.periods.findIndex((other) => other.code === period.code) !== index)
      problems.push(`${at}: duplicate code`);
    const months = [period.coversFromMonth, period.coversToMonth];
    if (
      !months.every((m) => Number.isInteger(m) && m >= 1 && m <= 12) ||
      period.coversFromMonth > period.coversToMonth
    ) {
      problems.push(`${at}: covered months must be 1–12, from ≤ to`);
    }
    // A non-leap year: an issue date must exist every year.
    if (!isCalendarDate(`2025-${period.issueMonthDay}`))
      problems.push(`${at}: issueMonthDay must be a MM-DD that exists every year`);
  });
  if (problems.length > 0) throw new Error(`Invalid survey calendar: ${problems.join('; ')}`);
}

export function surveyPeriodOf(calendar: SurveyCalendar, periodId: string): SurveyPeriod {
  const match = /^(\d{4})-([A-Z0-9]+)$/.exec(periodId);
  const definition = match ? calendar.periods.find((period) => period.code === match[2]) : undefined;
  if (!match || !definition) {
    const codes = calendar.periods.map((period) => period.code).join(', ');
    throw ValidationError.field(
      'periodId',
      `must be <year>-<code> with code one of ${codes}, e.g. 2026-${calendar.periods[0]?.code ?? 'H1'}`,
    );
  }
  const year = Number(match[1]);
  return {
    periodId,
    year,
    code: definition.code,
    issueDate: `${year}-${definition.issueMonthDay}`,
    coversFrom: `${year}-${pad(definition.coversFromMonth)}-01`,
    coversTo: `${year}-${pad(definition.coversToMonth)}-${pad(daysInMonth(year, definition.coversToMonth))}`,
  };
}

export function surveyPeriodsOfYear(calendar: SurveyCalendar, year: number): SurveyPeriod[] {
  return calendar.periods.map((period) => surveyPeriodOf(calendar, `${year}-${period.code}`));
}

/**
 * A customer is surveyed when the relationship started at least one year before the issue date;
 * younger relationships are followed by regular contact (§5.2.1.1).
 */
export function isDueForSurvey(relationshipStart: string, issueDate: string): boolean {
  return relationshipStart <= oneYearBefore(issueDate);
}

/** Same day a year earlier; 29 February falls back to the 28th. */
export function oneYearBefore(date: string): string {
  const year = Number(date.slice(0, 4)) - 1;
  const candidate = `${String(year).padStart(4, '0')}${date.slice(4)}`;
  return isCalendarDate(candidate) ? candidate : `${String(year).padStart(4, '0')}-02-28`;
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

function pad(value: number): string {
  return String(value).padStart(2, '0');
}

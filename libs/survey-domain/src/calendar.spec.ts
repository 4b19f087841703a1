import {
  HALF_YEARLY_SURVEY_CALENDAR,
  QUARTERLY_SURVEY_CALENDAR,
  assertValidCalendar,
  isDueForSurvey,
  oneYearBefore,
  surveyPeriodOf,
  surveyPeriodsOfYear,
} from './calendar';
import { ValidationError } from '@qms/domain-kernel';

describe('survey calendar', () => {
  it('issues mid-year and at year-end by default (§5.2.1.1)', () => {
    expect(surveyPeriodsOfYear(HALF_YEARLY_SURVEY_CALENDAR, 2026)).toEqual([
      {
        periodId: '2026-H1',
        year: 2026,
        code: 'H1',
        issueDate: '2026-06-30',
        coversFrom: '2026-01-01',
        coversTo: '2026-06-30',
      },
      {
        periodId: '2026-H2',
        year: 2026,
        code: 'H2',
        issueDate: '2026-12-31',
        coversFrom: '2026-07-01',
        coversTo: '2026-12-31',
      },
    ]);
  });

  it('has a quarterly variant', () => {
    expect(surveyPeriodOf(QUARTERLY_SURVEY_CALENDAR, '2028-Q1')).toEqual({
      periodId: '2028-Q1',
      year: 2028,
      code: 'Q1',
      issueDate: '2028-03-31',
      coversFrom: '2028-01-01',
      coversTo: '2028-03-31',
    });
  });

  it('refuses period ids the calendar does not know', () => {
    expect(() => surveyPeriodOf(HALF_YEARLY_SURVEY_CALENDAR, '2026-Q1')).toThrow(ValidationError);
    expect(() => surveyPeriodOf(HALF_YEARLY_SURVEY_CALENDAR, '26-H1')).toThrow(
      /periodId: must be <year>-<code> with code one of H1, H2/,
    );
  });

  it('refuses calendars that cannot work', () => {
    expect(() => assertValidCalendar({ periods: [] })).toThrow(/has no periods/);
    expect(() =>
      assertValidCalendar({
        periods: [
          { code: 'H1', coversFromMonth: 7, coversToMonth: 6, issueMonthDay: '02-29' },
          { code: 'H1', coversFromMonth: 1, coversToMonth: 13, issueMonthDay: '12-31' },
        ],
      }),
    ).toThrow(
      /period 1 \(H1\): covered months.*period 1 \(H1\): issueMonthDay.*period 2 \(H1\): duplicate code.*period 2 \(H1\): covered months/,
    );
  });

  it('surveys customers of at least one year; younger ones get regular contact', () => {
    expect(isDueForSurvey('2025-06-30', '2026-06-30')).toBe(true);
    expect(isDueForSurvey('2025-07-01', '2026-06-30')).toBe(false);
    expect(isDueForSurvey('2010-01-01', '2026-06-30')).toBe(true);
  });

  it('counts a year back from 29 February to the 28th', () => {
    expect(oneYearBefore('2028-02-29')).toBe('2027-02-28');
    expect(oneYearBefore('2026-12-31')).toBe('2025-12-31');
  });
});

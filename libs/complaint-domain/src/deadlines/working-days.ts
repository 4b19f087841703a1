import type { DayCount, WorkingCalendar } from './policy';
import { addDays, formatLocalDate, weekdayOf, type LocalDate } from './time-zone';

export function isWorkingDay(date: LocalDate, calendar: WorkingCalendar): boolean {
  const text = formatLocalDate(date);
  if (calendar.holidays.includes(text)) return false;
  if (calendar.extraWorkingDays.includes(text)) return true;
  return !calendar.weekendDays.includes(weekdayOf(date));
}

/** The n-th working (or calendar) day after `date`; `date` itself never counts. */
export function nthDayAfter(date: LocalDate, n: number, count: DayCount, calendar: WorkingCalendar): LocalDate {
  if (count === 'calendar_days') return addDays(date, n);
  let day = date;
  let counted = 0;
  // Bounded because a valid calendar has at least one working weekday.
  while (counted < n) {
    day = addDays(day, 1);
    if (isWorkingDay(day, calendar)) counted += 1;
  }
  return day;
}

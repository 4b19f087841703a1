/**
 * Instants shown to people: `yyyy-mm-dd hh:mm` in the configured time zone, never a UTC string.
 * The zone's offset comes from the complaint domain's calendar code, the one the deadlines use.
 */
import { timeZoneOffsetMs } from '@qms/complaint-domain';

/** The instant shifted by the zone's offset: its UTC fields read the local wall-clock time. */
function wallClockOf(instant: Date, timeZone: string): Date {
  return new Date(instant.getTime() + timeZoneOffsetMs(instant, timeZone));
}

const pad = (value: number): string => String(value).padStart(2, '0');

const localDayOf = (clock: Date): string => `${clock.getUTCFullYear()}-${pad(clock.getUTCMonth() + 1)}-${pad(clock.getUTCDate())}`;

/** `2026-11-20 09:00` for `2026-11-20T01:00:00.000Z` in Asia/Shanghai; '' for null. */
export function localDateTime(iso: string | null, timeZone: string): string {
  if (iso === null) return '';
  const clock = wallClockOf(new Date(iso), timeZone);
  return `${localDayOf(clock)} ${pad(clock.getUTCHours())}:${pad(clock.getUTCMinutes())}`;
}

/** `2026-11-20`: for due dates, which are the end of a local day. */
export function localDate(iso: string | null, timeZone: string): string {
  if (iso === null) return '';
  return localDayOf(wallClockOf(new Date(iso), timeZone));
}

/**
 * The local wall-clock time as a Date whose UTC fields read that local time. Spreadsheets have no
 * time zones: a cell holds a serial date that Excel shows as it is, so a workbook for Shanghai
 * must carry 09:00, not the 01:00 UTC of the same instant.
 */
export function spreadsheetDate(iso: string | null, timeZone: string): Date | null {
  if (iso === null) return null;
  const clock = wallClockOf(new Date(iso), timeZone);
  // Whole seconds, as a form shows them.
  return new Date(Math.floor(clock.getTime() / 1000) * 1000);
}

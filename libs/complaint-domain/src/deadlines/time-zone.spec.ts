import { addDays, endOfLocalDay, localDateOf, parseLocalDate, timeZoneOffsetMs, zonedTimeToInstant } from './time-zone';

const HOUR = 60 * 60 * 1000;
const at = (hour: number, minute = 0) => ({ hour, minute, second: 0, millisecond: 0 });

describe('time-zone arithmetic', () => {
  it('reads the offset of a zone at an instant', () => {
    expect(timeZoneOffsetMs(new Date('2025-07-01T00:00:00Z'), 'Europe/Berlin')).toBe(2 * HOUR);
    expect(timeZoneOffsetMs(new Date('2025-01-01T00:00:00Z'), 'Europe/Berlin')).toBe(1 * HOUR);
    expect(timeZoneOffsetMs(new Date('2025-01-01T00:00:00Z'), 'America/New_York')).toBe(-5 * HOUR);
  });

  it('gives the local date of an instant', () => {
    expect(localDateOf(new Date('2024-12-31T16:30:00Z'), 'Asia/Shanghai')).toEqual({ year: 2025, month: 1, day: 1 });
    expect(localDateOf(new Date('2025-01-01T03:00:00Z'), 'America/New_York')).toEqual({ year: 2024, month: 12, day: 31 });
  });

  it('takes the first occurrence of an ambiguous fall-back time', () => {
    // 26 Oct 2025 02:30 happens twice in Berlin: first in CEST (00:30Z), then in CET (01:30Z).
    expect(zonedTimeToInstant({ year: 2025, month: 10, day: 26 }, at(2, 30), 'Europe/Berlin').toISOString()).toBe(
      '2025-10-26T00:30:00.000Z',
    );
  });

  it('moves a time in the spring-forward gap past the gap', () => {
    // 30 Mar 2025 02:30 does not exist in Berlin; read with CET it is 01:30Z = 03:30 CEST.
    expect(zonedTimeToInstant({ year: 2025, month: 3, day: 30 }, at(2, 30), 'Europe/Berlin').toISOString()).toBe(
      '2025-03-30T01:30:00.000Z',
    );
  });

  it('ends the local day at 23:59:59.999 in zones behind and ahead of UTC', () => {
    expect(endOfLocalDay({ year: 2025, month: 3, day: 9 }, 'America/New_York').toISOString()).toBe(
      '2025-03-10T03:59:59.999Z',
    );
    expect(endOfLocalDay({ year: 2025, month: 6, day: 1 }, 'Asia/Kolkata').toISOString()).toBe('2025-06-01T18:29:59.999Z');
  });

  it('adds days across month and year ends', () => {
    expect(addDays({ year: 2024, month: 12, day: 30 }, 3)).toEqual({ year: 2025, month: 1, day: 2 });
    expect(addDays({ year: 2024, month: 2, day: 28 }, 1)).toEqual({ year: 2024, month: 2, day: 29 });
  });

  it('parses only real calendar dates', () => {
    expect(parseLocalDate('2024-02-29')).toEqual({ year: 2024, month: 2, day: 29 });
    expect(parseLocalDate('2025-02-29')).toBeNull();
    expect(parseLocalDate('2025-1-05')).toBeNull();
  });

  it("gives the formatter's own offset and date at every five minutes around transitions, including off-the-hour ones", () => {
    // Chatham (+12:45/+13:45) and Lord Howe (a 30-minute shift) change at minutes past the UTC hour.
    const zones = ['Europe/Berlin', 'America/St_Johns', 'Pacific/Chatham', 'Australia/Lord_Howe', 'Asia/Kathmandu'];
    const windows = ['2025-03-29T00:00:00Z', '2025-04-05T00:00:00Z', '2025-09-27T00:00:00Z', '2025-10-04T12:00:00Z', '2025-11-01T12:00:00Z'];
    for (const timeZone of zones) {
      const formatter = new Intl.DateTimeFormat('en-US', {
        timeZone,
        hourCycle: 'h23',
        year: 'numeric',
        month: 'numeric',
        day: 'numeric',
        hour: 'numeric',
        minute: 'numeric',
        second: 'numeric',
      });
      const mismatches: string[] = [];
      for (const start of windows) {
        for (let minute = 0; minute < 3 * 24 * 60; minute += 5) {
          const instant = new Date(Date.parse(start) + minute * 60_000 + 17_250);
          const parts = Object.fromEntries(formatter.formatToParts(instant).map((part) => [part.type, Number(part.value)]));
          const wall = Date.UTC(parts['year']!, parts['month']! - 1, parts['day'], parts['hour'], parts['minute'], parts['second']);
          const expected = `${wall - Math.floor(instant.getTime() / 1000) * 1000} ${parts['year']}-${parts['month']}-${parts['day']}`;
          const date = localDateOf(instant, timeZone);
          const actual = `${timeZoneOffsetMs(instant, timeZone)} ${date.year}-${date.month}-${date.day}`;
          if (actual !== expected) mismatches.push(`${instant.toISOString()}: ${actual} instead of ${expected}`);
        }
      }
      expect(mismatches).toEqual([]);
    }
  });
});

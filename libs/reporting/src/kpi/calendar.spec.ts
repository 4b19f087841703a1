import fc from 'fast-check';
import { addDaysToDate, addMonths, calendarFor, monthsBetween } from './calendar';

describe('ReportingCalendar', () => {
  it('puts a UTC instant in the next local month east of Greenwich', () => {
    const shanghai = calendarFor('Asia/Shanghai'); // UTC+8
    expect(shanghai.monthOf('2025-03-31T15:59:59.999Z')).toBe('2025-03'); // 23:59:59.999 local
    expect(shanghai.monthOf('2025-03-31T16:00:00.000Z')).toBe('2025-04'); // 00:00 local, April 1
    expect(shanghai.localDateOf('2025-03-31T16:00:00.000Z')).toBe('2025-04-01');
    expect(shanghai.bounds('2025-12')).toEqual({
      start: '2025-11-30T16:00:00.000Z',
      end: '2025-12-31T16:00:00.000Z',
    });
    expect(shanghai.monthOf('2025-12-31T16:00:00.000Z')).toBe('2026-01');
  });

  it('puts a UTC instant in the previous local month west of Greenwich, across daylight saving', () => {
    const newYork = calendarFor('America/New_York');
    // March 1 starts at 05:00Z (EST, UTC−5); April 1 at 04:00Z (EDT, UTC−4, since March 9).
    expect(newYork.bounds('2025-03')).toEqual({
      start: '2025-03-01T05:00:00.000Z',
      end: '2025-04-01T04:00:00.000Z',
    });
    expect(newYork.monthOf('2025-03-01T04:59:59.999Z')).toBe('2025-02');
    // The 23-hour day of the change: 3-10 starts at 04:00Z, 3-09 started at 05:00Z.
    expect(newYork.localDateOf('2025-03-10T03:59:59.999Z')).toBe('2025-03-09');
    expect(newYork.localDateOf('2025-03-10T04:00:00.000Z')).toBe('2025-03-10');
    expect(newYork.localDateOf('2025-03-09T04:59:59.999Z')).toBe('2025-03-08');
  });

  it('handles zones with half-hour offsets', () => {
    const kolkata = calendarFor('Asia/Kolkata'); // UTC+5:30
    expect(kolkata.monthOf('2025-03-31T18:29:59.999Z')).toBe('2025-03');
    expect(kolkata.monthOf('2025-03-31T18:30:00.000Z')).toBe('2025-04');
  });

  it('refuses an unknown zone', () => {
    expect(() => calendarFor('Mars/Olympus')).toThrow();
  });

  it('does month and date arithmetic', () => {
    expect(addMonths('2025-11', 3)).toBe('2026-02');
    expect(addMonths('2025-01', -1)).toBe('2024-12');
    expect(monthsBetween('2024-11', '2025-02')).toEqual(['2024-11', '2024-12', '2025-01', '2025-02']);
    expect(monthsBetween('2025-02', '2025-01')).toEqual([]);
    expect(addDaysToDate('2024-02-28', 1)).toBe('2024-02-29');
    expect(addDaysToDate('2025-12-31', 1)).toBe('2026-01-01');
    const calendar = calendarFor('Asia/Shanghai');
    expect(calendar.nextMonth('2025-12')).toBe('2026-01');
    expect(calendar.nextMonth('2026-01')).toBe('2026-02');
    expect(() => calendar.nextMonth('2026-13')).toThrow(/Not a month/);
  });

  it('puts an instant written with an offset, or at a month edge, in its local month', () => {
    const shanghai = calendarFor('Asia/Shanghai');
    // 2024-02-29T16:00Z is midnight of 1 March in Shanghai: the first instant of March.
    expect(shanghai.monthOf('2024-02-29T15:59:59.999Z')).toBe('2024-02');
    expect(shanghai.monthOf('2024-02-29T16:00:00.000Z')).toBe('2024-03');
    expect(shanghai.monthOf('2024-03-01T00:30:00+08:00')).toBe('2024-03');
    expect(shanghai.monthOf('2024-02-29T23:30:00-10:00')).toBe('2024-03');
    expect(() => shanghai.monthOf('yesterday')).toThrow(/ISO-8601/);
  });

  it('gives the local date the platform gives, in zones with daylight saving and odd offsets', () => {
    // Lord Howe moves by half an hour, Chatham sits at +12:45, Apia skipped a whole day (2011-12-30).
    const zones = ['America/New_York', 'Europe/Berlin', 'Asia/Shanghai', 'Australia/Lord_Howe', 'Pacific/Chatham', 'Pacific/Apia'];
    const formats = new Map(zones.map((zone) => [zone, new Intl.DateTimeFormat('en-CA', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit' })]));
    fc.assert(
      fc.property(fc.constantFrom(...zones), fc.integer({ min: Date.UTC(2010, 0, 1), max: Date.UTC(2030, 0, 1) }), (zone, ms) => {
        const instant = new Date(ms).toISOString();
        expect(calendarFor(zone).localDateOf(instant)).toBe(formats.get(zone)?.format(ms));
      }),
      { numRuns: 5_000 },
    );
    // Every quarter of an hour across the days where the offset moves, which random instants rarely hit.
    const edges: [string, string][] = [
      ['Pacific/Apia', '2011-12-28T00:00:00.000Z'],
      ['America/New_York', '2025-03-08T00:00:00.000Z'],
      ['America/New_York', '2025-10-31T00:00:00.000Z'],
      ['Australia/Lord_Howe', '2025-04-04T00:00:00.000Z'],
      ['Europe/Berlin', '2025-10-25T00:00:00.000Z'],
    ];
    for (const [zone, from] of edges) {
      for (let ms = Date.parse(from); ms < Date.parse(from) + 4 * 86_400_000; ms += 15 * 60_000) {
        expect(`${zone} ${calendarFor(zone).localDateOf(new Date(ms).toISOString())}`).toBe(`${zone} ${formats.get(zone)?.format(ms)}`);
      }
    }
  });
});

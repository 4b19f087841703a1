import fc from 'fast-check';
import { DAY_MS } from '../kpi/calendar';
import { monthsBetween } from '../kpi/calendar';
import { project } from '../kpi/__fixtures__/project';
import { resolveReportingConfig } from '../kpi/reporting-config';
import { monthComplaintTally } from './monthly-report';
import type { ReportComplaint } from './monthly-report.types';
import { SCENARIO_EVENTS, inputsOf, reportProjections } from './__fixtures__/scenario';

const config = resolveReportingConfig();
const MONTHS = monthsBetween('2024-12', '2025-06');
const scenario = inputsOf(project(SCENARIO_EVENTS, reportProjections(config), 1000)).complaints;
const closed = scenario.filter((complaint) => complaint.closedAt !== null);

const tallied = (complaints: readonly ReportComplaint[]): string =>
  JSON.stringify(
    MONTHS.map((month) => {
      const tally = monthComplaintTally(month, config);
      for (const complaint of complaints) tally.add(complaint);
      const { total, byCustomer } = tally.figures();
      return { total, byCustomer: [...byCustomer] };
    }),
  );

/**
 * Copies of the scenario's closed complaints under new numbers, closed after an arbitrary number of
 * milliseconds: their days to close are fractions, whose sum in floating point would depend on the
 * order they are added in.
 */
const closedCopies = fc
  .array(fc.record({ source: fc.nat(), closeAfterMs: fc.integer({ min: 1, max: 60 * DAY_MS }) }), { minLength: 1, maxLength: 60 })
  .map((copies) =>
    copies.map(({ source, closeAfterMs }, index): ReportComplaint => {
      const original = closed[source % closed.length] as ReportComplaint;
      return { ...original, _id: `COPY-${String(index).padStart(3, '0')}`, closedAt: new Date(Date.parse(original.receivedAt) + closeAfterMs).toISOString() };
    }),
  );

describe('MonthComplaintTally', () => {
  it('has closed complaints to copy', () => {
    expect(closed.length).toBeGreaterThan(1);
  });

  it('gives the same figures whatever order the complaints stream in, and however often one comes', () => {
    fc.assert(
      fc.property(closedCopies, fc.array(fc.nat(), { minLength: 200, maxLength: 200 }), (copies, keys) => {
        const complaints = [...scenario, ...copies];
        const key = (index: number) => keys[index % keys.length] as number;
        const streamed = complaints
          .map((complaint, index) => ({ complaint, key: key(index) }))
          .sort((a, b) => a.key - b.key)
          .map(({ complaint }) => complaint);
        // Queries for a month overlap (received in it, open at its end, …): a complaint can come twice.
        const again = streamed.filter((_, index) => key(index + 1) % 3 === 0);
        expect(tallied([...streamed, ...again])).toBe(tallied(complaints));
      }),
      { numRuns: 60 },
    );
  });
});

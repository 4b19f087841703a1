import { type Filter, type ReadStore, SqliteReadStore } from '@qms/read-store';
import { FakeEventStore } from '../../../testing/src/fake-event-store';
import { monthsBetween } from '../kpi/calendar';
import { project } from '../kpi/__fixtures__/project';
import { resolveReportingConfig } from '../kpi/reporting-config';
import { computeMonthlyReport } from '../monthly-report/monthly-report';
import type { ComplaintFigures, CustomerComplaintFigures, MonthlyReportDocument } from '../monthly-report/monthly-report.types';
import { C2, C3, C5, C6, OLD, SCENARIO_EVENTS, inputsOf, reportProjections } from '../monthly-report/__fixtures__/scenario';
import { MonthlyReportMaterializer } from '../reporting/monthly-report-materializer';
import { appendAll, monthsOf, projectedLive, rebuildAll, REPORTING_CONFIG, reportingEngine } from '../reporting/__fixtures__/replay-harness';
import { seededAttempts, historyFrom } from '../reporting/__fixtures__/valid-history';
import { COMPLAINTS_COLLECTION, type ComplaintDocument } from './complaint.document';
import { drillDownFilter, type ComplaintDrillDown } from './drill-down';
import { overdueAtEndOfTokens, overdueFromTokens } from './overdue-months';
import { updateRepeatFlags } from './repeat-flags';

const config = resolveReportingConfig({ customerTargets: { B: { ppm: 100 } } });

const ids = async (store: ReadStore, filter: Filter): Promise<string[]> =>
  (await store.find<ComplaintDocument>(COMPLAINTS_COLLECTION, { filter, sort: [{ field: '_id', direction: 'asc' }] })).items.map((c) => c._id);

/** The three drill-downs of a month, with what each must count in a section of the report. */
const DRILLS: readonly [string, (month: string) => ComplaintDrillDown, (f: ComplaintFigures | CustomerComplaintFigures) => number][] = [
  ['overdueAtEndOf', (month) => ({ overdueAtEndOf: month }), (f) => f.overdueAtEnd],
  ['repeatOf', (month) => ({ repeatOf: month }), (f) => f.repeats],
  ['containmentLateIn', (month) => ({ containmentLateIn: month }), (f) => f.received - f.containmentOnTime],
];

/** For each month, drill-down and section: [count of the list, figure of the report]. */
async function countsAndFigures(store: ReadStore, reports: readonly MonthlyReportDocument[], timeZone: string): Promise<[string, number, number][]> {
  const rows: [string, number, number][] = [];
  for (const report of reports) {
    for (const [name, drill, figure] of DRILLS) {
      const total = await store.count(COMPLAINTS_COLLECTION, drillDownFilter(drill(report.month), { timeZone }));
      rows.push([`${report.month} ${name} total`, total, figure(report.total.complaints)]);
      for (const section of report.customers) {
        const filter = drillDownFilter(drill(report.month), { timeZone }, { customerId: { eq: section.customerId } });
        rows.push([`${report.month} ${name} ${section.customerId}`, await store.count(COMPLAINTS_COLLECTION, filter), figure(section.complaints)]);
      }
    }
  }
  return rows;
}

describe('overdue-month tokens', () => {
  it('"from T on" matches the months T and later, never an earlier one (every pair over 40 years)', () => {
    const months = monthsBetween('2000-01', '2039-12');
    for (const from of months.filter((_, i) => i % 7 === 0)) {
      const stored = new Set(overdueFromTokens(from));
      for (const month of months) {
        const matches = overdueAtEndOfTokens(month).some((token) => stored.has(token));
        if (matches !== from <= month) throw new Error(`from ${from}, asked ${month}: ${String(matches)}`);
      }
    }
  });

  it('asks with at most 17 values and stores 16 per open end', () => {
    expect(overdueFromTokens('2026-03')).toHaveLength(16);
    expect(Math.max(...monthsBetween('2020-01', '2030-12').map((m) => overdueAtEndOfTokens(m).length))).toBeLessThanOrEqual(17);
  });
});

describe('drill-down filters on the scenario of the monthly report (Asia/Shanghai)', () => {
  let store: ReadStore;
  const inputs = inputsOf(project(SCENARIO_EVENTS, reportProjections(config), 1000));

  beforeAll(async () => {
    store = SqliteReadStore.open({ path: ':memory:' });
    await store.bulkWrite(COMPLAINTS_COLLECTION, { upserts: inputs.complaints });
    // As after a batch that wrote every complaint at once.
    const changes = inputs.complaints.map((after) => ({ collection: COMPLAINTS_COLLECTION, id: after._id, before: null, after }));
    await updateRepeatFlags(changes, store, config.repeatWindowDays);
  });

  it('lists the complaints overdue at the end of March and of April', async () => {
    // March (monthly-report.spec.ts): OLD (CA-1 rescheduled to 3-15, not done), C2 (CA-1 due 3-25,
    // done 4-02), C5 (containment due 3-21 03:00Z, never recorded).
    expect(await ids(store, drillDownFilter({ overdueAtEndOf: '2025-03' }, config))).toEqual([OLD, C2, C5].sort());
    // April: C2 done and closed; OLD still, C5 still, C3 and C6 owe their replies.
    expect(await ids(store, drillDownFilter({ overdueAtEndOf: '2025-04' }, config))).toEqual([OLD, C3, C5, C6].sort());
    // Customer B's section in April: C3 only.
    expect(await ids(store, drillDownFilter({ overdueAtEndOf: '2025-04' }, config, { customerId: { eq: 'B' } }))).toEqual([C3]);
    // February: nothing was overdue (OLD's new due date 3-15 had not passed).
    expect(await ids(store, drillDownFilter({ overdueAtEndOf: '2025-02' }, config))).toEqual([]);
  });

  it('lists the repeats of March: C6 reopened from C1, C5 same customer, part and cause as C1 17 days before', async () => {
    expect(await ids(store, drillDownFilter({ repeatOf: '2025-03' }, config))).toEqual([C5, C6].sort());
    expect(await ids(store, drillDownFilter({ repeatOf: '2025-04' }, config))).toEqual([]);
  });

  it('lists the complaints received in March whose containment was not on time: C2 and C5 of five', async () => {
    // Received in March: C1, C2, C4, C5, C6; contained on time: C1, C4, C6 (3 × 100 ÷ 5 = 60 %).
    expect(await ids(store, drillDownFilter({ containmentLateIn: '2025-03' }, config))).toEqual([C2, C5].sort());
  });

  it('narrows a received-at range to the month instead of widening it', async () => {
    const base: Filter = { receivedAt: { gte: '2025-03-15T00:00:00.000Z' } };
    // C5 was received 3-20, C2 3-10: only C5 is both late in containment and received from 3-15 on.
    expect(await ids(store, drillDownFilter({ containmentLateIn: '2025-03' }, config, base))).toEqual([C5]);
  });

  it('counts exactly the figure of every section, every month', async () => {
    const reports = monthsBetween('2024-12', '2025-06').map((month) => computeMonthlyReport(month, inputs, config));
    const rows = await countsAndFigures(store, reports, config.timeZone);
    expect(rows.filter(([, count, figure]) => count !== figure)).toEqual([]);
    // The scenario has something to drill into: the overdue, repeat and late figures are not all zero.
    expect(rows.filter(([, count]) => count > 0).length).toBeGreaterThan(10);
  });
});

describe('drill-down filters on random valid histories, projected by the engine in batches', () => {
  it.each([11, 12])('count exactly the figure of every section, every month (seed %i)', async (seed) => {
    const { events } = historyFrom(seededAttempts(seed, 600));
    const store = SqliteReadStore.open({ path: ':memory:' });
    await projectedLive(new FakeEventStore(), store, events, 13);
    const materializer = new MonthlyReportMaterializer(REPORTING_CONFIG);
    const reports: MonthlyReportDocument[] = [];
    for (const month of monthsOf(events)) reports.push(await materializer.report(store, month));
    const rows = await countsAndFigures(store, reports, REPORTING_CONFIG.timeZone);
    expect(rows.filter(([, count, figure]) => count !== figure)).toEqual([]);
    expect(rows.some(([name, count]) => name.includes('overdueAtEndOf') && count > 0)).toBe(true);
    // With the lists' own indexes, a page of the overdue ones, newest first or by next due date, is
    // chosen from index entries alone (the month tokens in an element index with the sort's keys),
    // never by walking the list and reading each complaint.
    const lastMonth = reports[reports.length - 1]?.month as string;
    for (const sort of [[{ field: 'receivedAt', direction: 'desc' as const }], [{ field: 'nextDueAt', direction: 'asc' as const }]]) {
      const overduePage = { filter: drillDownFilter({ overdueAtEndOf: lastMonth }, REPORTING_CONFIG), sort, limit: 50 };
      const plan = (await store.explainFind(COMPLAINTS_COLLECTION, overduePage)).join(' | ');
      expect(plan).toMatch(/SEARCH element USING COVERING INDEX _elements_complaints__\w{12}__ix_by_key/);
      expect(plan).not.toMatch(/SCAN complaints|SEARCH complaints USING INDEX/);
    }
  }, 60_000);
});

describe('drill-down filters on a rebuilt complaint list', () => {
  it('find the complaints the live list finds, every month, from the element index built after the replay', async () => {
    const { events } = historyFrom(seededAttempts(11, 600));
    const live = SqliteReadStore.open({ path: ':memory:' });
    await projectedLive(new FakeEventStore(), live, events, 13);
    const eventStore = new FakeEventStore();
    await appendAll(eventStore, events);
    const rebuilt = SqliteReadStore.open({ path: ':memory:' });
    await rebuildAll(reportingEngine(eventStore, rebuilt, 50));
    let found = 0;
    for (const month of monthsOf(events)) {
      const filter = drillDownFilter({ overdueAtEndOf: month }, REPORTING_CONFIG);
      const expected = await ids(live, filter);
      expect(await ids(rebuilt, filter)).toEqual(expected);
      found += expected.length;
    }
    expect(found).toBeGreaterThan(0);
    const plan = await rebuilt.explainFind(COMPLAINTS_COLLECTION, { filter: drillDownFilter({ overdueAtEndOf: monthsOf(events)[0] }, REPORTING_CONFIG) });
    expect(plan.join(' | ')).toMatch(/SEARCH _elements_complaints__\w{12} USING COVERING INDEX/);
    await live.close();
    await rebuilt.close();
  }, 60_000);
});

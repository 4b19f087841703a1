import { monthsBetween } from '../kpi/calendar';
import { project, type DocumentChange } from '../kpi/__fixtures__/project';
import { resolveReportingConfig } from '../kpi/reporting-config';
import { SqliteReadStore } from '@qms/read-store';
import { computeMonthlyReport } from './monthly-report';
import type { MonthlyReportInputs } from './monthly-report.types';
import {
  complaintMonthSpan,
  expandMonthSpans,
  mergeMonthSpans,
  monthlyReportQueries,
  reportMonthsAffected,
  selectMonthlyReportInputs,
  type ReportFactChange,
} from './report-months';
import { SCENARIO_EVENTS, inputsOf, reportProjections } from './__fixtures__/scenario';

const config = resolveReportingConfig();
const MONTHS = monthsBetween('2024-12', '2025-06');

const reportsOf = (inputs: MonthlyReportInputs) =>
  MONTHS.map((month) => computeMonthlyReport(month, inputs, config));

/** Deterministic shuffle (a fixed permutation), standing in for a store's arbitrary order. */
function scramble<T>(items: readonly T[]): T[] {
  return items
    .map((item, index) => ({ item, key: (index * 7919) % 97 }))
    .sort((a, b) => a.key - b.key)
    .map((x) => x.item);
}

describe('replay determinism', () => {
  it('gives byte-identical documents and reports whatever the batching', () => {
    const runs = [1, 4, 1000].map((batchSize) =>
      project(SCENARIO_EVENTS, reportProjections(config), batchSize),
    );
    runs.push(project(SCENARIO_EVENTS, reportProjections(config), 3, false)); // engine not passing ids
    const documents = runs.map((run) => JSON.stringify(inputsOf(run)));
    const reports = runs.map((run) => JSON.stringify(reportsOf(inputsOf(run))));
    expect(new Set(documents).size).toBe(1);
    expect(new Set(reports).size).toBe(1);
  });

  it('gives byte-identical reports whatever order the documents arrive in', () => {
    const inputs = inputsOf(project(SCENARIO_EVENTS, reportProjections(config), 1000));
    const scrambled: MonthlyReportInputs = {
      complaints: scramble(inputs.complaints),
      deliveries: scramble(inputs.deliveries),
      returns: scramble(inputs.returns),
      notifications: scramble(inputs.notifications),
      surveys: scramble(inputs.surveys),
    };
    expect(scrambled.complaints.map((c) => c._id)).not.toEqual(inputs.complaints.map((c) => c._id));
    expect(JSON.stringify(reportsOf(scrambled))).toBe(JSON.stringify(reportsOf(inputs)));
  });
});

describe('months an event affects', () => {
  it('materializing only the affected months after each event ends equal to a full recompute', () => {
    const live = new Map<string, string>();
    for (let index = 0; index < SCENARIO_EVENTS.length; index += 1) {
      const run = project(SCENARIO_EVENTS.slice(0, index + 1), reportProjections(config), 1000);
      const changes = run.changes[index] as DocumentChange[];
      const spans = reportMonthsAffected(changes as unknown as ReportFactChange[], config);
      const inputs = inputsOf(run);
      for (const month of expandMonthSpans(spans, MONTHS[MONTHS.length - 1] as string)) {
        if (MONTHS.includes(month))
          live.set(month, JSON.stringify(computeMonthlyReport(month, inputs, config)));
      }
    }
    const rebuilt = inputsOf(project(SCENARIO_EVENTS, reportProjections(config), 1000));
    for (const month of MONTHS) {
      const full = JSON.stringify(computeMonthlyReport(month, rebuilt, config));
      const empty = JSON.stringify(
        computeMonthlyReport(
          month,
          { complaints: [], deliveries: [], returns: [], notifications: [], surveys: [] },
          config,
        ),
      );
      expect({ month, report: live.get(month) ?? empty }).toEqual({ month, report: full });
    }
  });

  it('an open complaint affects every month from its receipt on; a closed one up to closure or the repeat window', () => {
    // Received 2025-01-10 local; closed 2025-02-01 local; window 90 days → 2025-04-10: through April.
    expect(complaintMonthSpan({ receivedAt: '2025-01-10T02:00:00.000Z', closedAt: null }, config)).toEqual({
      from: '2025-01',
      to: null,
    });
    expect(
      complaintMonthSpan(
        { receivedAt: '2025-01-10T02:00:00.000Z', closedAt: '2025-01-31T17:00:00.000Z' },
        config,
      ),
    ).toEqual({
      from: '2025-01',
      to: '2025-04',
    });
  });

  it('merges and expands spans', () => {
    const merged = mergeMonthSpans([
      { from: '2025-03', to: '2025-03' },
      { from: '2025-01', to: '2025-02' },
      { from: '2025-06', to: null },
    ]);
    expect(merged).toEqual([
      { from: '2025-01', to: '2025-03' },
      { from: '2025-06', to: null },
    ]);
    expect(expandMonthSpans(merged, '2025-07')).toEqual([
      '2025-01',
      '2025-02',
      '2025-03',
      '2025-06',
      '2025-07',
    ]);
  });
});

describe('input selection', () => {
  const inputs = inputsOf(project(SCENARIO_EVENTS, reportProjections(config), 1000));

  it('selecting a month’s documents gives the same report as passing all of them', () => {
    for (const month of MONTHS) {
      const selected = selectMonthlyReportInputs(month, inputs, config);
      expect(JSON.stringify(computeMonthlyReport(month, selected, config))).toBe(
        JSON.stringify(computeMonthlyReport(month, inputs, config)),
      );
    }
    // The selection does drop something: OLD and the February delivery are not needed in August.
    const august = selectMonthlyReportInputs('2025-08', inputs, config);
    expect(august.deliveries).toEqual([]);
    expect(august.complaints.length).toBeLessThan(inputs.complaints.length);
  });

  it('the read-store queries select the same documents', async () => {
    const store = SqliteReadStore.open({ path: ':memory:' });
    const collections = {
      complaints: inputs.complaints,
      deliveries: inputs.deliveries,
      returns: inputs.returns,
      notifications: inputs.notifications,
      surveys: inputs.surveys,
    } as const;
    for (const [name, documents] of Object.entries(collections)) {
      await store.bulkWrite<{ readonly _id: string }>(name, { upserts: documents });
    }
    for (const month of MONTHS) {
      const queries = monthlyReportQueries(month, config);
      const expected = selectMonthlyReportInputs(month, inputs, config);
      for (const name of Object.keys(collections) as (keyof typeof collections)[]) {
        const ids = new Set<string>();
        for (const filter of queries[name]) {
          for (const document of (await store.find(name, { filter })).items) ids.add(document._id);
        }
        expect({ month, name, ids: [...ids].sort() }).toEqual({
          month,
          name,
          ids: expected[name].map((d) => d._id).sort(),
        });
      }
    }
  });
});

import fc from 'fast-check';
import { SqliteReadStore, type StoredDocument } from '@qms/read-store';
import { monthsBetween } from '../kpi/calendar';
import { resolveReportingConfig } from '../kpi/reporting-config';
import type { MonthlyReportInputs } from '../monthly-report/monthly-report.types';
import { selectMonthlyReportInputs } from '../monthly-report/report-months';
import { FakeEventStore } from '../../../testing/src/fake-event-store';
import { projectedLive, REPORTING_CONFIG } from './__fixtures__/replay-harness';
import { historyFrom, seededAttempts } from './__fixtures__/valid-history';
import { MONTHLY_REPORT_STATE_COLLECTION, MonthlyReportMaterializer } from './monthly-report-materializer';
import { sweepMonths } from './month-sweep';

const config = resolveReportingConfig({ timeZone: 'Asia/Shanghai', repeatWindowDays: 40 });
const FIRST = Date.UTC(2023, 0, 1);
const DAY = 24 * 60 * 60 * 1000;
const instant = (days: number) => new Date(FIRST + days * DAY).toISOString();

/** Facts with only what the month selection reads, spread over about two years. */
const facts = fc.record({
  complaints: fc.array(fc.record({ received: fc.integer({ min: 0, max: 700 }), openFor: fc.option(fc.integer({ min: 0, max: 300 })) }), { maxLength: 60 }),
  deliveries: fc.array(fc.record({ month: fc.integer({ min: 0, max: 23 }), customer: fc.integer({ min: 1, max: 3 }) }), { maxLength: 30 }),
  returns: fc.array(fc.integer({ min: 0, max: 700 }), { maxLength: 20 }),
  notifications: fc.array(
    fc.record({ received: fc.integer({ min: 0, max: 700 }), special: fc.boolean(), endedAfter: fc.option(fc.integer({ min: 0, max: 200 })) }),
    { maxLength: 20 },
  ),
  surveys: fc.array(fc.integer({ min: 0, max: 23 }), { maxLength: 6 }),
});

const monthOfIndex = (index: number) => monthsBetween('2023-01', '2024-12')[index] as string;
const ids = (documents: readonly StoredDocument[]) => documents.map((document) => document._id).sort();

describe('sweepMonths', () => {
  it('hands each month exactly the facts its own queries select, from one pass over each collection', async () => {
    await fc.assert(
      fc.asyncProperty(facts, fc.integer({ min: 0, max: 22 }), fc.integer({ min: 1, max: 3 }), async (given, from, step) => {
        const all: Record<keyof MonthlyReportInputs, StoredDocument[]> = {
          complaints: given.complaints.map((c, i) => ({
            _id: `C-${i}`,
            receivedAt: instant(c.received),
            closedAt: c.openFor === null ? null : instant(c.received + c.openFor),
          })),
          deliveries: given.deliveries.map((d, i) => ({ _id: `D-${i}`, month: monthOfIndex(d.month), customerId: `K${d.customer}` })),
          returns: given.returns.map((received, i) => ({ _id: `R-${i}`, receivedAt: instant(received) })),
          notifications: given.notifications.map((n, i) => ({
            _id: `N-${i}`,
            receivedAt: instant(n.received),
            kind: n.special ? 'special_status' : 'quality_alert',
            endedAt: n.endedAfter === null ? null : instant(n.received + n.endedAfter),
          })),
          surveys: given.surveys.map((month, i) => ({ _id: `S-${i}`, month: monthOfIndex(month) })),
        };
        const store = SqliteReadStore.open({ path: ':memory:' });
        try {
          const collections = { complaints: 'complaints', deliveries: 'delivery_month_customer', returns: 'returns', notifications: 'customer_notifications', surveys: 'satisfaction_summary' } as const;
          for (const [key, collection] of Object.entries(collections)) {
            await store.bulkWrite(collection, { upserts: all[key as keyof typeof all] });
          }
          // Every step-th month from `from`: a run with gaps, as pending months can be.
          const months = monthsBetween(monthOfIndex(from), '2024-12').filter((_, index) => index % step === 0);
          const swept: string[] = [];
          for await (const { month, inputs } of sweepMonths(store, months, config)) {
            swept.push(month);
            const expected = selectMonthlyReportInputs(month, all as unknown as MonthlyReportInputs, config);
            for (const key of Object.keys(collections) as (keyof MonthlyReportInputs)[]) {
              expect([month, key, ids(inputs[key] as unknown as StoredDocument[])]).toEqual([month, key, ids(expected[key] as unknown as StoredDocument[])]);
            }
          }
          expect(swept).toEqual(months);
        } finally {
          await store.close();
        }
      }),
      { numRuns: 60 },
    );
  });
});

/** Read models of a generated history, projected live and with every month's report stored. */
async function settledReports() {
  const live = SqliteReadStore.open({ path: ':memory:' });
  await projectedLive(new FakeEventStore({ positionStep: 1 }), live, historyFrom(seededAttempts(11, 900)).events, 50);
  const materializer = new MonthlyReportMaterializer(REPORTING_CONFIG);
  const state = await materializer.state(live);
  return { live, materializer, state, stored: monthsBetween(state.first as string, state.horizon as string) };
}

describe('when a flush sweeps the facts', () => {
  it('only for a run of months from the first: late months pending after a command are each read with their own queries', async () => {
    const { live, materializer, state, stored } = await settledReports();
    expect(stored.length).toBeGreaterThan(8);
    const before = await Promise.all(stored.map((month) => materializer.report(live, month)));

    const swept = (calls: jest.SpyInstance) => calls.mock.calls.filter(([, query]) => (query as { sort?: unknown } | undefined)?.sort !== undefined);
    const stream = jest.spyOn(live, 'stream');
    await live.bulkWrite(MONTHLY_REPORT_STATE_COLLECTION, { upserts: [{ ...state, pending: stored.slice(-5) }] });
    expect(await materializer.flush(live)).toBe(5);
    expect(swept(stream)).toEqual([]);

    await live.bulkWrite(MONTHLY_REPORT_STATE_COLLECTION, { upserts: [{ ...state, pending: stored }] });
    expect(await materializer.flush(live)).toBe(stored.length);
    expect(swept(stream).map(([collection]) => collection as string).sort()).toEqual(
      ['customer_notifications', 'delivery_month_customer', 'report_complaints', 'report_surveys', 'returns'],
    );
    expect(await Promise.all(stored.map((month) => materializer.report(live, month)))).toEqual(before);
    await live.close();
  }, 60_000);
});

describe('a flush aborted while a month is computed', () => {
  it('stops reading that month\'s complaints, writes nothing and leaves its months pending', async () => {
    const { live, materializer, state, stored } = await settledReports();
    const pending = stored.slice(-3);
    await live.bulkWrite(MONTHLY_REPORT_STATE_COLLECTION, { upserts: [{ ...state, pending }] });

    // The stop comes after the first complaint read: every complaint read after it is wasted work.
    const abort = new AbortController();
    let readAfterAbort = 0;
    const stream = live.stream.bind(live);
    const reading = jest.spyOn(live, 'stream').mockImplementation((collection, query) => {
      const documents = stream(collection, query);
      if (collection !== 'report_complaints') return documents;
      return (async function* () {
        for await (const document of documents) {
          if (abort.signal.aborted) readAfterAbort += 1;
          else abort.abort();
          yield document;
        }
      })();
    });
    const written = jest.spyOn(live, 'bulkWrite');

    expect(await materializer.flush(live, { signal: abort.signal })).toBe(0);
    expect(readAfterAbort).toBeLessThanOrEqual(1);
    expect(written).not.toHaveBeenCalled();
    expect((await materializer.state(live)).pending).toEqual(pending);

    reading.mockRestore();
    expect(await materializer.flush(live)).toBe(pending.length);
    expect((await materializer.state(live)).pending).toEqual([]);
    await live.close();
  }, 60_000);
});

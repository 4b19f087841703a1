import fc from 'fast-check';
import { SqliteReadStore, type StoredDocument } from '@qms/read-store';
import { monthsBetween } from '../kpi/calendar';
import { resolveReportingConfig } from '../kpi/reporting-config';
import type { MonthlyReportInputs } from '../monthly-report/monthly-report.types';
import { selectMonthlyReportInputs } from '../monthly-report/report-months';
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

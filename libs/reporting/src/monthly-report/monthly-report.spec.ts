import { project } from '../kpi/__fixtures__/project';
import { resolveReportingConfig } from '../kpi/reporting-config';
import { computeMonthlyReport, computeStoredMonthlyReport, withKpis } from './monthly-report';
import { findRepeats } from './complaint-figures';
import { monthlyReportSelection } from './report-months';
import { isOverdueAt } from '../complaint-list/complaint-timeline';
import { calendarFor } from '../kpi/calendar';
import type { MonthlyReportDocument } from './monthly-report.types';
import {
  C1,
  C2,
  C3,
  C5,
  C6,
  OLD,
  SCENARIO_EVENTS,
  inputsOf,
  reportProjections,
} from './__fixtures__/scenario';

const config = resolveReportingConfig({ customerTargets: { B: { ppm: 100 } } });
const inputs = inputsOf(project(SCENARIO_EVENTS, reportProjections(config), 1000));
const report = (month: string): MonthlyReportDocument => computeMonthlyReport(month, inputs, config);
// The report holds counts only; which complaints they are, by the same rules the figures use
// (the list's drill-down filters give the same sets: complaint-list/drill-down.spec.ts).
const repeatNumbers = (month: string, windowDays = config.repeatWindowDays): string[] =>
  [...findRepeats(inputs.complaints, monthlyReportSelection(month, { ...config, repeatWindowDays: windowDays }))].sort();
const overdueNumbers = (month: string): string[] =>
  inputs.complaints
    .filter((c) => isOverdueAt(c, calendarFor(config.timeZone).bounds(month).end))
    .map((c) => c._id)
    .sort();
const customer = (document: MonthlyReportDocument, id: string) => {
  const row = document.customers.find((c) => c.customerId === id);
  if (row === undefined) throw new Error(`no row for ${id}`);
  return row;
};

describe('computeMonthlyReport — March 2025, Asia/Shanghai', () => {
  const march = report('2025-03');

  it('cuts the month at local midnight', () => {
    // 2025-03-01 00:00 UTC+8 = 2025-02-28 16:00 UTC; 2025-04-01 00:00 UTC+8 = 2025-03-31 16:00 UTC.
    expect([march.periodStart, march.periodEnd]).toEqual([
      '2025-02-28T16:00:00.000Z',
      '2025-03-31T16:00:00.000Z',
    ]);
  });

  it('counts complaints received, closed, open and overdue at the month end', () => {
    const f = march.total.complaints;
    // received: C1, C2, C4, C5, C6 (C3 came 3-31 17:00Z = 4-01 01:00 local: April).
    expect(f.received).toBe(5);
    expect(f.reopenedReceived).toBe(1); // C6
    // closed: C1 (3-26), C4 (3-20). C2 closes 4-10.
    expect(f.closed).toBe(2);
    // open at end: OLD, C2 (closed only in April), C5, C6.
    expect(f.openAtEnd).toBe(4);
    // overdue at end: OLD (CA-1 rescheduled to 3-15, not done), C2 (CA-1 due 3-25, done 4-02),
    // C5 (containment due 3-21 03:00Z never recorded). C6's reply is due 4-02: not yet.
    expect(f.overdueAtEnd).toBe(3);
    expect(overdueNumbers('2025-03')).toEqual([OLD, C2, C5]);
  });

  it('breaks the counts down by severity, cause category and department', () => {
    const f = march.total.complaints;
    expect(f.bySeverity).toEqual({
      urgent: { received: 1, closed: 0, openAtEnd: 1, overdueAtEnd: 1 }, // C2
      normal: { received: 4, closed: 2, openAtEnd: 3, overdueAtEnd: 2 }, // C1 C4 C5 C6 received; OLD C5 C6 open
    });
    expect(f.byCauseCategory.machine).toEqual({ received: 2, closed: 1, openAtEnd: 1, overdueAtEnd: 1 }); // C1, C5
    expect(f.byCauseCategory.method).toEqual({ received: 1, closed: 0, openAtEnd: 1, overdueAtEnd: 1 }); // C2
    expect(f.byCauseCategory.material).toEqual({ received: 1, closed: 1, openAtEnd: 0, overdueAtEnd: 0 }); // C4
    expect(f.byCauseCategory.man).toEqual({ received: 0, closed: 0, openAtEnd: 1, overdueAtEnd: 1 }); // OLD
    expect(f.byCauseCategory.not_analysed).toEqual({ received: 1, closed: 0, openAtEnd: 1, overdueAtEnd: 0 }); // C6
    expect(f.byCauseCategory.environment).toEqual({ received: 0, closed: 0, openAtEnd: 0, overdueAtEnd: 0 });
    expect(f.byDepartment).toEqual([
      { department: null, received: 1, closed: 0, openAtEnd: 1, overdueAtEnd: 0 }, // C6
      { department: 'assembly', received: 0, closed: 0, openAtEnd: 1, overdueAtEnd: 1 }, // OLD
      { department: 'production', received: 3, closed: 1, openAtEnd: 2, overdueAtEnd: 2 }, // C1 C2 C5
      { department: 'quality', received: 1, closed: 1, openAtEnd: 0, overdueAtEnd: 0 }, // C4
    ]);
  });

  it('computes containment-on-time and action-reply-on-time percentages over received(M)', () => {
    const f = march.total.complaints;
    // Containment at or before due: C1 (3-03 10:00 ≤ 3-04 01:00), C4, C6; C2 was 3 h late; C5 none.
    expect(f.containmentOnTime).toBe(3);
    expect(f.containmentOnTimePercent).toBe((3 * 100) / 5); // 60
    // Reply at or before due: C1 (plan submitted in time) and C4 (decided not ours 3-17 02:00Z,
    // due 3-19 15:59:59.999Z: the decision is its reply); C2's plan came late, C5 and C6 have none yet.
    expect(f.actionReplyOnTime).toBe(2);
    expect(f.actionReplyOnTimePercent).toBe((2 * 100) / 5); // 40
  });

  it('computes mean days to close over complaints closed in the month', () => {
    // C1: 3-03 01:00 → 3-26 01:00 = 23 days; C4: 3-15 03:00 → 3-20 03:00 = 5 days. (23 + 5) / 2 = 14.
    expect(march.total.complaints.daysToCloseTotal).toBe(28);
    expect(march.total.complaints.meanDaysToClose).toBe(14);
  });

  it('detects repeats: reopened, or same customer + part + cause category within the window', () => {
    const f = march.total.complaints;
    // C6 was reopened from C1; C5 is A/P1/machine 17 days after C1 (A/P1/machine).
    expect(repeatNumbers('2025-03')).toEqual([C6, C5].sort());
    expect(f.repeats).toBe(2);
    expect(f.repeatRatePercent).toBe((2 * 100) / 5); // 40
  });

  it('a window shorter than the gap makes C5 no repeat', () => {
    // C1 received 3-03 01:00Z, C5 3-20 03:00Z: 17 days 2 hours apart.
    const short = resolveReportingConfig({ repeatWindowDays: 17 });
    expect(computeMonthlyReport('2025-03', inputs, short).total.complaints.repeats).toBe(1);
    expect(repeatNumbers('2025-03', 17)).toEqual([C6]);
    const long = resolveReportingConfig({ repeatWindowDays: 18 });
    expect(computeMonthlyReport('2025-03', inputs, long).total.complaints.repeats).toBe(2);
    expect(repeatNumbers('2025-03', 18)).toEqual([C6, C5].sort());
  });

  it('counts 8D on-time closure over complaints closed as resolved', () => {
    const f = march.total.complaints;
    // Only C1 closed resolved in March; containment, reply and CA-1 (3-18 ≤ 3-20) all on time.
    expect([f.eightDClosed, f.eightDClosedOnTime, f.eightDOnTimeClosurePercent]).toEqual([1, 1, 100]);
  });

  it('computes PPM from complaint defective quantity and delivered quantity', () => {
    // Defective: C1 12 (corrected from 10 at the decision) + C2 5 = 17; C4 is not ours.
    expect(march.total.complaints.defectiveQuantity).toBe(17);
    // Delivered in March: D1 1000 + D2 2000 + D5 4000 = 7000 (D4 moved to February, D3 is April).
    expect(march.total.deliveries.deliveredQuantity).toBe(7000);
    expect(march.total.deliveries.ppm).toBe((17 / 7000) * 1_000_000); // 2428.571428…
    expect(customer(march, 'A').deliveries.ppm).toBe((17 / 3000) * 1_000_000); // A: D1 + D2
    expect(customer(march, 'B').deliveries.ppm).toBe(0); // 0 / 4000
  });

  it('computes on-time delivery % with the local delivery date against the promised date', () => {
    const d = march.total.deliveries;
    // D1 local 3-10 ≤ 3-10 on time; D2 local 3-11 > 3-10 late; D5 on time.
    expect([d.deliveries, d.onTimeDeliveries, d.premiumFreightDeliveries]).toEqual([3, 2, 1]);
    expect(d.onTimeDeliveryPercent).toBe((2 * 100) / 3); // 66.666…
    // A one-day window makes D2 on time too (the projection judges it, so re-project).
    const lenient = resolveReportingConfig({ onTimeDeliveryWindowDays: 1 });
    const lenientInputs = inputsOf(project(SCENARIO_EVENTS, reportProjections(lenient), 1000));
    expect(
      computeMonthlyReport('2025-03', lenientInputs, lenient).total.deliveries.onTimeDeliveryPercent,
    ).toBe(100);
  });

  it('sums returns received in the month and the NTF rate', () => {
    // R1: 80 returned, 60 defective, 40 reworked, 20 + 5 (failed rework) scrapped. R3: 10, NTF.
    expect(march.total.returns).toEqual({
      returns: 2,
      periodicBulkReturns: 0,
      returnedQuantity: 90,
      defectiveQuantity: 60,
      reworkedQuantity: 40,
      scrappedQuantity: 25,
      inspected: 2,
      noTroubleFound: 1,
      ntfRatePercent: (1 * 100) / 2,
    });
  });

  it('counts customer notifications received and special statuses in force at the end', () => {
    expect(march.total.notifications).toEqual({
      received: 2, // N1 quality, N3 delivery
      byKind: { quality: 1, delivery: 1, special_status: 0 },
      specialStatusesReceived: {
        controlled_shipping_cs1: 0,
        controlled_shipping_cs2: 0,
        new_business_hold: 0,
        other: 0,
      },
      specialStatusesInForceAtEnd: 1, // N2 (received in February, lifted 4-10)
    });
  });

  it('shows the CSI of the survey period issued in the month', () => {
    // A: 4+5+3+5+4 = 21 over 5 answers; B: 5+4+2+4 = 15 over 4 (price unanswered). Scale top 5.
    expect(march.total.satisfaction).toEqual({
      periods: ['2025-H1'],
      responses: 2,
      csi: ((21 + 15) / (5 + 4) / 5) * 100,
    });
    expect(customer(march, 'A').satisfaction.csi).toBe((21 / 5 / 5) * 100); // 84
    expect(customer(march, 'B').satisfaction.csi).toBe((15 / 4 / 5) * 100); // 75
  });

  it('holds each KPI against its target', () => {
    const k = march.total.kpis;
    expect(k.containmentOnTimePercent).toEqual({ value: 60, target: 100, direction: 'at_least', met: false });
    expect(k.meanDaysToClose).toEqual({ value: 14, target: 30, direction: 'at_most', met: true });
    expect(k.eightDOnTimeClosurePercent.met).toBe(true);
    expect(k.ppm.met).toBe(false); // 2428.6 > 50
    expect(k.complaintsReceived).toEqual({ value: 5, target: null, direction: 'at_most', met: null });
    expect(k.csi.target).toBe(95);
    // B has its own PPM target of 100: 0 ≤ 100.
    expect(customer(march, 'B').kpis.ppm).toEqual({ value: 0, target: 100, direction: 'at_most', met: true });
  });

  it('stores no KPI block: served, each section gets its own back last, against its own targets', () => {
    const stored = computeStoredMonthlyReport('2025-03', inputs, config);
    expect(stored.total).not.toHaveProperty('kpis');
    for (const row of stored.customers) expect(row).not.toHaveProperty('kpis');
    const served = withKpis(stored, config);
    expect(Object.keys(served.total).at(-1)).toBe('kpis');
    expect(served.customers.map((row) => Object.keys(row))).toEqual(
      stored.customers.map((row) => [...Object.keys(row), 'kpis']),
    );
    expect(served.total.kpis.ppm.target).toBe(50);
    expect(customer(served, 'B').kpis.ppm.target).toBe(100);
    expect(customer(served, 'A').kpis.ppm.target).toBe(50);
    // A document of the previous version still holds its blocks: they are derived afresh, in place.
    expect(JSON.stringify(withKpis(served as unknown as typeof stored, resolveReportingConfig()))).toBe(
      JSON.stringify(withKpis(stored, resolveReportingConfig())),
    );
    expect(customer(withKpis(served as unknown as typeof stored, resolveReportingConfig()), 'B').kpis.ppm.target).toBe(50);
  });

  it('reports per customer with the same definitions', () => {
    expect(march.customers.map((c) => c.customerId)).toEqual(['A', 'B']);
    const a = customer(march, 'A').complaints;
    // A received C1, C2, C5, C6; closed C1; open OLD, C2, C5, C6; overdue OLD, C2, C5.
    expect([a.received, a.closed, a.openAtEnd, a.overdueAtEnd]).toEqual([4, 1, 4, 3]);
    expect(a.containmentOnTimePercent).toBe((2 * 100) / 4); // C1, C6
    expect(a.actionReplyOnTimePercent).toBe((1 * 100) / 4); // C1
    expect(a.meanDaysToClose).toBe(23);
    expect(a.repeatRatePercent).toBe((2 * 100) / 4);
    const b = customer(march, 'B');
    // C3 belongs to April, so B's March complaints are C4 alone.
    expect([b.complaints.received, b.complaints.closed, b.complaints.openAtEnd]).toEqual([1, 1, 0]);
    // C4, not ours, decided before its action-reply deadline: 1 of 1 on time.
    expect(b.complaints.actionReplyOnTimePercent).toBe((1 * 100) / 1);
    expect(b.complaints.eightDOnTimeClosurePercent).toBeNull(); // nothing closed resolved
    expect(b.returns.ntfRatePercent).toBe(100); // R3 of 1 inspected
    expect(b.notifications.specialStatusesInForceAtEnd).toBe(1);
  });

  it('gives a customer with deliveries only the same row as any other, every figure nil', () => {
    const onlyDeliveries = {
      _id: '2025-03|Z',
      month: '2025-03',
      customerId: 'Z',
      deliveries: 2,
      deliveredQuantity: 40,
      onTimeDeliveries: 2,
      premiumFreightDeliveries: 0,
    };
    const withZ = computeMonthlyReport('2025-03', { ...inputs, deliveries: [...inputs.deliveries, onlyDeliveries] }, config);
    const z = customer(withZ, 'Z');
    const a = customer(withZ, 'A');
    const keysOf = (value: object): unknown =>
      Object.fromEntries(Object.entries(value).map(([key, item]) => [key, typeof item === 'object' && item !== null && !Array.isArray(item) ? keysOf(item) : key]));
    // Same fields in the same order as a row with complaints, returns and notifications.
    expect(keysOf({ ...z, complaints: { ...z.complaints, bySeverity: {}, byCauseCategory: {} }, notifications: { ...z.notifications, byKind: {}, specialStatusesReceived: {} } })).toEqual(
      keysOf({ ...a, complaints: { ...a.complaints, bySeverity: {}, byCauseCategory: {} }, notifications: { ...a.notifications, byKind: {}, specialStatusesReceived: {} } }),
    );
    const nil = (value: unknown): boolean =>
      value === 0 || value === null || (Array.isArray(value) && value.length === 0) || (typeof value === 'object' && value !== null && Object.values(value).every(nil));
    expect(nil(z.complaints) && nil(z.returns) && nil(z.notifications)).toBe(true);
    // Every customer sees the survey periods issued in the month.
    expect(z.satisfaction).toEqual({ periods: ['2025-H1'], responses: 0, csi: null });
    expect(z.deliveries).toMatchObject({ deliveries: 2, onTimeDeliveryPercent: 100, ppm: 0 });
    expect(z.kpis.onTimeDeliveryPercent).toEqual({ value: 100, target: 98, direction: 'at_least', met: true });
    expect(z.kpis.containmentOnTimePercent.value).toBeNull();
    // The rows of the other customers are untouched by Z's.
    expect(JSON.stringify(withZ.customers.filter((row) => row.customerId !== 'Z'))).toBe(JSON.stringify(march.customers));
  });
});

describe('computeMonthlyReport — other months', () => {
  it('April: the straddling complaint counts as closed, and the local-April arrivals count', () => {
    const april = report('2025-04');
    expect(april.total.complaints.received).toBe(1); // C3, received 3-31 17:00Z = 4-01 01:00 local
    expect(april.total.complaints.closed).toBe(1); // C2, open at the end of March
    // C2: 3-10 02:00Z → 4-10 02:00Z = 31 days.
    expect(april.total.complaints.meanDaysToClose).toBe(31);
    expect(april.total.complaints.openAtEnd).toBe(4); // OLD, C3, C5, C6
    expect(april.total.returns.returns).toBe(1); // R2 at 3-31 16:30Z = 4-01 00:30 local
    // D3 local 4-01 against promise 3-31: late. PPM: nothing defective (C3 undecided) over 500.
    expect(april.total.deliveries).toMatchObject({
      deliveries: 1,
      deliveredQuantity: 500,
      onTimeDeliveryPercent: 0,
      ppm: 0,
    });
    expect(april.total.notifications.specialStatusesInForceAtEnd).toBe(0); // N2 lifted 4-10
    expect(april.total.complaints.overdueAtEnd).toBe(4);
    expect(overdueNumbers('2025-04')).toEqual([OLD, C3, C6, C5].sort());
  });

  it('February: the corrected delivery lands here; the rescheduled due date is not passed yet', () => {
    const february = report('2025-02');
    // D4 corrected to 2-28 15:00Z = 2-28 23:00 local; promised 3-20: on time.
    expect(february.total.deliveries).toMatchObject({
      deliveries: 1,
      deliveredQuantity: 3000,
      onTimeDeliveryPercent: 100,
    });
    // OLD is open; its CA-1 was rescheduled on 2-05 to 3-15, which has not passed by 3-01.
    expect([february.total.complaints.openAtEnd, february.total.complaints.overdueAtEnd]).toEqual([1, 0]);
    expect(february.total.notifications.specialStatusesReceived.controlled_shipping_cs1).toBe(1);
  });

  it('January: the original due date passed on the last day but the action was done', () => {
    // CA-1 due 1-31 15:59:59.999Z (local end of 1-31) < month end 1-31 16:00Z, completed 1-30.
    const january = report('2025-01');
    expect([january.total.complaints.openAtEnd, january.total.complaints.overdueAtEnd]).toEqual([1, 0]);
  });

  it('December 2024: PPM has no value when nothing was delivered', () => {
    const december = report('2024-12');
    expect(december.total.complaints.defectiveQuantity).toBe(3); // OLD, ours
    expect(december.total.deliveries.ppm).toBeNull();
    expect(december.total.kpis.ppm).toEqual({ value: null, target: 50, direction: 'at_most', met: null });
    expect(december.total.deliveries.onTimeDeliveryPercent).toBeNull();
  });

  it('a complaint reopened later does not change the repeat status of its original', () => {
    expect(repeatNumbers('2025-03')).not.toContain(C1);
    expect(repeatNumbers('2025-04')).toEqual([]); // C3 is B/P1, no cause yet
    expect(report('2025-04').total.complaints.repeats).toBe(0);
  });
});

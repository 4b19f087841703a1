/**
 * KPI dictionary (DESIGN §8): for a complaint decided not ours, that decision is its action reply —
 * on time when decided by the action-reply deadline — and it completes the action-reply step for
 * "overdue at end of M". Four complaints of customer K, Asia/Shanghai (UTC+8), every one received
 * Monday 2026-03-02 and contained on time; the action reply is due at the end of Thursday 3-05
 * local = 2026-03-05T15:59:59.999Z (3rd working day after receipt).
 */
import type { DomainEvent } from '@qms/domain-kernel';
import { complaint as c } from '../kpi/__fixtures__/events';
import { documentsOf, project } from '../kpi/__fixtures__/project';
import { resolveReportingConfig } from '../kpi/reporting-config';
import { computeMonthlyReport } from '../monthly-report/monthly-report';
import { inputsOf, reportProjections } from '../monthly-report/__fixtures__/scenario';
import type { ComplaintDocument } from './complaint.document';
import { toTrackingListRow } from './complaint-list.views';
import { isOverdueAt } from './complaint-timeline';
import { overdueFromTokens } from './overdue-months';

const config = resolveReportingConfig();
const DUE = '2026-03-05T15:59:59.999Z';
const [N1, N2, N3, N4] = ['CC-2026-0001', 'CC-2026-0002', 'CC-2026-0003', 'CC-2026-0004'];

const opened = (number: string, hour: string): DomainEvent[] => [
  c.registered({ number, customerId: 'K', partNo: 'P1', receivedAt: `2026-03-02T0${hour}:00:00.000Z`, actionReplyDueAt: DUE }),
  c.contained(number, `2026-03-02T0${hour}:30:00.000Z`),
];

const EVENTS: readonly DomainEvent[] = [
  ...opened(N1, '1'),
  ...opened(N2, '2'),
  ...opened(N3, '3'),
  ...opened(N4, '4'),
  // N1: not ours on 3-04, before the deadline: replied on time. Stays open (sales still explaining).
  c.decided(N1, 'not_ours', 1, '2026-03-04T02:00:00.000Z'),
  // N3: ours, plan submitted on 3-04: on time (the usual reply).
  c.decided(N3, 'ours', 1, '2026-03-03T02:00:00.000Z'),
  c.planned(N3, 'corrective', 'CA-1', '2026-06-30T15:59:59.999Z', '2026-03-03T03:00:00.000Z'),
  c.submitted(N3, '2026-03-04T03:00:00.000Z'),
  // N4: ours, no plan ever submitted.
  c.decided(N4, 'ours', 1, '2026-03-03T04:00:00.000Z'),
  // N2: not ours only on 4-02, four weeks after the deadline: a late reply.
  c.decided(N2, 'not_ours', 1, '2026-04-02T02:00:00.000Z'),
];

const run = project(EVENTS, reportProjections(config), 1000);
const inputs = inputsOf(run);
const document = (number: string): ComplaintDocument => {
  const found = documentsOf<ComplaintDocument>(run, 'complaints').find((complaint) => complaint._id === number);
  if (found === undefined) throw new Error(`no ${number}`);
  return found;
};
const END_OF_MARCH = '2026-03-31T16:00:00.000Z';
const END_OF_APRIL = '2026-04-30T16:00:00.000Z';

describe('a not-ours decision is the action reply', () => {
  it('counts as on time when decided by the action-reply deadline', () => {
    const march = computeMonthlyReport('2026-03', inputs, config).total.complaints;
    // received(March) = 4. Replied by 3-05 15:59:59.999Z: N1 (not ours 3-04 02:00Z) and N3 (plan
    // 3-04 03:00Z); N2 decided 4-02 (late), N4 never replied. 2 × 100 ÷ 4 = 50 %.
    expect(march.received).toBe(4);
    expect(march.actionReplyOnTime).toBe(2);
    expect(march.actionReplyOnTimePercent).toBe((2 * 100) / 4);
  });

  it('completes the action-reply step for "overdue at end of M"', () => {
    // End of March: N2 (reply due 3-05, decided only 4-02) and N4 (no plan) owe their reply; N1
    // replied by its decision; N3 by its plan, and its CA-1 is due only 6-30. Overdue: 2.
    expect(isOverdueAt(document(N1), END_OF_MARCH)).toBe(false);
    expect(isOverdueAt(document(N2), END_OF_MARCH)).toBe(true);
    expect(computeMonthlyReport('2026-03', inputs, config).total.complaints.overdueAtEnd).toBe(2);
    // End of April: N2's decision of 4-02 is its (late) reply, so only N4 is still overdue: 1.
    expect(isOverdueAt(document(N2), END_OF_APRIL)).toBe(false);
    expect(computeMonthlyReport('2026-04', inputs, config).total.complaints.overdueAtEnd).toBe(1);
    // As list fields: N2 overdue at the end of March only; N4 from March on; N1 never.
    expect(document(N2).overdueMonths).toEqual(['2026-03']);
    expect(document(N4).overdueMonths).toEqual(overdueFromTokens('2026-03'));
    expect(document(N1).overdueMonths).toEqual([]);
  });

  it('shows in the tracking list as the action reply, met or not met', () => {
    const asOf = '2026-04-10T00:00:00.000Z';
    expect(toTrackingListRow(document(N1), asOf).actionReply).toEqual({ dueAt: DUE, doneAt: '2026-03-04T02:00:00.000Z', state: 'met' });
    expect(toTrackingListRow(document(N2), asOf).actionReply).toEqual({ dueAt: DUE, doneAt: '2026-04-02T02:00:00.000Z', state: 'not_met' });
    // Before its decision, N2's reply was simply overdue, as any other.
    const before = toTrackingListRow(document(N2), '2026-03-20T00:00:00.000Z');
    expect([before.actionReply.state, before.overdueSteps]).toEqual(['not_met', ['action_reply']]);
    expect(toTrackingListRow(document(N4), asOf).actionReply.state).toBe('not_met');
    expect(toTrackingListRow(document(N1), asOf).overdueNow).toBe(false);
  });
});

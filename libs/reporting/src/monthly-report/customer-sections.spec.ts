/**
 * DESIGN §8: "A customer gets a section only in months where it has complaints, returns,
 * deliveries, notifications or open complaints" — and the report holds no list of records, so
 * its size follows the customers active in the month, not the history. Asia/Shanghai (UTC+8).
 */
import { complaint as c, delivery, deliveryFacts } from '../kpi/__fixtures__/events';
import { project } from '../kpi/__fixtures__/project';
import { resolveReportingConfig } from '../kpi/reporting-config';
import { computeMonthlyReport } from './monthly-report';
import { inputsOf, reportProjections } from './__fixtures__/scenario';

const config = resolveReportingConfig();
const EVENTS = [
  // X: received 1-10, contained, closed 1-20 (January only). Within the repeat window of
  // February, so February's inputs hold it, yet X did nothing in February.
  c.registered({ number: 'CC-2025-0001', customerId: 'X', partNo: 'P1', receivedAt: '2025-01-10T02:00:00.000Z', actionReplyDueAt: '2025-01-15T15:59:59.999Z' }),
  c.contained('CC-2025-0001', '2025-01-10T03:00:00.000Z'),
  c.decided('CC-2025-0001', 'not_ours', 1, '2025-01-11T02:00:00.000Z'),
  c.closed('CC-2025-0001', 'not_ours', '2025-01-20T02:00:00.000Z'),
  // Y: received 1-15, never closed: open at the end of every later month.
  c.registered({ number: 'CC-2025-0002', customerId: 'Y', partNo: 'P2', receivedAt: '2025-01-15T02:00:00.000Z', actionReplyDueAt: '2025-01-20T15:59:59.999Z' }),
  // Z: one delivery in February (local 2-12), nothing else.
  delivery.recorded('SO-1', deliveryFacts({ customerId: 'Z', quantity: 100, promisedDate: '2025-02-12', deliveredAt: '2025-02-12T02:00:00.000Z' })),
];
const inputs = inputsOf(project(EVENTS, reportProjections(config), 1000));
const report = (month: string) => computeMonthlyReport(month, inputs, config);

describe('customer sections', () => {
  it('are given to the customers active in the month, and only to them', () => {
    // January: X received and closed, Y received. February: Y open, Z delivered (X's complaint
    // is only a possible repeat predecessor). March: Y open.
    expect(report('2025-01').customerIds).toEqual(['X', 'Y']);
    expect(report('2025-02').customerIds).toEqual(['Y', 'Z']);
    expect(report('2025-03').customerIds).toEqual(['Y']);
    expect(report('2025-03').customers.map((section) => section.customerId)).toEqual(['Y']);
  });

  it('hold figures: a month long after the history began is no larger for it', () => {
    // Y's open complaint is the only activity of March and of December: the same figures, so
    // the same size, however many months lie between.
    const size = (month: string) => JSON.stringify({ ...report(month), _id: '', month: '', periodStart: '', periodEnd: '' }).length;
    expect(size('2025-12')).toBe(size('2025-03'));
    expect(report('2025-12').total.complaints).toMatchObject({ received: 0, openAtEnd: 1, overdueAtEnd: 1 });
  });
});

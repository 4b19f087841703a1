import { type ValidationError } from '@qms/domain-kernel';
import { FieldChecks } from './validation';

describe('complaint field checks use the shared input rules', () => {
  const failures = (fill: (checks: FieldChecks) => void) => {
    const checks = new FieldChecks();
    fill(checks);
    try {
      checks.done();
      return [];
    } catch (error) {
      return (error as ValidationError).fieldErrors;
    }
  };

  it('refuses hour 25, 30 February, year 1 and a quantity of 1e308 instead of rolling them over', () => {
    expect(
      failures((checks) => {
        checks.instant('receivedAt', '2026-02-10T25:00:00Z');
        checks.instant('occurredAt', '2026-02-30T10:00:00Z');
        checks.deadline('dueAt', '0001-01-01', 'Asia/Shanghai');
        checks.deadline('customerDeadline', '2026-11-31', 'Asia/Shanghai');
        checks.integer('quantityAffected', 1e308, 1);
        checks.text('lot', 'L\u0000');
      }),
    ).toEqual([
      { field: 'receivedAt', message: expect.stringMatching(/25:00:00 is not a time of day/) },
      { field: 'occurredAt', message: expect.stringMatching(/day 30 does not exist/) },
      { field: 'dueAt', message: expect.stringMatching(/year 1 is outside/) },
      { field: 'customerDeadline', message: expect.stringMatching(/day 31 does not exist/) },
      { field: 'quantityAffected', message: 'must be an integer from 1 to 1000000000' },
      { field: 'lot', message: expect.stringMatching(/control character/) },
    ]);
  });

  it('keeps accepting real instants and dates', () => {
    const checks = new FieldChecks();
    expect(checks.instant('receivedAt', '2026-02-28T23:00:00+08:00').toISOString()).toBe('2026-02-28T15:00:00.000Z');
    expect(checks.deadline('dueAt', '2026-03-01', 'Asia/Shanghai').toISOString()).toBe('2026-03-01T15:59:59.999Z');
    expect(() => checks.done()).not.toThrow();
  });
});

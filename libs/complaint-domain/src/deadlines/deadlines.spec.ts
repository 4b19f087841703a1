import { ValidationError } from '@qms/domain-kernel';
import { actionReplyDueAt, computeDeadlines, containmentDueAt } from './compute';
import {
  DEFAULT_DEADLINE_POLICY,
  resolvePolicy,
  validatePolicyConfig,
  type DeadlinePolicy,
  type DeadlinePolicyConfig,
} from './policy';

const shanghai: DeadlinePolicy = {
  ...DEFAULT_DEADLINE_POLICY,
  timeZone: 'Asia/Shanghai',
  calendar: { weekendDays: [0, 6], holidays: ['2025-01-06'], extraWorkingDays: [] },
};
const berlin: DeadlinePolicy = {
  ...DEFAULT_DEADLINE_POLICY,
  timeZone: 'Europe/Berlin',
  calendar: { weekendDays: [0, 6], holidays: [], extraWorkingDays: [] },
};
const replyDue = (receivedAt: string, policy: DeadlinePolicy, severity: 'urgent' | 'normal' = 'normal') =>
  actionReplyDueAt(new Date(receivedAt), severity, policy, null).toISOString();

describe('action-reply deadline (3 working days, end of the local day)', () => {
  it('Friday 17:00 Shanghai with a holiday Monday → end of Thursday local', () => {
    // Mon 6 holiday, Tue 7 = 1, Wed 8 = 2, Thu 9 = 3; 23:59:59.999 +08:00 = 15:59:59.999Z.
    expect(replyDue('2025-01-03T09:00:00.000Z', shanghai)).toBe('2025-01-09T15:59:59.999Z');
  });

  it('counts from the local day of receipt, not the UTC day', () => {
    const noHolidays = { ...shanghai, calendar: { ...shanghai.calendar, holidays: [] } };
    // Both instants are on Sunday 5 Jan in UTC, but 16:00Z is already Monday 00:00 in Shanghai.
    // Sunday 23:59 local: Mon 6 = 1, Tue 7 = 2, Wed 8 = 3.
    expect(replyDue('2025-01-05T15:59:00.000Z', noHolidays)).toBe('2025-01-08T15:59:59.999Z');
    // Monday 00:00 local: Tue 7 = 1, Wed 8 = 2, Thu 9 = 3.
    expect(replyDue('2025-01-05T16:00:00.000Z', noHolidays)).toBe('2025-01-09T15:59:59.999Z');
  });

  it('a make-up working Saturday counts as a working day', () => {
    const withMakeUpDay = { ...shanghai, calendar: { ...shanghai.calendar, extraWorkingDays: ['2025-01-04'] } };
    // Sat 4 = 1, Mon 6 holiday, Tue 7 = 2, Wed 8 = 3.
    expect(replyDue('2025-01-03T09:00:00.000Z', withMakeUpDay)).toBe('2025-01-08T15:59:59.999Z');
  });

  it('Berlin across the October DST change ends at 23:59:59.999 CET', () => {
    // Thu 23 Oct 10:00 CEST; Fri 24 = 1, Mon 27 = 2, Tue 28 = 3 — after the change to UTC+1.
    expect(replyDue('2025-10-23T08:00:00.000Z', berlin)).toBe('2025-10-28T22:59:59.999Z');
  });

  it('Berlin late Friday evening local is still Friday although UTC is too', () => {
    // Fri 24 Oct 23:30 CEST = 21:30Z; Mon 27, Tue 28, Wed 29 → Wed end in CET.
    expect(replyDue('2025-10-24T21:30:00.000Z', berlin)).toBe('2025-10-29T22:59:59.999Z');
  });

  it('Berlin across the March DST change ends at 23:59:59.999 CEST', () => {
    // Thu 27 Mar 10:00 CET; Fri 28 = 1, Mon 31 = 2, Tue 1 Apr = 3 — after the change to UTC+2.
    expect(replyDue('2025-03-27T09:00:00.000Z', berlin)).toBe('2025-04-01T21:59:59.999Z');
  });

  it("the customer's deadline replaces the policy's", () => {
    const customerDeadline = new Date('2025-01-05T08:00:00.000Z');
    expect(actionReplyDueAt(new Date('2025-01-03T09:00:00.000Z'), 'normal', shanghai, customerDeadline)).toEqual(
      customerDeadline,
    );
  });
});

describe('by_severity variant (urgent 2 / normal 7 days)', () => {
  const bySeverity: DeadlinePolicy = { ...shanghai, variant: 'by_severity' };

  it('counts calendar days by default', () => {
    expect(replyDue('2025-01-03T09:00:00.000Z', bySeverity, 'urgent')).toBe('2025-01-05T15:59:59.999Z');
    expect(replyDue('2025-01-03T09:00:00.000Z', bySeverity, 'normal')).toBe('2025-01-10T15:59:59.999Z');
  });

  it('can count working days', () => {
    const working = { ...bySeverity, bySeverity: { ...bySeverity.bySeverity, count: 'working_days' as const } };
    // Tue 7 = 1, Wed 8 = 2 (Monday is a holiday).
    expect(replyDue('2025-01-03T09:00:00.000Z', working, 'urgent')).toBe('2025-01-08T15:59:59.999Z');
  });
});

describe('containment deadline (24 clock hours)', () => {
  it('is received + 24 h', () => {
    expect(containmentDueAt(new Date('2025-01-03T09:00:00.000Z'), shanghai).toISOString()).toBe(
      '2025-01-04T09:00:00.000Z',
    );
  });

  it('counts clock hours across the DST change, not wall-clock time', () => {
    // Sat 25 Oct 12:00 CEST → 24 h later is Sun 26 Oct 11:00 CET.
    expect(containmentDueAt(new Date('2025-10-25T10:00:00.000Z'), berlin).toISOString()).toBe('2025-10-26T10:00:00.000Z');
  });

  it('follows the configured hours', () => {
    const deadlines = computeDeadlines(
      { receivedAt: new Date('2025-01-03T09:00:00.000Z'), severity: 'urgent', customerDeadline: null },
      { ...shanghai, containmentHours: 8 },
    );
    expect(deadlines.containmentDueAt.toISOString()).toBe('2025-01-03T17:00:00.000Z');
  });
});

describe('resolvePolicy', () => {
  const config: DeadlinePolicyConfig = {
    default: shanghai,
    customers: { BOSCH: { timeZone: 'Europe/Berlin', actionReplyWorkingDays: 5, calendar: { holidays: [] } } },
  };

  it('applies a customer override on top of the default', () => {
    const policy = resolvePolicy(config, 'BOSCH');
    expect(policy).toEqual({
      ...shanghai,
      id: 'customer:BOSCH',
      timeZone: 'Europe/Berlin',
      actionReplyWorkingDays: 5,
      calendar: { ...shanghai.calendar, holidays: [] },
    });
  });

  it('gives other customers the default', () => {
    expect(resolvePolicy(config, 'ACME')).toBe(shanghai);
    expect(resolvePolicy(config, 'toString')).toBe(shanghai);
  });
});

describe('validatePolicyConfig', () => {
  const fieldsOf = (config: DeadlinePolicyConfig): string[] => {
    try {
      validatePolicyConfig(config);
      return [];
    } catch (error) {
      expect(error).toBeInstanceOf(ValidationError);
      return (error as ValidationError).fieldErrors.map((fieldError) => fieldError.field);
    }
  };

  it('accepts the default', () => {
    expect(fieldsOf({ default: DEFAULT_DEADLINE_POLICY })).toEqual([]);
  });

  it('names each bad setting', () => {
    expect(
      fieldsOf({
        default: { ...shanghai, timeZone: 'Mars/Olympus', actionReplyWorkingDays: 0 },
        customers: { ACME: { calendar: { holidays: ['2025-02-30'], weekendDays: [0, 1, 2, 3, 4, 5, 6] } } },
      }),
    ).toEqual([
      'default.actionReplyWorkingDays',
      'default.timeZone',
      'customers.ACME.actionReplyWorkingDays',
      'customers.ACME.timeZone',
      'customers.ACME.calendar.weekendDays',
      'customers.ACME.calendar.holidays',
    ]);
  });
});

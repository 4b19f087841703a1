import {
  type Actor,
  ForbiddenError,
  IllegalStateError,
  NotFoundError,
  type Role,
  ValidationError,
} from '@qms/domain-kernel';
import { contextAt, deciderSpec } from '../../testing/src/decider-spec';
import type { CorrectDelivery, RecordDelivery } from './commands';
import { createDeliveryDecider } from './decider';
import { type DeliveryEvent, type DeliveryRecorded, deliveryStreamId } from './events';

const spec = deciderSpec(createDeliveryDecider());
const NOW = '2026-03-10T00:00:00.000Z';
const as = (role: Role) => contextAt(NOW, { userId: `${role}-1`, role } satisfies Actor);

const record: RecordDelivery = {
  type: 'RecordDelivery',
  customerId: 'CUST-A',
  orderNo: 'SO-1001',
  lineNo: '10',
  partNo: 'P-100',
  quantity: 500,
  promisedDate: '2026-03-05',
  deliveredAt: '2026-03-05T14:00:00+08:00',
  premiumFreight: true,
};
const recorded: DeliveryRecorded = {
  type: 'DeliveryRecorded',
  data: {
    orderNo: 'SO-1001',
    lineNo: '10',
    customerId: 'CUST-A',
    partNo: 'P-100',
    quantity: 500,
    promisedDate: '2026-03-05',
    deliveredAt: '2026-03-05T06:00:00.000Z',
    premiumFreight: true,
    occurredAt: '2026-03-05T06:00:00.000Z',
  },
};

describe('recording a delivery (DESIGN §6)', () => {
  it('records the order line with business time = delivered at (UTC)', () => {
    spec.given([]).when(record, as('sales')).then([recorded]);
  });

  it('defaults premium freight to false', () => {
    const { premiumFreight: _omitted, ...plain } = record;
    const events = spec.given([]).when(plain, as('planning')).thenEvents();
    expect(events[0]?.data).toMatchObject({ premiumFreight: false });
  });

  it('ignores the same line recorded again with identical facts (re-imported export)', () => {
    spec.given([recorded]).when(record, as('sales')).then([]);
    spec
      .given([recorded])
      .when({ ...record, deliveredAt: '2026-03-05T06:00:00Z' }, as('sales'))
      .then([]);
  });

  it('refuses the same line with different facts and points to a correction', () => {
    spec
      .given([recorded])
      .when({ ...record, quantity: 499 }, as('sales'))
      .thenThrows(
        IllegalStateError,
        /SO-1001 line 10 was already recorded with different facts \(quantity: recorded 500, now 499\).*CorrectDelivery/,
      );
  });

  it('names every bad field', () => {
    const bad = {
      ...record,
      customerId: '',
      quantity: -1,
      promisedDate: '2026-02-29',
      deliveredAt: '2026-03-11T00:00:00Z',
    };
    spec
      .given([])
      .when(bad, as('sales'))
      .thenThrows(
        ValidationError,
        /customerId: is required; quantity: must be a positive integer[^;]*; promisedDate: .*; deliveredAt: is in the future/,
      );
  });

  it('may be done by sales and planning only', () => {
    for (const role of ['quality', 'department', 'management', 'warehouse', 'auditor', 'admin'] as const) {
      spec
        .given([])
        .when(record, as(role))
        .thenThrows(ForbiddenError, new RegExp(`${role} may not RecordDelivery`));
    }
  });
});

describe('correcting a delivery', () => {
  const correct: CorrectDelivery = {
    type: 'CorrectDelivery',
    orderNo: 'SO-1001',
    lineNo: '10',
    changes: { quantity: 450, deliveredAt: '2026-03-06T01:00:00Z' },
    reason: 'ERP posted the partial shipment twice',
    occurredAt: '2026-03-09T08:00:00Z',
  };
  const corrected: DeliveryEvent = {
    type: 'DeliveryCorrected',
    data: {
      orderNo: 'SO-1001',
      lineNo: '10',
      previous: {
        customerId: 'CUST-A',
        partNo: 'P-100',
        quantity: 500,
        promisedDate: '2026-03-05',
        deliveredAt: '2026-03-05T06:00:00.000Z',
        premiumFreight: true,
      },
      corrected: {
        customerId: 'CUST-A',
        partNo: 'P-100',
        quantity: 450,
        promisedDate: '2026-03-05',
        deliveredAt: '2026-03-06T01:00:00.000Z',
        premiumFreight: true,
      },
      reason: 'ERP posted the partial shipment twice',
      occurredAt: '2026-03-09T08:00:00.000Z',
    },
  };

  it('records previous and corrected facts with a reason', () => {
    spec.given([recorded]).when(correct, as('sales')).then([corrected]);
  });

  it('after a correction, a re-import of the original or the corrected line changes nothing', () => {
    spec.given([recorded, corrected]).when(record, as('sales')).then([]);
    spec
      .given([recorded, corrected])
      .when({ ...record, quantity: 450, deliveredAt: '2026-03-06T01:00:00Z' }, as('sales'))
      .then([]);
  });

  it('refuses a correction that changes nothing, or has no reason, or no recorded line', () => {
    spec
      .given([recorded])
      .when({ ...correct, changes: { quantity: 500 } }, as('sales'))
      .thenThrows(IllegalStateError, /changes nothing/);
    spec
      .given([recorded])
      .when({ ...correct, reason: ' ' }, as('sales'))
      .thenThrows(ValidationError, /reason: is required/);
    spec
      .given([recorded])
      .when({ ...correct, changes: {} }, as('sales'))
      .thenThrows(ValidationError, /changes: name at least one/);
    spec
      .given([])
      .when(correct, as('sales'))
      .thenThrows(NotFoundError, /no recorded delivery/);
  });

  it('validates the corrected facts', () => {
    spec
      .given([recorded])
      .when({ ...correct, changes: { quantity: 0 } }, as('sales'))
      .thenThrows(ValidationError, /changes\.quantity/);
  });

  it('is refused for other roles', () => {
    spec.given([recorded]).when(correct, as('quality')).thenThrows(ForbiddenError);
  });
});

describe('deliveryStreamId', () => {
  it('keeps order and line apart whatever characters they contain', () => {
    expect(deliveryStreamId('SO-1001', '10')).toBe('delivery-SO-1001:10');
    expect(deliveryStreamId('A:1', '2')).not.toBe(deliveryStreamId('A', '1:2'));
    expect(deliveryStreamId('A/B C', '1')).toBe('delivery-A%2FB%20C:1');
  });
});

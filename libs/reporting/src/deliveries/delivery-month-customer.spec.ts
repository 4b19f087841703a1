import type { DeliveryEvent } from '@qms/delivery-domain';
import { delivery, deliveryFacts } from '../kpi/__fixtures__/events';
import { documentsOf, project } from '../kpi/__fixtures__/project';
import type { ReadModelProjection } from '../kpi/projection-shape';
import { resolveReportingConfig } from '../kpi/reporting-config';
import {
  DELIVERY_MONTH_CUSTOMER_COLLECTION,
  createDeliveryMonthCustomerProjection,
  type DeliveryMonthCustomerDocument,
} from './delivery-month-customer.projection';

const config = resolveReportingConfig(); // Asia/Shanghai, window 0
const run = (events: DeliveryEvent[], passIds = true, window = 0) =>
  documentsOf<DeliveryMonthCustomerDocument>(
    project(
      events,
      [
        createDeliveryMonthCustomerProjection({ ...config, onTimeDeliveryWindowDays: window }),
      ] as unknown as ReadModelProjection<never, never>[],
      1,
      passIds,
    ),
    DELIVERY_MONTH_CUSTOMER_COLLECTION,
  );

// 2025-04-30 16:30Z is 2025-05-01 00:30 in Shanghai: a May delivery, one day after its promise.
const lateMay = deliveryFacts({
  customerId: 'ACME',
  quantity: 120,
  promisedDate: '2025-04-30',
  deliveredAt: '2025-04-30T16:30:00.000Z',
  premiumFreight: true,
});
const april = deliveryFacts({
  customerId: 'ACME',
  quantity: 80,
  promisedDate: '2025-04-30',
  deliveredAt: '2025-04-30T15:00:00.000Z',
});

describe('delivery_month_customer', () => {
  it('aggregates by local month and customer, judging on time by the local date', () => {
    expect(run([delivery.recorded('SO-1', lateMay), delivery.recorded('SO-2', april)])).toEqual([
      {
        _id: '2025-04|ACME',
        month: '2025-04',
        customerId: 'ACME',
        deliveries: 1,
        deliveredQuantity: 80,
        onTimeDeliveries: 1,
        premiumFreightDeliveries: 0,
      },
      {
        _id: '2025-05|ACME',
        month: '2025-05',
        customerId: 'ACME',
        deliveries: 1,
        deliveredQuantity: 120,
        onTimeDeliveries: 0,
        premiumFreightDeliveries: 1,
      },
    ]);
  });

  it('a window of days moves the on-time limit', () => {
    expect(run([delivery.recorded('SO-1', lateMay)], true, 1)[0]?.onTimeDeliveries).toBe(1);
  });

  it.each([true, false])(
    'a correction moves the line between months and customers (ids passed: %s)',
    (passIds) => {
      const corrected = {
        ...lateMay,
        customerId: 'BETA',
        quantity: 100,
        deliveredAt: '2025-04-30T10:00:00.000Z',
        premiumFreight: false,
      };
      const documents = run(
        [
          delivery.recorded('SO-1', lateMay),
          delivery.recorded('SO-2', april),
          delivery.corrected('SO-1', lateMay, corrected, '2025-05-02T00:00:00.000Z'),
        ],
        passIds,
      );
      // May|ACME lost its only line and is gone; BETA gets 100 pieces in April, on time.
      expect(documents).toEqual([
        {
          _id: '2025-04|ACME',
          month: '2025-04',
          customerId: 'ACME',
          deliveries: 1,
          deliveredQuantity: 80,
          onTimeDeliveries: 1,
          premiumFreightDeliveries: 0,
        },
        {
          _id: '2025-04|BETA',
          month: '2025-04',
          customerId: 'BETA',
          deliveries: 1,
          deliveredQuantity: 100,
          onTimeDeliveries: 1,
          premiumFreightDeliveries: 0,
        },
      ]);
    },
  );

  it('a correction within the same month and customer changes the figures in place', () => {
    const corrected = { ...april, quantity: 90, deliveredAt: '2025-04-02T00:00:00.000Z' };
    expect(
      run([
        delivery.recorded('SO-2', april),
        delivery.corrected('SO-2', april, corrected, '2025-05-01T00:00:00.000Z'),
      ]),
    ).toEqual([
      {
        _id: '2025-04|ACME',
        month: '2025-04',
        customerId: 'ACME',
        deliveries: 1,
        deliveredQuantity: 90,
        onTimeDeliveries: 1,
        premiumFreightDeliveries: 0,
      },
    ]);
  });
});

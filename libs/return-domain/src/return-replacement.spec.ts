import { ForbiddenError, IllegalStateError, ValidationError } from '@qms/domain-kernel';
import { deciderSpec } from '../../testing/src/decider-spec';
import type { CheckStock, ConfirmStock, RequestEmergencyProduction } from './commands';
import { createReturnDecider } from './decider';
import type { ReturnEvent } from './events';
import { RETURN_ID, base, ctx, received } from './spec-fixtures';

const spec = deciderSpec(createReturnDecider());

const check: CheckStock = {
  type: 'CheckStock',
  returnId: RETURN_ID,
  materialNo: 'MAT-100',
  requiredQuantity: 100,
  availableQuantity: 70,
  occurredAt: '2026-03-02T03:00:00Z',
};
const checked = (availableQuantity: number): ReturnEvent => ({
  type: 'StockChecked',
  data: {
    ...base('2026-03-02T03:00:00.000Z'),
    materialNo: 'MAT-100',
    requiredQuantity: 100,
    availableQuantity,
  },
});
const stockChecked = checked(70);
const confirm: ConfirmStock = {
  type: 'ConfirmStock',
  returnId: RETURN_ID,
  materialNo: 'MAT-100',
  confirmedAvailableQuantity: 60,
  occurredAt: '2026-03-02T04:00:00Z',
};
const confirmed = (confirmedAvailableQuantity: number): ReturnEvent => ({
  type: 'StockConfirmed',
  data: {
    ...base('2026-03-02T04:00:00.000Z'),
    materialNo: 'MAT-100',
    requiredQuantity: 100,
    confirmedAvailableQuantity,
    shortQuantity: Math.max(0, 100 - confirmedAvailableQuantity),
  },
});
const emergency: RequestEmergencyProduction = {
  type: 'RequestEmergencyProduction',
  returnId: RETURN_ID,
  materialNo: 'MAT-100',
  neededBy: '2026-03-06',
  occurredAt: '2026-03-02T05:00:00Z',
};

describe('stock check for replacement (planning counts, quality confirms, §6.1.5)', () => {
  it('records planning’s count for a returned material', () => {
    spec.given([received]).when(check, ctx('planning')).then([stockChecked]);
  });

  it('refuses a material that was not returned', () => {
    spec
      .given([received])
      .when({ ...check, materialNo: 'MAT-999' }, ctx('planning'))
      .thenThrows(IllegalStateError, /contains no material MAT-999/);
  });

  it('records quality’s confirmation with the shortage (100 required − 60 usable = 40)', () => {
    spec
      .given([received, stockChecked])
      .when(confirm, ctx('quality'))
      .then([confirmed(60)]);
  });

  it('refuses confirming before planning checked, or more than planning counted', () => {
    spec
      .given([received])
      .when(confirm, ctx('quality'))
      .thenThrows(IllegalStateError, /has not been checked by planning/);
    spec
      .given([received, stockChecked])
      .when({ ...confirm, confirmedAvailableQuantity: 71 }, ctx('quality'))
      .thenThrows(IllegalStateError, /cannot confirm 71 of MAT-100: planning counted only 70/);
  });

  it('refuses confirming the same check twice', () => {
    spec
      .given([received, stockChecked, confirmed(60)])
      .when(confirm, ctx('quality'))
      .thenThrows(IllegalStateError, /already confirmed/);
  });

  it('lets planning recount, which needs a new confirmation', () => {
    spec
      .given([received, stockChecked, confirmed(60), stockChecked])
      .when(emergency, ctx('planning'))
      .thenThrows(IllegalStateError, /must be confirmed by quality/);
  });

  it('roles: planning checks, quality confirms', () => {
    spec.given([received]).when(check, ctx('quality')).thenThrows(ForbiddenError);
    spec.given([received, stockChecked]).when(confirm, ctx('planning')).thenThrows(ForbiddenError);
  });
});

describe('emergency production when stock is short (planning, §6.2.5)', () => {
  it('requests the confirmed shortage by default', () => {
    spec
      .given([received, stockChecked, confirmed(60)])
      .when(emergency, ctx('planning'))
      .then([
        {
          type: 'EmergencyProductionRequested',
          data: {
            ...base('2026-03-02T05:00:00.000Z'),
            materialNo: 'MAT-100',
            quantity: 40,
            neededBy: '2026-03-06',
          },
        },
      ]);
  });

  it('may request more than short, never less', () => {
    const events = spec
      .given([received, stockChecked, confirmed(60)])
      .when({ ...emergency, quantity: 50 }, ctx('planning'))
      .thenEvents();
    expect(events[0]?.data).toMatchObject({ quantity: 50 });
    spec
      .given([received, stockChecked, confirmed(60)])
      .when({ ...emergency, quantity: 39 }, ctx('planning'))
      .thenThrows(IllegalStateError, /39 does not cover the shortage of 40/);
  });

  it('refuses when stock is not confirmed or not short', () => {
    spec
      .given([received, stockChecked])
      .when(emergency, ctx('planning'))
      .thenThrows(IllegalStateError, /must be confirmed by quality/);
    spec
      .given([received, checked(150), confirmed(100)])
      .when(emergency, ctx('planning'))
      .thenThrows(IllegalStateError, /no emergency production/);
  });

  it('refuses a second request for the same shortage, and a recount after it', () => {
    const requested = spec
      .given([received, stockChecked, confirmed(60)])
      .when(emergency, ctx('planning'))
      .thenEvents();
    const given = [received, stockChecked, confirmed(60), ...requested];
    spec
      .given(given)
      .when(emergency, ctx('planning'))
      .thenThrows(IllegalStateError, /already requested/);
    spec
      .given(given)
      .when(check, ctx('planning'))
      .thenThrows(IllegalStateError, /already requested/);
  });

  it('refuses a malformed needed-by date', () => {
    spec
      .given([received, stockChecked, confirmed(60)])
      .when({ ...emergency, neededBy: '2026-02-30' }, ctx('planning'))
      .thenThrows(ValidationError, /neededBy/);
  });

  it('is planning’s job', () => {
    spec
      .given([received, stockChecked, confirmed(60)])
      .when(emergency, ctx('sales'))
      .thenThrows(ForbiddenError);
  });
});

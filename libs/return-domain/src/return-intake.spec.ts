import { ForbiddenError, IllegalStateError, NotFoundError, ValidationError } from '@qms/domain-kernel';
import { deciderSpec } from '../../testing/src/decider-spec';
import type { InspectReturn, ReceiveReturn } from './commands';
import { createReturnDecider } from './decider';
import { CUSTOMER, RECEIVED_AT, RETURN_ID, base, ctx, inspected, received } from './spec-fixtures';

const spec = deciderSpec(createReturnDecider());

const receive: ReceiveReturn = {
  type: 'ReceiveReturn',
  returnId: RETURN_ID,
  receivingNoteNo: 'RN-5501',
  customerId: CUSTOMER,
  items: [
    { itemNo: 1, materialNo: 'MAT-100', quantity: 100 },
    { itemNo: 2, materialNo: 'MAT-200', quantity: 20 },
  ],
  complaintNumber: 'CC-2026-0003',
  urgentNeed: true,
  occurredAt: '2026-03-02T09:00:00+08:00',
};

describe('receiving a return (warehouse, §7.2)', () => {
  it('records the receiving note with its items, business time normalised to UTC', () => {
    spec.given([]).when(receive, ctx('warehouse')).then([received]);
  });

  it('records a periodic/bulk return as not being a complaint', () => {
    const events = spec
      .given([])
      .when({ ...receive, complaintNumber: null, periodicBulk: true, urgentNeed: false }, ctx('warehouse'))
      .thenEvents();
    expect(events[0]?.data).toMatchObject({ complaintNumber: null, periodicBulk: true, urgentNeed: false });
  });

  it('refuses a periodic/bulk return linked to a complaint (§7.1)', () => {
    spec
      .given([])
      .when({ ...receive, periodicBulk: true }, ctx('warehouse'))
      .thenThrows(ValidationError, /complaintNumber: a periodic\/bulk/);
  });

  it('refuses receiving the same return twice', () => {
    spec
      .given([received])
      .when(receive, ctx('warehouse'))
      .thenThrows(IllegalStateError, /already received/);
  });

  it('names every bad item field', () => {
    const bad = {
      ...receive,
      items: [
        { itemNo: 1, materialNo: '', quantity: 0 },
        { itemNo: 1, materialNo: 'X', quantity: 2.5 },
      ],
    };
    spec
      .given([])
      .when(bad, ctx('warehouse'))
      .thenThrows(
        ValidationError,
        /items\[0\]\.materialNo.*items\[0\]\.quantity.*items\[1\]\.quantity.*items\[1\]\.itemNo: item 1 appears more than once/,
      );
  });

  it('refuses a return with no items', () => {
    spec
      .given([])
      .when({ ...receive, items: [] }, ctx('warehouse'))
      .thenThrows(ValidationError, /items: at least one/);
  });

  it('refuses a business time in the future', () => {
    spec
      .given([])
      .when({ ...receive, occurredAt: '2026-03-10T08:00:00.001Z' }, ctx('warehouse'))
      .thenThrows(ValidationError, /occurredAt: is in the future/);
  });

  it('refuses an impossible calendar date', () => {
    spec
      .given([])
      .when({ ...receive, occurredAt: '2026-02-30T08:00:00Z' }, ctx('warehouse'))
      .thenThrows(ValidationError, /occurredAt/);
  });

  it('uses the decision time when no business time is given', () => {
    const { occurredAt: _omitted, ...withoutTime } = receive;
    const events = spec
      .given([])
      .when(withoutTime, ctx('warehouse', '2026-03-09T10:00:00.000Z'))
      .thenEvents();
    expect(events[0]?.data.occurredAt).toBe('2026-03-09T10:00:00.000Z');
  });

  it('is the warehouse’s job', () => {
    spec
      .given([])
      .when(receive, ctx('quality'))
      .thenThrows(ForbiddenError, /quality may not ReceiveReturn/);
  });
});

const inspect: InspectReturn = {
  type: 'InspectReturn',
  returnId: RETURN_ID,
  items: [
    { itemNo: 1, defectiveQuantity: 30 },
    { itemNo: 2, defectiveQuantity: 0 },
  ],
  responsibility: 'ours',
  findings: 'Burr on flange',
  occurredAt: '2026-03-03T02:00:00Z',
};

describe('inspecting a return (quality, §6.2.4)', () => {
  it('records the confirmed defective quantity per item and the responsibility', () => {
    spec.given([received]).when(inspect, ctx('quality')).then([inspected]);
  });

  it('concludes no trouble found when nothing is defective (IATF 10.2.5)', () => {
    const ntf = {
      ...inspect,
      items: [
        { itemNo: 1, defectiveQuantity: 0 },
        { itemNo: 2, defectiveQuantity: 0 },
      ],
      responsibility: null,
    };
    spec
      .given([received])
      .when(ntf, ctx('quality'))
      .then([
        {
          type: 'ReturnInspected',
          data: {
            ...base('2026-03-03T02:00:00.000Z'),
            result: 'no_trouble_found',
            responsibility: null,
            items: [
              { itemNo: 1, materialNo: 'MAT-100', receivedQuantity: 100, defectiveQuantity: 0 },
              { itemNo: 2, materialNo: 'MAT-200', receivedQuantity: 20, defectiveQuantity: 0 },
            ],
            totalReceivedQuantity: 120,
            totalDefectiveQuantity: 0,
            findings: 'Burr on flange',
          },
        },
      ]);
  });

  it('refuses a responsibility when no trouble was found', () => {
    const ntf = {
      ...inspect,
      items: [
        { itemNo: 1, defectiveQuantity: 0 },
        { itemNo: 2, defectiveQuantity: 0 },
      ],
    };
    spec
      .given([received])
      .when(ntf, ctx('quality'))
      .thenThrows(IllegalStateError, /No trouble found/);
  });

  it('needs a responsibility when something is defective', () => {
    spec
      .given([received])
      .when({ ...inspect, responsibility: null }, ctx('quality'))
      .thenThrows(IllegalStateError, /needs a responsibility/);
  });

  it('refuses more defective pieces than were received', () => {
    const tooMany = {
      ...inspect,
      items: [
        { itemNo: 1, defectiveQuantity: 101 },
        { itemNo: 2, defectiveQuantity: 0 },
      ],
    };
    spec
      .given([received])
      .when(tooMany, ctx('quality'))
      .thenThrows(IllegalStateError, /Item 1: defective quantity 101 exceeds the 100 received/);
  });

  it('needs every received item exactly once', () => {
    spec
      .given([received])
      .when({ ...inspect, items: [{ itemNo: 1, defectiveQuantity: 3 }] }, ctx('quality'))
      .thenThrows(IllegalStateError, /item 2 exactly once/);
  });

  it('refuses an item that was not received', () => {
    const extra = { ...inspect, items: [...inspect.items, { itemNo: 9, defectiveQuantity: 1 }] };
    spec
      .given([received])
      .when(extra, ctx('quality'))
      .thenThrows(IllegalStateError, /has no item 9/);
  });

  it('refuses a second inspection', () => {
    spec
      .given([received, inspected])
      .when(inspect, ctx('quality'))
      .thenThrows(IllegalStateError, /already inspected/);
  });

  it('refuses inspecting before the goods arrived', () => {
    spec
      .given([received])
      .when({ ...inspect, occurredAt: '2026-03-02T00:59:59Z' }, ctx('quality'))
      .thenThrows(ValidationError, new RegExp(`before the return was received \\(${RECEIVED_AT}\\)`));
  });

  it('refuses inspecting a return that was never received', () => {
    spec
      .given([])
      .when(inspect, ctx('quality'))
      .thenThrows(NotFoundError, /has not been received/);
  });

  it('is quality’s job', () => {
    spec.given([received]).when(inspect, ctx('warehouse')).thenThrows(ForbiddenError);
  });
});

import { ForbiddenError, IllegalStateError, ValidationError } from '@qms/domain-kernel';
import { deciderSpec } from '../../testing/src/decider-spec';
import type { CompleteRework, DispositionReturnItem, IssueReworkOrder } from './commands';
import { createReturnDecider } from './decider';
import type { ReturnEvent } from './events';
import { RETURN_ID, base, ctx, dispositioned, inspected, received, reworkOrderIssued } from './spec-fixtures';

const spec = deciderSpec(createReturnDecider());

const rework: DispositionReturnItem = {
  type: 'DispositionReturnItem',
  returnId: RETURN_ID,
  itemNo: 1,
  quantity: 30,
  disposition: 'rework',
  reworkInstruction: 'rework',
  occurredAt: '2026-03-04T02:00:00Z',
};

describe('dispositioning returned items (quality, §7.2)', () => {
  it('sends pieces to rework with a rework or 100 % inspection instruction', () => {
    spec
      .given([received, inspected])
      .when(rework, ctx('quality'))
      .then([dispositioned(1)]);
    const events = spec
      .given([received, inspected])
      .when({ ...rework, reworkInstruction: 'full_inspection' }, ctx('quality'))
      .thenEvents();
    expect(events[0]?.data).toMatchObject({ disposition: 'rework', reworkInstruction: 'full_inspection' });
  });

  it('numbers dispositions in sequence', () => {
    const events = spec
      .given([received, inspected, dispositioned(1)])
      .when({ ...rework, quantity: 5 }, ctx('quality'))
      .thenEvents();
    expect(events[0]?.data).toMatchObject({ dispositionNo: 2 });
  });

  it('needs a rework instruction for rework and refuses it elsewhere', () => {
    spec
      .given([received, inspected])
      .when({ ...rework, reworkInstruction: null }, ctx('quality'))
      .thenThrows(ValidationError, /reworkInstruction/);
    spec
      .given([received, inspected])
      .when({ ...rework, disposition: 'sort' }, ctx('quality'))
      .thenThrows(ValidationError, /reworkInstruction: applies to a rework disposition only/);
  });

  it('scraps nonconforming pieces under a nonconforming-product record', () => {
    const scrap: DispositionReturnItem = {
      ...rework,
      disposition: 'scrap',
      reworkInstruction: null,
      nonconformingReportNo: 'NC-88',
    };
    spec
      .given([received, inspected])
      .when(scrap, ctx('quality'))
      .then([
        dispositioned(1, { disposition: 'scrap', reworkInstruction: null, nonconformingReportNo: 'NC-88' }),
      ]);
    spec
      .given([received, inspected])
      .when({ ...scrap, nonconformingReportNo: null }, ctx('quality'))
      .thenThrows(
        ValidationError,
        /nonconformingReportNo: scrap is handled under nonconforming-product control/,
      );
  });

  it('uses pieces as is only with the customer’s concession (IATF 8.7.1.1)', () => {
    const useAsIs: DispositionReturnItem = { ...rework, disposition: 'use_as_is', reworkInstruction: null };
    spec
      .given([received, inspected])
      .when(useAsIs, ctx('quality'))
      .thenThrows(ValidationError, /concessionReference: .*IATF 8\.7\.1\.1/);
    spec
      .given([received, inspected])
      .when({ ...useAsIs, concessionReference: 'CONC-12' }, ctx('quality'))
      .then([
        dispositioned(1, {
          disposition: 'use_as_is',
          reworkInstruction: null,
          concessionReference: 'CONC-12',
        }),
      ]);
  });

  it('refuses a concession reference on other dispositions', () => {
    spec
      .given([received, inspected])
      .when({ ...rework, concessionReference: 'CONC-12' }, ctx('quality'))
      .thenThrows(ValidationError, /concessionReference: applies to a use-as-is disposition only/);
  });

  it('refuses a disposition before inspection', () => {
    spec
      .given([received])
      .when(rework, ctx('quality'))
      .thenThrows(IllegalStateError, /must be inspected before any disposition/);
  });

  it('refuses dispositioning more than was received, summed over dispositions', () => {
    const given = [
      received,
      inspected,
      dispositioned(1, { quantity: 60 }),
      dispositioned(2, { disposition: 'sort', reworkInstruction: null, quantity: 30 }),
    ];
    spec
      .given(given)
      .when({ ...rework, quantity: 11 }, ctx('quality'))
      .thenThrows(IllegalStateError, /cannot disposition 11; only 10 of the 100 received are still/);
    const events = spec
      .given(given)
      .when({ ...rework, quantity: 10 }, ctx('quality'))
      .thenEvents();
    expect(events[0]?.data).toMatchObject({ quantity: 10 });
  });

  it('keeps each item’s quantity apart', () => {
    spec
      .given([received, inspected])
      .when({ ...rework, itemNo: 2, quantity: 21 }, ctx('quality'))
      .thenThrows(IllegalStateError, /only 20 of the 20/);
  });

  it('refuses an item that was not received', () => {
    spec
      .given([received, inspected])
      .when({ ...rework, itemNo: 3 }, ctx('quality'))
      .thenThrows(IllegalStateError, /has no item 3/);
  });

  it('re-dispositions pieces that failed rework, but no more than failed', () => {
    const given: ReturnEvent[] = [
      received,
      inspected,
      dispositioned(1, { quantity: 100 }),
      reworkOrderIssued(1, 100),
      {
        type: 'ReworkCompleted',
        data: {
          ...base('2026-03-05T02:00:00.000Z'),
          dispositionNo: 1,
          itemNo: 1,
          materialNo: 'MAT-100',
          reworkOrderNo: 'RW-1',
          reworkInstruction: 'rework',
          passedQuantity: 96,
          failedQuantity: 4,
        },
      },
    ];
    const scrapFailed: DispositionReturnItem = {
      ...rework,
      occurredAt: '2026-03-06T02:00:00Z',
      disposition: 'scrap',
      reworkInstruction: null,
      nonconformingReportNo: 'NC-90',
      source: 'failed_rework',
      quantity: 4,
    };
    spec
      .given(given)
      .when(scrapFailed, ctx('quality'))
      .then([
        dispositioned(2, {
          ...base('2026-03-06T02:00:00.000Z'),
          disposition: 'scrap',
          reworkInstruction: null,
          nonconformingReportNo: 'NC-90',
          source: 'failed_rework',
          quantity: 4,
        }),
      ]);
    spec
      .given(given)
      .when({ ...scrapFailed, quantity: 5 }, ctx('quality'))
      .thenThrows(IllegalStateError, /only 4 from failed rework/);
    spec
      .given(given)
      .when({ ...scrapFailed, source: 'received', quantity: 1 }, ctx('quality'))
      .thenThrows(IllegalStateError, /only 0 of the 100 received/);
  });

  it('is quality’s job', () => {
    spec.given([received, inspected]).when(rework, ctx('planning')).thenThrows(ForbiddenError);
  });
});

const issueOrder: IssueReworkOrder = {
  type: 'IssueReworkOrder',
  returnId: RETURN_ID,
  dispositionNo: 1,
  reworkOrderNo: 'RW-1',
  occurredAt: '2026-03-04T03:00:00Z',
};

describe('rework orders (planning, §7.2)', () => {
  it('opens a rework order for a rework disposition', () => {
    spec
      .given([received, inspected, dispositioned(1)])
      .when(issueOrder, ctx('planning'))
      .then([reworkOrderIssued(1)]);
  });

  it('refuses a rework order for another disposition', () => {
    const sorted = dispositioned(1, { disposition: 'sort', reworkInstruction: null });
    spec
      .given([received, inspected, sorted])
      .when(issueOrder, ctx('planning'))
      .thenThrows(IllegalStateError, /is sort, not rework/);
  });

  it('refuses an unknown disposition and a second order', () => {
    spec
      .given([received, inspected])
      .when(issueOrder, ctx('planning'))
      .thenThrows(IllegalStateError, /has no disposition 1/);
    spec
      .given([received, inspected, dispositioned(1), reworkOrderIssued(1)])
      .when({ ...issueOrder, reworkOrderNo: 'RW-2' }, ctx('planning'))
      .thenThrows(IllegalStateError, /already has rework order RW-1/);
  });

  it('is planning’s job', () => {
    spec
      .given([received, inspected, dispositioned(1)])
      .when(issueOrder, ctx('quality'))
      .thenThrows(ForbiddenError);
  });
});

const complete: CompleteRework = {
  type: 'CompleteRework',
  returnId: RETURN_ID,
  dispositionNo: 1,
  passedQuantity: 27,
  failedQuantity: 3,
  occurredAt: '2026-03-05T02:00:00Z',
};

describe('completing rework (quality)', () => {
  const ordered = [received, inspected, dispositioned(1), reworkOrderIssued(1)];

  it('records passed and failed pieces', () => {
    spec
      .given(ordered)
      .when(complete, ctx('quality'))
      .then([
        {
          type: 'ReworkCompleted',
          data: {
            ...base('2026-03-05T02:00:00.000Z'),
            dispositionNo: 1,
            itemNo: 1,
            materialNo: 'MAT-100',
            reworkOrderNo: 'RW-1',
            reworkInstruction: 'rework',
            passedQuantity: 27,
            failedQuantity: 3,
          },
        },
      ]);
  });

  it('needs passed + failed to equal the reworked quantity', () => {
    spec
      .given(ordered)
      .when({ ...complete, failedQuantity: 2 }, ctx('quality'))
      .thenThrows(IllegalStateError, /Passed 27 \+ failed 2 must equal the 30/);
    spec
      .given(ordered)
      .when({ ...complete, failedQuantity: 4 }, ctx('quality'))
      .thenThrows(IllegalStateError, /must equal the 30/);
  });

  it('applies to rework dispositions only', () => {
    const scrapped = dispositioned(1, {
      disposition: 'scrap',
      reworkInstruction: null,
      nonconformingReportNo: 'NC-1',
    });
    spec
      .given([received, inspected, scrapped])
      .when(complete, ctx('quality'))
      .thenThrows(IllegalStateError, /is scrap, not rework: rework completion applies to rework only/);
  });

  it('needs the rework order first', () => {
    spec
      .given([received, inspected, dispositioned(1)])
      .when(complete, ctx('quality'))
      .thenThrows(IllegalStateError, /no rework order yet/);
  });

  it('refuses completing twice', () => {
    const done = spec.given(ordered).when(complete, ctx('quality')).thenEvents();
    spec
      .given([...ordered, ...done])
      .when(complete, ctx('quality'))
      .thenThrows(IllegalStateError, /already completed/);
  });

  it('is quality’s job', () => {
    spec.given(ordered).when(complete, ctx('planning')).thenThrows(ForbiddenError);
  });
});

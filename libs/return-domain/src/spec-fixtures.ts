import type { Actor, DecisionContext, Role } from '@qms/domain-kernel';
import type { ReturnEvent, ReturnInspected, ReturnItemDispositioned, ReturnReceived } from './events';

/**
 * Test data for the return specs (no jest import, so the build compiles it cleanly): one return
 * received with two items, 100 pieces of MAT-100 and 20 of MAT-200.
 */
export const RETURN_ID = 'R-2026-0007';
export const CUSTOMER = 'CUST-ACME';
export const RECEIVED_AT = '2026-03-02T01:00:00.000Z';
export const NOW = '2026-03-10T08:00:00.000Z';

export function actor(role: Role): Actor {
  return { userId: `${role}-user`, role };
}

export function ctx(role: Role, now = NOW): DecisionContext {
  return { now: new Date(now), actor: actor(role) };
}

export const base = (occurredAt: string) => ({ returnId: RETURN_ID, customerId: CUSTOMER, occurredAt });

export const received: ReturnReceived = {
  type: 'ReturnReceived',
  data: {
    ...base(RECEIVED_AT),
    receivingNoteNo: 'RN-5501',
    items: [
      { itemNo: 1, materialNo: 'MAT-100', quantity: 100 },
      { itemNo: 2, materialNo: 'MAT-200', quantity: 20 },
    ],
    complaintNumber: 'CC-2026-0003',
    periodicBulk: false,
    urgentNeed: true,
  },
};

export const inspected: ReturnInspected = {
  type: 'ReturnInspected',
  data: {
    ...base('2026-03-03T02:00:00.000Z'),
    result: 'defective',
    responsibility: 'ours',
    items: [
      { itemNo: 1, materialNo: 'MAT-100', receivedQuantity: 100, defectiveQuantity: 30 },
      { itemNo: 2, materialNo: 'MAT-200', receivedQuantity: 20, defectiveQuantity: 0 },
    ],
    totalReceivedQuantity: 120,
    totalDefectiveQuantity: 30,
    findings: 'Burr on flange',
  },
};

export function dispositioned(
  dispositionNo: number,
  overrides: Partial<ReturnItemDispositioned['data']> = {},
): ReturnItemDispositioned {
  return {
    type: 'ReturnItemDispositioned',
    data: {
      ...base('2026-03-04T02:00:00.000Z'),
      dispositionNo,
      itemNo: 1,
      materialNo: 'MAT-100',
      quantity: 30,
      disposition: 'rework',
      source: 'received',
      reworkInstruction: 'rework',
      concessionReference: null,
      nonconformingReportNo: null,
      note: null,
      ...overrides,
    },
  };
}

export function reworkOrderIssued(dispositionNo: number, quantity = 30): ReturnEvent {
  return {
    type: 'ReworkOrderIssued',
    data: {
      ...base('2026-03-04T03:00:00.000Z'),
      dispositionNo,
      itemNo: 1,
      reworkOrderNo: `RW-${dispositionNo}`,
      quantity,
    },
  };
}

import type { DomainEvent } from '@qms/domain-kernel';

/**
 * Events of one returned shipment (退货, DESIGN §5; procedure §7). Every payload carries the
 * return id, the customer (so per-customer reports need no lookup) and the business time.
 * Absent values are `null`, never missing: event data is stored as JSON.
 */

export const RETURN_RESPONSIBILITIES = ['ours', 'customer', 'supplier', 'undetermined'] as const;
export type ReturnResponsibility = (typeof RETURN_RESPONSIBILITIES)[number];

export const RETURN_DISPOSITIONS = ['rework', 'scrap', 'use_as_is', 'sort', 'return_to_customer'] as const;
export type ReturnDisposition = (typeof RETURN_DISPOSITIONS)[number];

/** Rework order instruction issued by quality: repair, or 100 % inspection (重工/全检作业指导书). */
export const REWORK_INSTRUCTIONS = ['rework', 'full_inspection'] as const;
export type ReworkInstruction = (typeof REWORK_INSTRUCTIONS)[number];

/**
 * Where the dispositioned pieces come from: the received quantity of the item, or pieces that
 * failed an earlier rework and need a new disposition (e.g. scrap).
 */
export const DISPOSITION_SOURCES = ['received', 'failed_rework'] as const;
export type DispositionSource = (typeof DISPOSITION_SOURCES)[number];

export interface ReturnedItem {
  /** Line of the receiving note, unique within the return. */
  readonly itemNo: number;
  readonly materialNo: string;
  readonly quantity: number;
}

interface ReturnEventBase {
  readonly returnId: string;
  readonly customerId: string;
  /** Business time, ISO-8601 UTC. */
  readonly occurredAt: string;
}

/** Warehouse counted the goods and wrote the receiving note (入库单, §7.2). */
export interface ReturnReceivedData extends ReturnEventBase {
  readonly receivingNoteNo: string;
  readonly items: readonly ReturnedItem[];
  /** The complaint this return belongs to; null for periodic/bulk returns or when not (yet) known. */
  readonly complaintNumber: string | null;
  /** Periodic/bulk return (统退货, §7.1): never a complaint, so complaintNumber is then null. */
  readonly periodicBulk: boolean;
  /** Customer urgently needs replacement product (§6.1.5): triggers the stock check. */
  readonly urgentNeed: boolean;
}

export interface InspectedItem {
  readonly itemNo: number;
  readonly materialNo: string;
  readonly receivedQuantity: number;
  /** Confirmed defective pieces; 0 means no trouble found on this item. */
  readonly defectiveQuantity: number;
}

/**
 * Quality confirmed the returned goods (§6.2.4, §7.2). `result` is `no_trouble_found` (IATF 10.2.5)
 * exactly when no item has a defective piece; responsibility is then null.
 */
export interface ReturnInspectedData extends ReturnEventBase {
  readonly result: 'defective' | 'no_trouble_found';
  readonly responsibility: ReturnResponsibility | null;
  readonly items: readonly InspectedItem[];
  readonly totalReceivedQuantity: number;
  readonly totalDefectiveQuantity: number;
  readonly findings: string;
}

export interface ReturnItemDispositionedData extends ReturnEventBase {
  /** 1-based sequence within the return; rework orders and completions refer to it. */
  readonly dispositionNo: number;
  readonly itemNo: number;
  readonly materialNo: string;
  readonly quantity: number;
  readonly disposition: ReturnDisposition;
  readonly source: DispositionSource;
  /** Set for `rework` only. */
  readonly reworkInstruction: ReworkInstruction | null;
  /** Customer's concession (特采) reference; required for `use_as_is` (IATF 8.7.1.1), else null. */
  readonly concessionReference: string | null;
  /** Nonconforming-product record under which scrapped pieces are made unusable; `scrap` only. */
  readonly nonconformingReportNo: string | null;
  readonly note: string | null;
}

/** Planning opened the rework order (重工工令) for a rework disposition. */
export interface ReworkOrderIssuedData extends ReturnEventBase {
  readonly dispositionNo: number;
  readonly itemNo: number;
  readonly reworkOrderNo: string;
  readonly quantity: number;
}

/** passedQuantity + failedQuantity equals the disposition's quantity. */
export interface ReworkCompletedData extends ReturnEventBase {
  readonly dispositionNo: number;
  readonly itemNo: number;
  readonly materialNo: string;
  readonly reworkOrderNo: string;
  readonly reworkInstruction: ReworkInstruction;
  readonly passedQuantity: number;
  readonly failedQuantity: number;
}

/** Analysis result filed by quality and passed to engineering as input for improvement (§7.3–7.4). */
export interface FailureAnalysisArchivedData extends ReturnEventBase {
  readonly reportReference: string;
  readonly conclusion: string;
  readonly passedToEngineering: true;
}

/** Planning counted stock available to replace the returned material (§6.1.5). */
export interface StockCheckedData extends ReturnEventBase {
  readonly materialNo: string;
  readonly requiredQuantity: number;
  readonly availableQuantity: number;
}

/** Quality confirmed how much of the checked stock is usable. */
export interface StockConfirmedData extends ReturnEventBase {
  readonly materialNo: string;
  readonly requiredQuantity: number;
  readonly confirmedAvailableQuantity: number;
  readonly shortQuantity: number;
}

export interface EmergencyProductionRequestedData extends ReturnEventBase {
  readonly materialNo: string;
  readonly quantity: number;
  readonly neededBy: string | null;
}

/** Credit only after inspection and archived analysis (IATF 10.2.6). */
export interface ReturnCreditedData extends ReturnEventBase {
  readonly creditNoteNo: string;
  readonly creditedQuantity: number;
  readonly note: string | null;
}

export type ReturnReceived = DomainEvent<'ReturnReceived', ReturnReceivedData>;
export type ReturnInspected = DomainEvent<'ReturnInspected', ReturnInspectedData>;
export type ReturnItemDispositioned = DomainEvent<'ReturnItemDispositioned', ReturnItemDispositionedData>;
export type ReworkOrderIssued = DomainEvent<'ReworkOrderIssued', ReworkOrderIssuedData>;
export type ReworkCompleted = DomainEvent<'ReworkCompleted', ReworkCompletedData>;
export type FailureAnalysisArchived = DomainEvent<'FailureAnalysisArchived', FailureAnalysisArchivedData>;
export type StockChecked = DomainEvent<'StockChecked', StockCheckedData>;
export type StockConfirmed = DomainEvent<'StockConfirmed', StockConfirmedData>;
export type EmergencyProductionRequested = DomainEvent<
  'EmergencyProductionRequested',
  EmergencyProductionRequestedData
>;
export type ReturnCredited = DomainEvent<'ReturnCredited', ReturnCreditedData>;

export type ReturnEvent =
  | ReturnReceived
  | ReturnInspected
  | ReturnItemDispositioned
  | ReworkOrderIssued
  | ReworkCompleted
  | FailureAnalysisArchived
  | StockChecked
  | StockConfirmed
  | EmergencyProductionRequested
  | ReturnCredited;

export type ReturnEventType = ReturnEvent['type'];

/**
 * Current schema version of each event type, written to the event metadata on append; older
 * versions are lifted while reading (see upcast.ts). Type names are never renamed.
 */
export const RETURN_EVENT_SCHEMA_VERSIONS = {
  ReturnReceived: 1,
  ReturnInspected: 1,
  ReturnItemDispositioned: 1,
  ReworkOrderIssued: 1,
  ReworkCompleted: 1,
  FailureAnalysisArchived: 1,
  StockChecked: 1,
  StockConfirmed: 1,
  EmergencyProductionRequested: 1,
  ReturnCredited: 1,
} as const satisfies Record<ReturnEventType, number>;

export const RETURN_EVENT_TYPES = Object.keys(RETURN_EVENT_SCHEMA_VERSIONS) as ReturnEventType[];

export function isReturnEventType(type: string): type is ReturnEventType {
  return Object.prototype.hasOwnProperty.call(RETURN_EVENT_SCHEMA_VERSIONS, type);
}

export const RETURN_STREAM_PREFIX = 'return-';

export function returnStreamId(returnId: string): string {
  return `${RETURN_STREAM_PREFIX}${returnId}`;
}

import type { DispositionSource, ReturnDisposition, ReturnResponsibility, ReworkInstruction } from './events';

/**
 * Commands on one return. `occurredAt` is the business time (ISO-8601 with offset); when absent
 * the decision's `now` is used. The actor is never part of a command: it arrives in the context.
 */
interface ReturnCommandBase {
  readonly returnId: string;
  readonly occurredAt?: string;
}

export interface ReceiveReturn extends ReturnCommandBase {
  readonly type: 'ReceiveReturn';
  readonly receivingNoteNo: string;
  readonly customerId: string;
  readonly items: readonly {
    readonly itemNo: number;
    readonly materialNo: string;
    readonly quantity: number;
  }[];
  readonly complaintNumber?: string | null;
  readonly periodicBulk?: boolean;
  readonly urgentNeed?: boolean;
}

export interface InspectReturn extends ReturnCommandBase {
  readonly type: 'InspectReturn';
  /** Every received item, each once; defectiveQuantity 0 = no trouble found on that item. */
  readonly items: readonly { readonly itemNo: number; readonly defectiveQuantity: number }[];
  /** Required when something is defective; must be absent when nothing is (no trouble found). */
  readonly responsibility?: ReturnResponsibility | null;
  readonly findings: string;
}

export interface DispositionReturnItem extends ReturnCommandBase {
  readonly type: 'DispositionReturnItem';
  readonly itemNo: number;
  readonly quantity: number;
  readonly disposition: ReturnDisposition;
  /** Defaults to `received`. */
  readonly source?: DispositionSource;
  readonly reworkInstruction?: ReworkInstruction | null;
  readonly concessionReference?: string | null;
  readonly nonconformingReportNo?: string | null;
  readonly note?: string | null;
}

export interface IssueReworkOrder extends ReturnCommandBase {
  readonly type: 'IssueReworkOrder';
  readonly dispositionNo: number;
  readonly reworkOrderNo: string;
}

export interface CompleteRework extends ReturnCommandBase {
  readonly type: 'CompleteRework';
  readonly dispositionNo: number;
  readonly passedQuantity: number;
  readonly failedQuantity: number;
}

export interface ArchiveFailureAnalysis extends ReturnCommandBase {
  readonly type: 'ArchiveFailureAnalysis';
  readonly reportReference: string;
  readonly conclusion: string;
}

export interface CheckStock extends ReturnCommandBase {
  readonly type: 'CheckStock';
  readonly materialNo: string;
  readonly requiredQuantity: number;
  readonly availableQuantity: number;
}

export interface ConfirmStock extends ReturnCommandBase {
  readonly type: 'ConfirmStock';
  readonly materialNo: string;
  readonly confirmedAvailableQuantity: number;
}

export interface RequestEmergencyProduction extends ReturnCommandBase {
  readonly type: 'RequestEmergencyProduction';
  readonly materialNo: string;
  /** Defaults to the confirmed shortage; may be more (batch sizes), never less. */
  readonly quantity?: number;
  /** 'YYYY-MM-DD'. */
  readonly neededBy?: string | null;
}

export interface CreditReturn extends ReturnCommandBase {
  readonly type: 'CreditReturn';
  readonly creditNoteNo: string;
  readonly creditedQuantity: number;
  readonly note?: string | null;
}

export type ReturnCommand =
  | ReceiveReturn
  | InspectReturn
  | DispositionReturnItem
  | IssueReworkOrder
  | CompleteRework
  | ArchiveFailureAnalysis
  | CheckStock
  | ConfirmStock
  | RequestEmergencyProduction
  | CreditReturn;

export type ReturnCommandType = ReturnCommand['type'];

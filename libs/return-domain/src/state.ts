import { assertNever } from '@qms/domain-kernel';
import type {
  DispositionSource,
  InspectedItem,
  ReturnDisposition,
  ReturnEvent,
  ReturnResponsibility,
  ReturnedItem,
  ReworkInstruction,
} from './events';

export interface DispositionState {
  readonly dispositionNo: number;
  readonly itemNo: number;
  readonly materialNo: string;
  readonly quantity: number;
  readonly disposition: ReturnDisposition;
  readonly source: DispositionSource;
  readonly reworkInstruction: ReworkInstruction | null;
  readonly reworkOrderNo: string | null;
  readonly reworkResult: { readonly passedQuantity: number; readonly failedQuantity: number } | null;
}

export interface StockCheckState {
  readonly materialNo: string;
  readonly requiredQuantity: number;
  readonly availableQuantity: number;
  /** Null until quality confirmed this check. */
  readonly confirmedAvailableQuantity: number | null;
  readonly shortQuantity: number | null;
  readonly emergencyRequested: boolean;
}

export interface ReceivedReturnState {
  readonly status: 'received';
  readonly returnId: string;
  readonly customerId: string;
  readonly receivedAt: string;
  readonly receivingNoteNo: string;
  readonly complaintNumber: string | null;
  readonly periodicBulk: boolean;
  readonly urgentNeed: boolean;
  readonly items: readonly ReturnedItem[];
  readonly inspection: {
    readonly result: 'defective' | 'no_trouble_found';
    readonly responsibility: ReturnResponsibility | null;
    readonly items: readonly InspectedItem[];
  } | null;
  readonly dispositions: readonly DispositionState[];
  readonly analysisReports: readonly string[];
  /** Latest check per material; a new check replaces the previous one. */
  readonly stockChecks: readonly StockCheckState[];
  readonly credit: { readonly creditNoteNo: string; readonly creditedQuantity: number } | null;
}

export type ReturnState = { readonly status: 'none' } | ReceivedReturnState;

export const initialReturnState = (): ReturnState => ({ status: 'none' });

export function evolveReturn(state: ReturnState, event: ReturnEvent): ReturnState {
  if (event.type === 'ReturnReceived') {
    const data = event.data;
    return {
      status: 'received',
      returnId: data.returnId,
      customerId: data.customerId,
      receivedAt: data.occurredAt,
      receivingNoteNo: data.receivingNoteNo,
      complaintNumber: data.complaintNumber,
      periodicBulk: data.periodicBulk,
      urgentNeed: data.urgentNeed,
      items: data.items,
      inspection: null,
      dispositions: [],
      analysisReports: [],
      stockChecks: [],
      credit: null,
    };
  }
  // Events of a stream always start with ReturnReceived; anything else on an empty state is ignored.
  if (state.status === 'none') return state;
  switch (event.type) {
    case 'ReturnInspected':
      return {
        ...state,
        inspection: {
          result: event.data.result,
          responsibility: event.data.responsibility,
          items: event.data.items,
        },
      };
    case 'ReturnItemDispositioned': {
      const data = event.data;
      const disposition: DispositionState = {
        dispositionNo: data.dispositionNo,
        itemNo: data.itemNo,
        materialNo: data.materialNo,
        quantity: data.quantity,
        disposition: data.disposition,
        source: data.source,
        reworkInstruction: data.reworkInstruction,
        reworkOrderNo: null,
        reworkResult: null,
      };
      return { ...state, dispositions: [...state.dispositions, disposition] };
    }
    case 'ReworkOrderIssued':
      return updateDisposition(state, event.data.dispositionNo, (d) => ({
        ...d,
        reworkOrderNo: event.data.reworkOrderNo,
      }));
    case 'ReworkCompleted':
      return updateDisposition(state, event.data.dispositionNo, (d) => ({
        ...d,
        reworkResult: {
          passedQuantity: event.data.passedQuantity,
          failedQuantity: event.data.failedQuantity,
        },
      }));
    case 'FailureAnalysisArchived':
      return { ...state, analysisReports: [...state.analysisReports, event.data.reportReference] };
    case 'StockChecked': {
      const check: StockCheckState = {
        materialNo: event.data.materialNo,
        requiredQuantity: event.data.requiredQuantity,
        availableQuantity: event.data.availableQuantity,
        confirmedAvailableQuantity: null,
        shortQuantity: null,
        emergencyRequested: false,
      };
      return {
        ...state,
        stockChecks: [...state.stockChecks.filter((c) => c.materialNo !== check.materialNo), check],
      };
    }
    case 'StockConfirmed':
      return updateStockCheck(state, event.data.materialNo, (c) => ({
        ...c,
        confirmedAvailableQuantity: event.data.confirmedAvailableQuantity,
        shortQuantity: event.data.shortQuantity,
      }));
    case 'EmergencyProductionRequested':
      return updateStockCheck(state, event.data.materialNo, (c) => ({ ...c, emergencyRequested: true }));
    case 'ReturnCredited':
      return {
        ...state,
        credit: { creditNoteNo: event.data.creditNoteNo, creditedQuantity: event.data.creditedQuantity },
      };
    default:
      return assertNever(event, 'return event');
  }
}

function updateDisposition(
  state: ReceivedReturnState,
  dispositionNo: number,
  update: (disposition: DispositionState) => DispositionState,
): ReceivedReturnState {
  return {
    ...state,
    dispositions: state.dispositions.map((d) => (d.dispositionNo === dispositionNo ? update(d) : d)),
  };
}

function updateStockCheck(
  state: ReceivedReturnState,
  materialNo: string,
  update: (check: StockCheckState) => StockCheckState,
): ReceivedReturnState {
  return {
    ...state,
    stockChecks: state.stockChecks.map((c) => (c.materialNo === materialNo ? update(c) : c)),
  };
}

/** Pieces of an item still waiting for a disposition, per source pool. */
export function undispositionedQuantity(
  state: ReceivedReturnState,
  itemNo: number,
  source: DispositionSource,
): number {
  const dispositioned = state.dispositions
    .filter((d) => d.itemNo === itemNo && d.source === source)
    .reduce((sum, d) => sum + d.quantity, 0);
  if (source === 'received') {
    const received = state.items.find((item) => item.itemNo === itemNo)?.quantity ?? 0;
    return received - dispositioned;
  }
  const failed = state.dispositions
    .filter((d) => d.itemNo === itemNo && d.reworkResult !== null)
    .reduce((sum, d) => sum + (d.reworkResult?.failedQuantity ?? 0), 0);
  return failed - dispositioned;
}

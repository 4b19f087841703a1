/**
 * One document per return (`returns`, `_id` = return id), attributed to the local month of its
 * receipt: the monthly report counts returns, returned / defective / reworked / scrapped pieces and
 * the NTF rate from these documents. Returns are few next to deliveries, so one document each
 * keeps the facts inspectable without an aggregate to repair after corrections.
 */
import { assertNever } from '@qms/domain-kernel';
import type {
  DispositionSource,
  ReturnDisposition,
  ReturnEvent,
  ReturnEventType,
  ReturnResponsibility,
  ReworkInstruction,
} from '@qms/return-domain';
import { calendarFor, type MonthKey } from '../kpi/calendar';
import { intern } from '../kpi/intern';
import type { ReadModelProjection } from '../kpi/projection-shape';
import type { ReportingConfig } from '../kpi/reporting-config';

export const RETURNS_COLLECTION = 'returns';

export interface ReturnDispositionFact {
  readonly dispositionNo: number;
  readonly itemNo: number;
  readonly materialNo: string;
  readonly quantity: number;
  readonly disposition: ReturnDisposition;
  readonly source: DispositionSource;
  readonly reworkInstruction: ReworkInstruction | null;
  readonly dispositionedAt: string;
  /** Set once the rework order of a `rework` disposition is completed. */
  readonly reworkPassed: number | null;
  readonly reworkFailed: number | null;
}

export interface ReturnDocument {
  readonly _id: string;
  readonly returnId: string;
  readonly customerId: string;
  readonly receivingNoteNo: string;
  readonly receivedAt: string;
  /** Local month of receipt in the reporting time zone. */
  readonly month: MonthKey;
  readonly complaintNumber: string | null;
  readonly periodicBulk: boolean;
  readonly urgentNeed: boolean;
  readonly items: readonly {
    readonly itemNo: number;
    readonly materialNo: string;
    readonly quantity: number;
  }[];
  readonly returnedQuantity: number;
  readonly inspectedAt: string | null;
  readonly inspectionResult: 'defective' | 'no_trouble_found' | null;
  readonly responsibility: ReturnResponsibility | null;
  /** Confirmed defective pieces; null until inspected. */
  readonly defectiveQuantity: number | null;
  readonly dispositions: readonly ReturnDispositionFact[];
  /** Received pieces sent to rework (a failed rework sent to rework again is not counted twice). */
  readonly reworkedQuantity: number;
  /** Pieces scrapped, whether straight from receipt or after a failed rework. */
  readonly scrappedQuantity: number;
  readonly failureAnalysisArchivedAt: string | null;
  readonly failureAnalysisReference: string | null;
  readonly creditedAt: string | null;
  readonly creditedQuantity: number | null;
}

export const RETURN_EVENT_TYPES_PROJECTED = [
  'ReturnReceived',
  'ReturnInspected',
  'ReturnItemDispositioned',
  'ReworkCompleted',
  'FailureAnalysisArchived',
  'ReturnCredited',
] as const satisfies readonly ReturnEventType[];

type ProjectedReturnEvent = Extract<ReturnEvent, { type: (typeof RETURN_EVENT_TYPES_PROJECTED)[number] }>;

function totals(
  dispositions: readonly ReturnDispositionFact[],
): Pick<ReturnDocument, 'reworkedQuantity' | 'scrappedQuantity'> {
  let reworkedQuantity = 0;
  let scrappedQuantity = 0;
  for (const fact of dispositions) {
    if (fact.disposition === 'rework' && fact.source === 'received') reworkedQuantity += fact.quantity;
    if (fact.disposition === 'scrap') scrappedQuantity += fact.quantity;
  }
  return { reworkedQuantity, scrappedQuantity };
}

export function evolveReturn(
  document: ReturnDocument | null,
  event: ProjectedReturnEvent,
  monthOf: (instant: string) => MonthKey,
): ReturnDocument | null {
  if (event.type === 'ReturnReceived') {
    const data = event.data;
    return {
      _id: data.returnId,
      returnId: data.returnId,
      customerId: intern(data.customerId),
      receivingNoteNo: data.receivingNoteNo,
      receivedAt: data.occurredAt,
      month: intern(monthOf(data.occurredAt)),
      complaintNumber: data.complaintNumber,
      periodicBulk: data.periodicBulk,
      urgentNeed: data.urgentNeed,
      items: data.items.map((item) => ({
        itemNo: item.itemNo,
        materialNo: intern(item.materialNo),
        quantity: item.quantity,
      })),
      returnedQuantity: data.items.reduce((sum, item) => sum + item.quantity, 0),
      inspectedAt: null,
      inspectionResult: null,
      responsibility: null,
      defectiveQuantity: null,
      dispositions: [],
      reworkedQuantity: 0,
      scrappedQuantity: 0,
      failureAnalysisArchivedAt: null,
      failureAnalysisReference: null,
      creditedAt: null,
      creditedQuantity: null,
    };
  }
  if (document === null) return null;
  switch (event.type) {
    case 'ReturnInspected':
      return {
        ...document,
        inspectedAt: event.data.occurredAt,
        inspectionResult: intern(event.data.result),
        responsibility: intern(event.data.responsibility),
        defectiveQuantity: event.data.totalDefectiveQuantity,
      };
    case 'ReturnItemDispositioned': {
      const data = event.data;
      const fact: ReturnDispositionFact = {
        dispositionNo: data.dispositionNo,
        itemNo: data.itemNo,
        materialNo: intern(data.materialNo),
        quantity: data.quantity,
        disposition: intern(data.disposition),
        source: intern(data.source),
        reworkInstruction: intern(data.reworkInstruction),
        dispositionedAt: data.occurredAt,
        reworkPassed: null,
        reworkFailed: null,
      };
      // concat, not a spread: an array of exactly this length (see appended in complaint-list.projection.ts).
      const dispositions = document.dispositions
        .filter((d) => d.dispositionNo !== data.dispositionNo)
        .concat([fact])
        .sort((a, b) => a.dispositionNo - b.dispositionNo);
      return { ...document, dispositions, ...totals(dispositions) };
    }
    case 'ReworkCompleted': {
      const data = event.data;
      const dispositions = document.dispositions.map((d) =>
        d.dispositionNo === data.dispositionNo
          ? { ...d, reworkPassed: data.passedQuantity, reworkFailed: data.failedQuantity }
          : d,
      );
      return { ...document, dispositions };
    }
    case 'FailureAnalysisArchived':
      return {
        ...document,
        failureAnalysisArchivedAt: event.data.occurredAt,
        failureAnalysisReference: event.data.reportReference,
      };
    case 'ReturnCredited':
      return {
        ...document,
        creditedAt: event.data.occurredAt,
        creditedQuantity: event.data.creditedQuantity,
      };
    default:
      return assertNever(event, 'return event');
  }
}

export function createReturnProjection(
  config: Pick<ReportingConfig, 'timeZone'>,
): ReadModelProjection<ReturnDocument, ProjectedReturnEvent> {
  const calendar = calendarFor(config.timeZone);
  return {
    name: RETURNS_COLLECTION,
    eventTypes: RETURN_EVENT_TYPES_PROJECTED,
    documentIds: (event) => [event.data.returnId],
    evolve: (document, event) => evolveReturn(document, event, (instant) => calendar.monthOf(instant)),
  };
}

/**
 * Event builders for the read-model specs: every field present (as the domain writes it), with
 * defaults a test overrides only where the figure under test depends on it.
 */
import type {
  ActionKind,
  CauseCategory,
  CloseResult,
  ComplaintContextEvent,
  NotificationKind,
  RescheduleReason,
  Responsibility,
  Severity,
  SpecialStatus,
} from '@qms/complaint-domain';
import type { DeliveryEvent, DeliveryFacts } from '@qms/delivery-domain';
import type { ReturnDisposition, ReturnEvent } from '@qms/return-domain';
import type { SurveyDimension, SurveyEvent, SurveyScores } from '@qms/survey-domain';

export type AnyEvent = ComplaintContextEvent | DeliveryEvent | ReturnEvent | SurveyEvent;

const HOUR_MS = 3_600_000;
export const plusHours = (instant: string, hours: number): string =>
  new Date(Date.parse(instant) + hours * HOUR_MS).toISOString();

export interface RegisterOptions {
  readonly number: string;
  readonly customerId: string;
  readonly partNo: string;
  readonly receivedAt: string;
  readonly severity?: Severity;
  readonly quantity?: number;
  /** Defaults to receivedAt + 24 h (the default policy). */
  readonly containmentDueAt?: string;
  readonly actionReplyDueAt: string;
  readonly reopenedFrom?: string | null;
}

export const complaint = {
  registered(o: RegisterOptions): ComplaintContextEvent {
    return {
      type: 'ComplaintRegistered',
      data: {
        complaintNumber: o.number,
        occurredAt: o.receivedAt,
        reopenedFrom: o.reopenedFrom ?? null,
        customerId: o.customerId,
        customerContact: 'buyer@example.com',
        partNo: o.partNo,
        lot: 'L-1',
        defectDescription: `defect on ${o.partNo}`,
        quantityAffected: o.quantity ?? 1,
        severity: o.severity ?? 'normal',
        channel: 'email',
        receivedAt: o.receivedAt,
        returnNeeded: false,
        customerProductionAffected: false,
        customerDeadline: null,
        containmentDueAt: o.containmentDueAt ?? plusHours(o.receivedAt, 24),
        actionReplyDueAt: o.actionReplyDueAt,
        deadlinePolicyId: 'default',
        timeZone: 'Asia/Shanghai',
      },
    };
  },
  assigned(number: string, department: string, at: string): ComplaintContextEvent {
    return {
      type: 'ComplaintAssigned',
      data: { complaintNumber: number, occurredAt: at, department, previousDepartment: null },
    };
  },
  contained(number: string, at: string): ComplaintContextEvent {
    return {
      type: 'ContainmentRecorded',
      data: { complaintNumber: number, occurredAt: at, description: 'sorted stock', quantitySecured: null },
    };
  },
  rootCause(number: string, category: CauseCategory, at: string): ComplaintContextEvent {
    return {
      type: 'RootCauseRecorded',
      data: {
        complaintNumber: number,
        occurredAt: at,
        category,
        method: 'five_why',
        description: `${category} cause`,
        departmentExplanation: 'explained',
        escapeDescription: null,
      },
    };
  },
  decided(
    number: string,
    responsibility: Responsibility,
    quantityAffected: number,
    at: string,
  ): ComplaintContextEvent {
    return {
      type: 'ResponsibilityDecided',
      data: {
        complaintNumber: number,
        occurredAt: at,
        responsibility,
        explanation: 'because',
        quantityAffected,
      },
    };
  },
  planned(
    number: string,
    kind: ActionKind,
    actionId: string,
    dueAt: string,
    at: string,
  ): ComplaintContextEvent {
    const data = {
      complaintNumber: number,
      occurredAt: at,
      actionId,
      description: `do ${actionId}`,
      owner: 'owner',
      dueAt,
      similarProductsCovered: [],
      similarProcessesCovered: [],
      noSimilarItemsReason: kind === 'corrective' ? 'none similar' : null,
      pfmea: kind === 'corrective' ? ({ revised: true, revision: 'PFMEA-B' } as const) : null,
      controlPlan: kind === 'corrective' ? ({ revised: false, reason: 'no change' } as const) : null,
    };
    return kind === 'corrective'
      ? { type: 'CorrectiveActionPlanned', data }
      : { type: 'PreventiveActionPlanned', data };
  },
  submitted(number: string, at: string, correctiveActionIds: string[] = ['CA-1']): ComplaintContextEvent {
    return {
      type: 'ActionPlanSubmitted',
      data: {
        complaintNumber: number,
        occurredAt: at,
        correctiveActionIds,
        preventiveActionIds: [],
        preventiveWaiverRequested: false,
      },
    };
  },
  completed(number: string, actionId: string, at: string): ComplaintContextEvent {
    return {
      type: 'ActionCompleted',
      data: {
        complaintNumber: number,
        occurredAt: at,
        actionId,
        kind: actionId.startsWith('PA') ? 'preventive' : 'corrective',
        evidence: 'done',
      },
    };
  },
  verified(number: string, actionId: string, at: string): ComplaintContextEvent {
    return {
      type: 'ActionVerified',
      data: {
        complaintNumber: number,
        occurredAt: at,
        actionId,
        kind: actionId.startsWith('PA') ? 'preventive' : 'corrective',
        result: 'effective',
        comment: null,
      },
    };
  },
  rescheduled(
    number: string,
    actionId: string,
    previousDueAt: string,
    newDueAt: string,
    reason: RescheduleReason,
    at: string,
  ): ComplaintContextEvent {
    return {
      type: 'ActionRescheduled',
      data: {
        complaintNumber: number,
        occurredAt: at,
        actionId,
        kind: actionId.startsWith('PA') ? 'preventive' : 'corrective',
        reason,
        previousDueAt,
        newDueAt,
        comment: null,
      },
    };
  },
  waiverRequested(number: string, at: string): ComplaintContextEvent {
    return {
      type: 'PreventiveActionWaiverRequested',
      data: { complaintNumber: number, occurredAt: at, reason: 'one-off' },
    };
  },
  waiverApproved(number: string, at: string): ComplaintContextEvent {
    return {
      type: 'PreventiveActionWaiverApproved',
      data: { complaintNumber: number, occurredAt: at, approvedBy: 'gm', comment: 'ok' },
    };
  },
  approved(number: string, at: string): ComplaintContextEvent {
    return {
      type: 'EightDDecisionApproved',
      data: { complaintNumber: number, occurredAt: at, approvedBy: 'gm', decision: 'go' },
    };
  },
  replied(number: string, at: string): ComplaintContextEvent {
    return { type: 'CustomerReplied', data: { complaintNumber: number, occurredAt: at, message: 'reply' } };
  },
  closed(number: string, result: CloseResult, at: string): ComplaintContextEvent {
    return {
      type: 'ComplaintClosed',
      data: { complaintNumber: number, occurredAt: at, result, remarks: null },
    };
  },
  reopened(number: string, reopenedAs: string, at: string): ComplaintContextEvent {
    return {
      type: 'ComplaintReopened',
      data: { complaintNumber: number, occurredAt: at, reopenedAs, reason: 'not satisfied' },
    };
  },
  notified(
    notificationId: string,
    customerId: string,
    kind: NotificationKind,
    receivedAt: string,
    specialStatus: SpecialStatus | null = null,
  ): ComplaintContextEvent {
    return {
      type: 'CustomerNotificationReceived',
      data: {
        notificationId,
        customerId,
        occurredAt: receivedAt,
        kind,
        specialStatus,
        description: kind,
        receivedAt,
        complaintNumber: null,
      },
    };
  },
  notificationEnded(notificationId: string, customerId: string, at: string): ComplaintContextEvent {
    return {
      type: 'CustomerNotificationEnded',
      data: { notificationId, customerId, occurredAt: at, remarks: null },
    };
  },
};

export function deliveryFacts(
  o: Partial<DeliveryFacts> & Pick<DeliveryFacts, 'customerId' | 'quantity' | 'promisedDate' | 'deliveredAt'>,
): DeliveryFacts {
  return { partNo: 'P1', premiumFreight: false, ...o };
}

export const delivery = {
  recorded(orderNo: string, facts: DeliveryFacts): DeliveryEvent {
    return {
      type: 'DeliveryRecorded',
      data: { ...facts, orderNo, lineNo: '10', occurredAt: facts.deliveredAt },
    };
  },
  corrected(orderNo: string, previous: DeliveryFacts, corrected: DeliveryFacts, at: string): DeliveryEvent {
    return {
      type: 'DeliveryCorrected',
      data: { orderNo, lineNo: '10', previous, corrected, reason: 'ERP fix', occurredAt: at },
    };
  },
};

export const returns = {
  received(
    returnId: string,
    customerId: string,
    at: string,
    quantities: number[],
    periodicBulk = false,
  ): ReturnEvent {
    return {
      type: 'ReturnReceived',
      data: {
        returnId,
        customerId,
        occurredAt: at,
        receivingNoteNo: `RN-${returnId}`,
        items: quantities.map((quantity, index) => ({
          itemNo: index + 1,
          materialNo: `M${index + 1}`,
          quantity,
        })),
        complaintNumber: null,
        periodicBulk,
        urgentNeed: false,
      },
    };
  },
  inspected(
    returnId: string,
    customerId: string,
    at: string,
    received: number,
    defective: number,
  ): ReturnEvent {
    return {
      type: 'ReturnInspected',
      data: {
        returnId,
        customerId,
        occurredAt: at,
        result: defective === 0 ? 'no_trouble_found' : 'defective',
        responsibility: defective === 0 ? null : 'ours',
        items: [{ itemNo: 1, materialNo: 'M1', receivedQuantity: received, defectiveQuantity: defective }],
        totalReceivedQuantity: received,
        totalDefectiveQuantity: defective,
        findings: 'findings',
      },
    };
  },
  dispositioned(
    returnId: string,
    customerId: string,
    at: string,
    dispositionNo: number,
    disposition: ReturnDisposition,
    quantity: number,
    source: 'received' | 'failed_rework' = 'received',
  ): ReturnEvent {
    return {
      type: 'ReturnItemDispositioned',
      data: {
        returnId,
        customerId,
        occurredAt: at,
        dispositionNo,
        itemNo: 1,
        materialNo: 'M1',
        quantity,
        disposition,
        source,
        reworkInstruction: disposition === 'rework' ? 'rework' : null,
        concessionReference: null,
        nonconformingReportNo: disposition === 'scrap' ? 'NCR-1' : null,
        note: null,
      },
    };
  },
  reworkCompleted(
    returnId: string,
    customerId: string,
    at: string,
    dispositionNo: number,
    passed: number,
    failed: number,
  ): ReturnEvent {
    return {
      type: 'ReworkCompleted',
      data: {
        returnId,
        customerId,
        occurredAt: at,
        dispositionNo,
        itemNo: 1,
        materialNo: 'M1',
        reworkOrderNo: 'RW-1',
        reworkInstruction: 'rework',
        passedQuantity: passed,
        failedQuantity: failed,
      },
    };
  },
};

export const survey = {
  issued(periodId: string, issueDate: string, customerIds: string[], max = 5): SurveyEvent {
    return {
      type: 'SurveyIssued',
      data: {
        periodId,
        year: Number(periodId.slice(0, 4)),
        periodCode: periodId.slice(5),
        issueDate,
        coversFrom: `${periodId.slice(0, 4)}-01-01`,
        coversTo: `${periodId.slice(0, 4)}-06-30`,
        customers: customerIds.map((customerId) => ({ customerId, relationshipStart: '2020-01-01' })),
        excluded: [],
        scale: { min: 1, max },
        dissatisfiedBelow: 3,
        occurredAt: `${issueDate}T01:00:00.000Z`,
      },
    };
  },
  responded(periodId: string, customerId: string, scores: SurveyScores, at: string, max = 5): SurveyEvent {
    const dissatisfiedDimensions = (Object.keys(scores) as SurveyDimension[]).filter(
      (d) => (scores[d] as number) < 3,
    );
    return {
      type: 'SurveyResponseRecorded',
      data: {
        periodId,
        customerId,
        scores,
        comments: null,
        respondent: { name: 'buyer', title: null },
        scaleMin: 1,
        topOfScale: max,
        dissatisfiedDimensions,
        occurredAt: at,
      },
    };
  },
  countermeasure(
    periodId: string,
    no: number,
    customerId: string,
    dimension: SurveyDimension,
    score: number,
    at: string,
  ): SurveyEvent {
    return {
      type: 'CountermeasureAssigned',
      data: {
        periodId,
        countermeasureNo: no,
        customerId,
        dimension,
        score,
        department: 'quality',
        description: 'fix it',
        dueDate: '2025-06-30',
        occurredAt: at,
      },
    };
  },
  approved(
    periodId: string,
    no: number,
    customerId: string,
    dimension: SurveyDimension,
    at: string,
  ): SurveyEvent {
    return {
      type: 'CountermeasureApproved',
      data: { periodId, countermeasureNo: no, customerId, dimension, note: null, occurredAt: at },
    };
  },
};

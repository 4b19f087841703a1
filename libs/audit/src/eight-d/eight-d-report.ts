/**
 * One complaint's 8D record laid out D0–D8 for the auditor (DESIGN §9), built from its events so
 * that every fact carries when it happened, when it was written and by whom. The decider's state
 * keeps only what decisions need; the auditor needs every text and every superseded value, so
 * this folds the events itself.
 */
import type { ActionKind, ActionPlannedData, ComplaintEvent, ComplaintEventType, DocumentRevision } from '@qms/complaint-domain';
import { assertNever, type DomainEvent } from '@qms/domain-kernel';
import type { AuditHistoryEntry, HistoryActor } from '../history';

/** Where a fact comes from. */
export interface Trace {
  readonly revision: number;
  readonly occurredAt: string | null;
  readonly recordedAt: string;
  readonly by: HistoryActor | null;
}

export interface ActionRecord extends Trace {
  readonly actionId: string;
  readonly kind: ActionKind;
  readonly description: string;
  readonly owner: string;
  readonly plannedDueAt: string;
  /** After reschedules. */
  readonly currentDueAt: string;
  readonly status: 'open' | 'completed' | 'verified';
}

export interface SystemicReview {
  readonly actionId: string;
  readonly kind: ActionKind;
  readonly similarProductsCovered: readonly string[];
  readonly similarProcessesCovered: readonly string[];
  readonly noSimilarItemsReason: string | null;
  readonly pfmea: DocumentRevision | null;
  readonly controlPlan: DocumentRevision | null;
}

export interface EightDReport {
  readonly complaintNumber: string | null;
  readonly D0: {
    readonly title: string;
    readonly registration: (Trace & { readonly receivedAt: string; readonly channel: string; readonly severity: string }) | null;
    readonly reopenedFrom: string | null;
    readonly emergencyResponse: {
      readonly customerProductionAffected: boolean | null;
      readonly returnNeeded: boolean | null;
      readonly containmentDueAt: string | null;
    };
    readonly deadlines: {
      readonly containmentDueAt: string | null;
      readonly actionReplyDueAt: string | null;
      readonly customerDeadline: string | null;
      readonly deadlinePolicyId: string | null;
      readonly timeZone: string | null;
    };
  };
  readonly D1: {
    readonly title: string;
    readonly responsibleDepartment: string | null;
    readonly assignments: readonly (Trace & { readonly department: string; readonly previousDepartment: string | null })[];
    /** Everyone who wrote a step of this record, with how many steps. */
    readonly members: readonly (HistoryActor & { readonly steps: number })[];
  };
  readonly D2: {
    readonly title: string;
    readonly customerId: string | null;
    readonly customerContact: string | null;
    readonly partNo: string | null;
    readonly lot: string | null;
    readonly defectDescription: string | null;
    readonly quantityReported: number | null;
    /** As confirmed when responsibility was decided. */
    readonly quantityConfirmed: number | null;
    readonly receivedAt: string | null;
  };
  readonly D3: {
    readonly title: string;
    readonly containmentDueAt: string | null;
    readonly containments: readonly (Trace & {
      readonly description: string;
      readonly quantitySecured: number | null;
      readonly onTime: boolean | null;
    })[];
  };
  readonly D4: {
    readonly title: string;
    /** Every analysis recorded; the last one counts. */
    readonly analyses: readonly (Trace & {
      readonly category: string;
      readonly method: string;
      readonly description: string;
      readonly departmentExplanation: string;
      /** Why it was not detected; null when the analysis did not record it. */
      readonly escapeDescription: string | null;
      readonly current: boolean;
    })[];
    readonly responsibility: (Trace & {
      readonly responsibility: string;
      readonly explanation: string;
      readonly quantityAffected: number;
    }) | null;
  };
  readonly D5: {
    readonly title: string;
    readonly correctiveActions: readonly ActionRecord[];
    readonly planSubmissions: readonly (Trace & {
      readonly correctiveActionIds: readonly string[];
      readonly preventiveActionIds: readonly string[];
      readonly preventiveWaiverRequested: boolean;
      readonly onTime: boolean | null;
    })[];
    readonly decisions: readonly (Trace & {
      readonly outcome: 'approved' | 'rejected';
      readonly decidedBy: string;
      readonly text: string;
    })[];
  };
  readonly D6: {
    readonly title: string;
    readonly implementation: readonly (Trace & {
      readonly actionId: string;
      readonly kind: ActionKind;
      readonly step: 'completed' | 'verified_effective' | 'rescheduled';
      readonly detail: string;
      readonly previousDueAt: string | null;
      readonly newDueAt: string | null;
    })[];
  };
  readonly D7: {
    readonly title: string;
    readonly preventiveActions: readonly ActionRecord[];
    readonly waiver: readonly (Trace & { readonly step: 'requested' | 'approved' | 'rejected'; readonly text: string | null })[];
    /** IATF 10.2.3: similar products and processes, PFMEA and control plan, per action. */
    readonly systemic: readonly SystemicReview[];
  };
  readonly D8: {
    readonly title: string;
    readonly customerReplies: readonly (Trace & { readonly message: string })[];
    readonly closures: readonly (Trace & { readonly result: string; readonly remarks: string | null })[];
    /** Recognition of the team is written in the closing remarks; the team is D1's members. */
    readonly recognition: { readonly team: readonly string[]; readonly remarks: string | null };
    readonly reopenings: readonly (Trace & { readonly reopenedAs: string; readonly reason: string })[];
  };
}

export interface EightDSource {
  /** The event in its current shape (upcast). */
  readonly event: DomainEvent;
  readonly entry: AuditHistoryEntry;
}

const EIGHT_D_EVENT_TYPES: Readonly<Record<ComplaintEventType, true>> = {
  ComplaintRegistered: true,
  ComplaintAssigned: true,
  ContainmentRecorded: true,
  RootCauseRecorded: true,
  ResponsibilityDecided: true,
  CorrectiveActionPlanned: true,
  PreventiveActionPlanned: true,
  PreventiveActionWaiverRequested: true,
  PreventiveActionWaiverApproved: true,
  PreventiveActionWaiverRejected: true,
  ActionPlanSubmitted: true,
  ActionCompleted: true,
  ActionVerified: true,
  ActionRescheduled: true,
  EightDDecisionApproved: true,
  EightDDecisionRejected: true,
  CustomerReplied: true,
  ComplaintClosed: true,
  ComplaintReopened: true,
};

/** The events of a complaint's own stream (not the customer notifications of the same context). */
export function isComplaintEventType(type: string): type is ComplaintEventType {
  return Object.prototype.hasOwnProperty.call(EIGHT_D_EVENT_TYPES, type);
}

function isComplaintEvent(event: DomainEvent): event is ComplaintEvent {
  return isComplaintEventType(event.type);
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] extends readonly (infer Item)[] ? Item[] : T[K] };
type Draft = { -readonly [K in keyof EightDReport]: K extends `D${number}` ? Mutable<EightDReport[K]> : EightDReport[K] };

/** `sources` in revision order; events of other types are ignored. */
export function buildEightDReport(sources: readonly EightDSource[]): EightDReport {
  const draft = emptyDraft();
  const actions = new Map<string, ActionRecord>();
  for (const { event, entry } of sources) {
    if (!isComplaintEvent(event)) continue;
    apply(draft, actions, event, traceOf(entry));
  }
  const allActions = [...actions.values()];
  draft.D5.correctiveActions = allActions.filter((action) => action.kind === 'corrective');
  draft.D7.preventiveActions = allActions.filter((action) => action.kind === 'preventive');
  draft.D1.members = membersOf(sources);
  draft.D8.recognition = { team: draft.D1.members.map((member) => member.userId), remarks: draft.D8.closures.at(-1)?.remarks ?? null };
  return draft;
}

function apply(draft: Draft, actions: Map<string, ActionRecord>, event: ComplaintEvent, trace: Trace): void {
  switch (event.type) {
    case 'ComplaintRegistered': {
      const data = event.data;
      draft.complaintNumber = data.complaintNumber;
      draft.D0.registration = { ...trace, receivedAt: data.receivedAt, channel: data.channel, severity: data.severity };
      draft.D0.reopenedFrom = data.reopenedFrom;
      draft.D0.emergencyResponse = {
        customerProductionAffected: data.customerProductionAffected,
        returnNeeded: data.returnNeeded,
        containmentDueAt: data.containmentDueAt,
      };
      draft.D0.deadlines = {
        containmentDueAt: data.containmentDueAt,
        actionReplyDueAt: data.actionReplyDueAt,
        customerDeadline: data.customerDeadline,
        deadlinePolicyId: data.deadlinePolicyId,
        timeZone: data.timeZone,
      };
      Object.assign(draft.D2, {
        customerId: data.customerId,
        customerContact: data.customerContact,
        partNo: data.partNo,
        lot: data.lot,
        defectDescription: data.defectDescription,
        quantityReported: data.quantityAffected,
        receivedAt: data.receivedAt,
      });
      draft.D3.containmentDueAt = data.containmentDueAt;
      return;
    }
    case 'ComplaintAssigned':
      draft.D1.responsibleDepartment = event.data.department;
      draft.D1.assignments.push({ ...trace, department: event.data.department, previousDepartment: event.data.previousDepartment });
      return;
    case 'ContainmentRecorded': {
      const due = draft.D3.containmentDueAt;
      draft.D3.containments.push({
        ...trace,
        description: event.data.description,
        quantitySecured: event.data.quantitySecured,
        onTime: due === null ? null : event.data.occurredAt <= due,
      });
      return;
    }
    case 'RootCauseRecorded':
      draft.D4.analyses = draft.D4.analyses.map((analysis) => ({ ...analysis, current: false }));
      draft.D4.analyses.push({
        ...trace,
        category: event.data.category,
        method: event.data.method,
        description: event.data.description,
        departmentExplanation: event.data.departmentExplanation,
        escapeDescription: event.data.escapeDescription,
        current: true,
      });
      return;
    case 'ResponsibilityDecided':
      draft.D4.responsibility = {
        ...trace,
        responsibility: event.data.responsibility,
        explanation: event.data.explanation,
        quantityAffected: event.data.quantityAffected,
      };
      draft.D2.quantityConfirmed = event.data.quantityAffected;
      return;
    case 'CorrectiveActionPlanned':
      planned(draft, actions, 'corrective', event.data, trace);
      return;
    case 'PreventiveActionPlanned':
      planned(draft, actions, 'preventive', event.data, trace);
      return;
    case 'PreventiveActionWaiverRequested':
      draft.D7.waiver.push({ ...trace, step: 'requested', text: event.data.reason });
      return;
    case 'PreventiveActionWaiverApproved':
      draft.D7.waiver.push({ ...trace, step: 'approved', text: event.data.comment });
      return;
    case 'PreventiveActionWaiverRejected':
      draft.D7.waiver.push({ ...trace, step: 'rejected', text: event.data.reason });
      return;
    case 'ActionPlanSubmitted': {
      const due = draft.D0.deadlines.actionReplyDueAt;
      draft.D5.planSubmissions.push({
        ...trace,
        correctiveActionIds: event.data.correctiveActionIds,
        preventiveActionIds: event.data.preventiveActionIds,
        preventiveWaiverRequested: event.data.preventiveWaiverRequested,
        onTime: due === null ? null : event.data.occurredAt <= due,
      });
      return;
    }
    case 'ActionCompleted':
      updateAction(actions, event.data.actionId, { status: 'completed' });
      draft.D6.implementation.push({ ...trace, actionId: event.data.actionId, kind: event.data.kind, step: 'completed', detail: event.data.evidence, previousDueAt: null, newDueAt: null });
      return;
    case 'ActionVerified':
      updateAction(actions, event.data.actionId, { status: 'verified' });
      draft.D6.implementation.push({ ...trace, actionId: event.data.actionId, kind: event.data.kind, step: 'verified_effective', detail: event.data.comment ?? '', previousDueAt: null, newDueAt: null });
      return;
    case 'ActionRescheduled':
      updateAction(actions, event.data.actionId, { status: 'open', currentDueAt: event.data.newDueAt });
      draft.D6.implementation.push({
        ...trace,
        actionId: event.data.actionId,
        kind: event.data.kind,
        step: 'rescheduled',
        detail: [event.data.reason, event.data.comment].filter((part) => part !== null).join(': '),
        previousDueAt: event.data.previousDueAt,
        newDueAt: event.data.newDueAt,
      });
      return;
    case 'EightDDecisionApproved':
      draft.D5.decisions.push({ ...trace, outcome: 'approved', decidedBy: event.data.approvedBy, text: event.data.decision });
      return;
    case 'EightDDecisionRejected':
      draft.D5.decisions.push({ ...trace, outcome: 'rejected', decidedBy: event.data.rejectedBy, text: event.data.reason });
      return;
    case 'CustomerReplied':
      draft.D8.customerReplies.push({ ...trace, message: event.data.message });
      return;
    case 'ComplaintClosed':
      draft.D8.closures.push({ ...trace, result: event.data.result, remarks: event.data.remarks });
      return;
    case 'ComplaintReopened':
      draft.D8.reopenings.push({ ...trace, reopenedAs: event.data.reopenedAs, reason: event.data.reason });
      return;
    default:
      assertNever(event, 'complaint event');
  }
}

function planned(draft: Draft, actions: Map<string, ActionRecord>, kind: ActionKind, data: ActionPlannedData, trace: Trace): void {
  actions.set(data.actionId, {
    ...trace,
    actionId: data.actionId,
    kind,
    description: data.description,
    owner: data.owner,
    plannedDueAt: data.dueAt,
    currentDueAt: data.dueAt,
    status: 'open',
  });
  draft.D7.systemic.push({
    actionId: data.actionId,
    kind,
    similarProductsCovered: data.similarProductsCovered,
    similarProcessesCovered: data.similarProcessesCovered,
    noSimilarItemsReason: data.noSimilarItemsReason,
    pfmea: data.pfmea,
    controlPlan: data.controlPlan,
  });
}

function updateAction(actions: Map<string, ActionRecord>, actionId: string, change: Partial<Pick<ActionRecord, 'status' | 'currentDueAt'>>): void {
  const action = actions.get(actionId);
  if (action) actions.set(actionId, { ...action, ...change });
}

function traceOf(entry: AuditHistoryEntry): Trace {
  return { revision: entry.revision, occurredAt: entry.occurredAt, recordedAt: entry.recordedAt, by: entry.actor };
}

function membersOf(sources: readonly EightDSource[]): (HistoryActor & { steps: number })[] {
  const members = new Map<string, HistoryActor & { steps: number }>();
  for (const { event, entry } of sources) {
    if (entry.actor === null || !isComplaintEvent(event)) continue;
    const key = `${entry.actor.userId}\u0000${entry.actor.role}`;
    const member = members.get(key);
    members.set(key, member ? { ...member, steps: member.steps + 1 } : { ...entry.actor, steps: 1 });
  }
  return [...members.values()];
}

function emptyDraft(): Draft {
  return {
    complaintNumber: null,
    D0: {
      title: 'D0 Intake and emergency response',
      registration: null,
      reopenedFrom: null,
      emergencyResponse: { customerProductionAffected: null, returnNeeded: null, containmentDueAt: null },
      deadlines: { containmentDueAt: null, actionReplyDueAt: null, customerDeadline: null, deadlinePolicyId: null, timeZone: null },
    },
    D1: { title: 'D1 Team and responsible department', responsibleDepartment: null, assignments: [], members: [] },
    D2: {
      title: 'D2 Problem description',
      customerId: null,
      customerContact: null,
      partNo: null,
      lot: null,
      defectDescription: null,
      quantityReported: null,
      quantityConfirmed: null,
      receivedAt: null,
    },
    D3: { title: 'D3 Containment (interim action)', containmentDueAt: null, containments: [] },
    D4: { title: 'D4 Root cause and responsibility', analyses: [], responsibility: null },
    D5: { title: 'D5 Chosen corrective actions and 8D decision', correctiveActions: [], planSubmissions: [], decisions: [] },
    D6: { title: 'D6 Implemented and verified actions', implementation: [] },
    D7: { title: 'D7 Preventive actions and systemic review', preventiveActions: [], waiver: [], systemic: [] },
    D8: { title: 'D8 Closure, recognition and customer reply', customerReplies: [], closures: [], recognition: { team: [], remarks: null }, reopenings: [] },
  };
}

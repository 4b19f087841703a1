/**
 * The state a complaint's decisions need, folded from its events. Projections build their own
 * documents; this is not a read model.
 */
import { assertNever } from '@qms/domain-kernel';
import type {
  ActionKind,
  ActionPlannedData,
  AnalysisMethod,
  CauseCategory,
  Channel,
  CloseResult,
  ComplaintEvent,
  ComplaintRegisteredData,
  Responsibility,
  Severity,
} from './events';
import { reopenNumber } from './numbering';

/**
 * registered → assigned → root_cause_recorded → (not_ours | action_planning → plan_submitted
 * → decision_approved) → closed. Containment and the customer reply are flags, not stages: the
 * 24-hour containment does not wait for the analysis.
 */
export type ComplaintStatus =
  | 'registered'
  | 'assigned'
  | 'root_cause_recorded'
  | 'not_ours'
  | 'action_planning'
  | 'plan_submitted'
  | 'decision_approved'
  | 'closed';

export type ActionStatus = 'open' | 'completed' | 'verified';

export interface ActionState {
  readonly actionId: string;
  readonly kind: ActionKind;
  readonly description: string;
  readonly owner: string;
  readonly plannedAt: string;
  readonly dueAt: string;
  /** Earlier due dates, oldest first (§6.3.1 B keeps the history). */
  readonly previousDueDates: readonly string[];
  readonly status: ActionStatus;
  readonly completedAt: string | null;
  readonly verifiedAt: string | null;
  readonly systemic: Pick<
    ActionPlannedData,
    'similarProductsCovered' | 'similarProcessesCovered' | 'noSimilarItemsReason' | 'pfmea' | 'controlPlan'
  >;
}

export type WaiverStatus = 'none' | 'requested' | 'approved' | 'rejected';

export interface Complaint {
  readonly status: ComplaintStatus;
  readonly number: string;
  readonly reopenedFrom: string | null;
  readonly customerId: string;
  readonly customerContact: string;
  readonly partNo: string;
  readonly lot: string;
  readonly defectDescription: string;
  readonly quantityAffected: number;
  readonly severity: Severity;
  readonly channel: Channel;
  readonly receivedAt: string;
  readonly returnNeeded: boolean;
  readonly customerProductionAffected: boolean;
  readonly containmentDueAt: string;
  readonly actionReplyDueAt: string;
  readonly timeZone: string;
  readonly department: string | null;
  readonly assignedAt: string | null;
  readonly containmentRecordedAt: string | null;
  readonly rootCause: {
    readonly category: CauseCategory;
    readonly method: AnalysisMethod;
    readonly recordedAt: string;
  } | null;
  readonly responsibility: Responsibility | null;
  readonly responsibilityDecidedAt: string | null;
  readonly actions: readonly ActionState[];
  readonly waiver: WaiverStatus;
  readonly waiverRequestedAt: string | null;
  readonly planSubmittedAt: string | null;
  readonly decisionApprovedAt: string | null;
  readonly customerRepliedAt: string | null;
  readonly closedAt: string | null;
  readonly closeResult: CloseResult | null;
  readonly reopenedAs: readonly string[];
  /** The latest business time of any event: nothing may close before it. */
  readonly latestOccurredAt: string;
}

export type ComplaintState = { readonly status: 'none' } | Complaint;

export const initialComplaintState = (): ComplaintState => ({ status: 'none' });

export function isRegistered(state: ComplaintState): state is Complaint {
  return state.status !== 'none';
}

/** The number the next reopening of this complaint gets: original + `-1`, `-2`, … */
export function nextReopenNumber(state: Complaint): string {
  return reopenNumber(state.number, state.reopenedAs.length + 1);
}

function registered(data: ComplaintRegisteredData): Complaint {
  return {
    status: 'registered',
    number: data.complaintNumber,
    reopenedFrom: data.reopenedFrom,
    customerId: data.customerId,
    customerContact: data.customerContact,
    partNo: data.partNo,
    lot: data.lot,
    defectDescription: data.defectDescription,
    quantityAffected: data.quantityAffected,
    severity: data.severity,
    channel: data.channel,
    receivedAt: data.receivedAt,
    returnNeeded: data.returnNeeded,
    customerProductionAffected: data.customerProductionAffected,
    containmentDueAt: data.containmentDueAt,
    actionReplyDueAt: data.actionReplyDueAt,
    timeZone: data.timeZone,
    department: null,
    assignedAt: null,
    containmentRecordedAt: null,
    rootCause: null,
    responsibility: null,
    responsibilityDecidedAt: null,
    actions: [],
    waiver: 'none',
    waiverRequestedAt: null,
    planSubmittedAt: null,
    decisionApprovedAt: null,
    customerRepliedAt: null,
    closedAt: null,
    closeResult: null,
    reopenedAs: [],
    latestOccurredAt: data.occurredAt,
  };
}

function updateAction(state: Complaint, actionId: string, change: (action: ActionState) => ActionState): Complaint {
  return { ...state, actions: state.actions.map((action) => (action.actionId === actionId ? change(action) : action)) };
}

function planned(kind: ActionKind, data: ActionPlannedData): ActionState {
  return {
    actionId: data.actionId,
    kind,
    description: data.description,
    owner: data.owner,
    plannedAt: data.occurredAt,
    dueAt: data.dueAt,
    previousDueDates: [],
    status: 'open',
    completedAt: null,
    verifiedAt: null,
    systemic: {
      similarProductsCovered: data.similarProductsCovered,
      similarProcessesCovered: data.similarProcessesCovered,
      noSimilarItemsReason: data.noSimilarItemsReason,
      pfmea: data.pfmea,
      controlPlan: data.controlPlan,
    },
  };
}

function applyEvent(state: Complaint, event: ComplaintEvent): Complaint {
  switch (event.type) {
    case 'ComplaintRegistered':
      return state;
    case 'ComplaintAssigned':
      return {
        ...state,
        status: state.status === 'registered' ? 'assigned' : state.status,
        department: event.data.department,
        assignedAt: event.data.occurredAt,
      };
    case 'ContainmentRecorded':
      return { ...state, containmentRecordedAt: event.data.occurredAt };
    case 'RootCauseRecorded':
      return {
        ...state,
        status: state.status === 'assigned' ? 'root_cause_recorded' : state.status,
        rootCause: { category: event.data.category, method: event.data.method, recordedAt: event.data.occurredAt },
      };
    case 'ResponsibilityDecided':
      return {
        ...state,
        status: event.data.responsibility === 'ours' ? 'action_planning' : 'not_ours',
        responsibility: event.data.responsibility,
        responsibilityDecidedAt: event.data.occurredAt,
        quantityAffected: event.data.quantityAffected,
      };
    case 'CorrectiveActionPlanned':
      return { ...state, actions: [...state.actions, planned('corrective', event.data)] };
    case 'PreventiveActionPlanned':
      return { ...state, actions: [...state.actions, planned('preventive', event.data)] };
    case 'PreventiveActionWaiverRequested':
      return { ...state, waiver: 'requested', waiverRequestedAt: event.data.occurredAt };
    case 'PreventiveActionWaiverApproved':
      return { ...state, waiver: 'approved' };
    case 'PreventiveActionWaiverRejected':
      // A submitted plan that leaned on the waiver is incomplete again.
      return { ...state, waiver: 'rejected', status: state.status === 'plan_submitted' ? 'action_planning' : state.status };
    case 'ActionPlanSubmitted':
      return { ...state, status: 'plan_submitted', planSubmittedAt: event.data.occurredAt };
    case 'ActionCompleted':
      return updateAction(state, event.data.actionId, (action) => ({
        ...action,
        status: 'completed',
        completedAt: event.data.occurredAt,
      }));
    case 'ActionVerified':
      return updateAction(state, event.data.actionId, (action) => ({
        ...action,
        status: 'verified',
        verifiedAt: event.data.occurredAt,
      }));
    case 'ActionRescheduled':
      return updateAction(state, event.data.actionId, (action) => ({
        ...action,
        status: 'open',
        completedAt: null,
        dueAt: event.data.newDueAt,
        previousDueDates: [...action.previousDueDates, event.data.previousDueAt],
      }));
    case 'EightDDecisionApproved':
      return { ...state, status: 'decision_approved', decisionApprovedAt: event.data.occurredAt };
    case 'EightDDecisionRejected':
      return { ...state, status: 'action_planning', planSubmittedAt: null };
    case 'CustomerReplied':
      return { ...state, customerRepliedAt: event.data.occurredAt };
    case 'ComplaintClosed':
      return { ...state, status: 'closed', closedAt: event.data.occurredAt, closeResult: event.data.result };
    case 'ComplaintReopened':
      return { ...state, reopenedAs: [...state.reopenedAs, event.data.reopenedAs] };
    default:
      return assertNever(event, 'complaint event');
  }
}

export function evolveComplaint(state: ComplaintState, event: ComplaintEvent): ComplaintState {
  if (state.status === 'none') {
    // Anything before the registration cannot come from this domain; ignoring it keeps replay total.
    return event.type === 'ComplaintRegistered' ? registered(event.data) : state;
  }
  const next = applyEvent(state, event);
  const latest = event.data.occurredAt > next.latestOccurredAt ? event.data.occurredAt : next.latestOccurredAt;
  return latest === next.latestOccurredAt ? next : { ...next, latestOccurredAt: latest };
}

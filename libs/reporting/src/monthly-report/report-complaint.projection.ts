/**
 * The monthly report's own copy of each complaint: what its figures read and nothing else
 * (ReportComplaint), evolved only by the events that change that. The lists' document carries
 * texts, owners, the 8D decision and the customer's replies besides; the report's copy is under
 * half its size. It is stored in two parts, a row that a month's recomputation reads back
 * (ReportComplaintRow, with what the figures read of the actions derived) and the actions
 * (evolveReportRow, evolveReportActions; report-complaint-facts.ts wires them).
 *
 * The deadline and action rules are the lists' own (complaint-steps.ts), so that both read models
 * judge a step the same way; a spec replays long valid histories through both and compares.
 */
import { assertNever } from '@qms/domain-kernel';
import type { ComplaintEvent, ComplaintEventType } from '@qms/complaint-domain';
import { ACTION_EVENT_TYPES, COMPLAINT_LIST_EVENT_TYPES, evolveComplaint } from '../complaint-list/complaint-list.projection';
import { COMPLAINTS_COLLECTION, type ComplaintDocument } from '../complaint-list/complaint.document';
import { changedAction, completed, markDone, NONE, plannedRound, rescheduledRounds, storedActionsAfter, withPlanned } from '../complaint-list/complaint-steps';
import type { ReportingCalendar } from '../kpi/calendar';
import { intern } from '../kpi/intern';
import type { ReadModelProjection } from '../kpi/projection-shape';
import type { ReportAction, ReportComplaint, ReportComplaintActions, ReportComplaintRow } from './monthly-report.types';
import { reportRowOf, type ReportRowFacts, sameDerived } from './report-complaint-row';

/** The lists' events that change nothing the report reads: texts, waivers, the 8D decision, replies. */
const NOT_REPORTED = [
  'PreventiveActionWaiverRequested',
  'PreventiveActionWaiverApproved',
  'PreventiveActionWaiverRejected',
  'ActionVerified',
  'EightDDecisionApproved',
  'EightDDecisionRejected',
  'CustomerReplied',
  'ComplaintReopened',
] as const satisfies readonly ComplaintEventType[];

export type ReportComplaintEvent = Exclude<ComplaintEvent, { readonly type: (typeof NOT_REPORTED)[number] }>;

export const REPORT_COMPLAINT_EVENT_TYPES: readonly ReportComplaintEvent['type'][] = COMPLAINT_LIST_EVENT_TYPES.filter(
  (type): type is ReportComplaintEvent['type'] => !(NOT_REPORTED as readonly string[]).includes(type),
);

/** The report's events that change a complaint's actions and nothing else of it. */
export const REPORT_ACTION_EVENT_TYPES: ReadonlySet<string> = new Set(REPORT_COMPLAINT_EVENT_TYPES.filter((type) => ACTION_EVENT_TYPES.has(type)));

/** Events that change neither a deadline, nor a completion, nor the closure: the derived fields stand. */
export const REPORT_TIMELESS_EVENT_TYPES: ReadonlySet<string> = new Set<ReportComplaintEvent['type']>(['ComplaintAssigned', 'RootCauseRecorded']);

export function createReportComplaintProjection(): ReadModelProjection<ReportComplaint, ReportComplaintEvent> {
  return {
    name: COMPLAINTS_COLLECTION,
    eventTypes: REPORT_COMPLAINT_EVENT_TYPES,
    documentIds: (event) => [event.data.complaintNumber],
    evolve: (document, event) => evolveReportComplaint(document, event),
  };
}

/** The report's copy of a lists' document: what the report's own evolve keeps of it. */
export function reportComplaintOf(document: ComplaintDocument): ReportComplaint {
  const { containment, actionReply, rootCause, responsibility } = document;
  return {
    _id: document._id,
    receivedAt: document.receivedAt,
    customerId: document.customerId,
    partNo: document.partNo,
    severity: document.severity,
    department: document.department,
    containment: { dueAt: containment.dueAt, doneAt: containment.doneAt, met: containment.met },
    actionReply: { dueAt: actionReply.dueAt, doneAt: actionReply.doneAt, met: actionReply.met },
    rootCause: rootCause === null ? null : { category: rootCause.category },
    responsibility: responsibility === null ? null : { decision: responsibility.decision, quantityAffected: responsibility.quantityAffected },
    actions: document.actions.length === 0 ? NONE : document.actions.map(({ actionId, kind, rounds }) => ({ actionId, kind, rounds })),
    closedAt: document.closedAt,
    result: document.result,
    reopenedFrom: document.reopenedFrom,
  };
}

/** The report's copy of a complaint, whole (its row's facts with its actions), after one event. */
export function evolveReportComplaint(document: ReportComplaint | null, event: ReportComplaintEvent): ReportComplaint | null {
  if (event.type === 'ComplaintRegistered') {
    // Registration sets the same fields in both read models: the lists' mapping, kept in part.
    const registered = evolveComplaint(null, event);
    return registered === null ? null : reportComplaintOf(registered);
  }
  // Events of a complaint whose registration was never seen count in no month.
  if (document === null) return null;
  if (isActionEvent(event)) {
    const actions = reportActionsAfter(document.actions, event);
    return actions === document.actions ? document : { ...document, actions };
  }
  return evolveReportFacts(document, event);
}

type ReportActionEvent = Extract<ReportComplaintEvent, { readonly type: 'CorrectiveActionPlanned' | 'PreventiveActionPlanned' | 'ActionCompleted' | 'ActionRescheduled' }>;
/** The events that change what the report keeps of a complaint besides its actions. */
type ReportFactEvent = Exclude<ReportComplaintEvent, ReportActionEvent | { readonly type: 'ComplaintRegistered' }>;

const isActionEvent = (event: ReportComplaintEvent): event is ReportActionEvent => REPORT_ACTION_EVENT_TYPES.has(event.type);

/** A complaint's facts other than its actions after one event: the whole copy's, or a stored row's (its derived fields kept). */
function evolveReportFacts<D extends ReportRowFacts>(document: D, event: ReportFactEvent): D {
  switch (event.type) {
    case 'ComplaintAssigned':
      return { ...document, department: intern(event.data.department) };
    case 'ContainmentRecorded':
      return { ...document, containment: markDone(document.containment, event.data.occurredAt) };
    case 'RootCauseRecorded':
      return { ...document, rootCause: { category: intern(event.data.category) } };
    case 'ResponsibilityDecided':
      return {
        ...document,
        responsibility: { decision: event.data.responsibility, quantityAffected: event.data.quantityAffected },
        // KPI dictionary: "not ours" is the reply, on time when decided by the action-reply deadline.
        ...(event.data.responsibility === 'not_ours' ? { actionReply: markDone(document.actionReply, event.data.occurredAt) } : {}),
      };
    case 'ActionPlanSubmitted':
      return { ...document, actionReply: markDone(document.actionReply, event.data.occurredAt) };
    case 'ComplaintClosed':
      return { ...document, closedAt: event.data.occurredAt, result: event.data.result };
    default:
      return assertNever(event, 'complaint event');
  }
}

/** A complaint's actions after one event; the same list for an event that changes none. */
function reportActionsAfter(actions: readonly ReportAction[], event: ReportComplaintEvent): readonly ReportAction[] {
  switch (event.type) {
    case 'CorrectiveActionPlanned':
    case 'PreventiveActionPlanned': {
      const kind = event.type === 'CorrectiveActionPlanned' ? 'corrective' : 'preventive';
      return withPlanned(actions, { actionId: event.data.actionId, kind, rounds: [plannedRound(event.data)] });
    }
    case 'ActionCompleted':
      return changedAction(actions, event.data.actionId, (action) => completed(action, event.data.occurredAt));
    case 'ActionRescheduled':
      return changedAction(actions, event.data.actionId, (action) => ({ ...action, rounds: rescheduledRounds(action, event.data) }));
    default:
      return actions;
  }
}

/** The stored actions after one event; null until the complaint's row exists (see evolveReportComplaint). */
export function evolveReportActions(
  document: ReportComplaintActions | null,
  event: ReportComplaintEvent,
  complaintNumber: string,
  registered: boolean,
): ReportComplaintActions | null {
  return storedActionsAfter(document, complaintNumber, registered, (actions) => reportActionsAfter(actions, event));
}

/**
 * The stored row after one event, given the complaint's actions as that event left them (an
 * action's event evolves them first). An action's event returns the row it was given when the
 * derived fields stand: then it is not written, and marks no month.
 */
export function evolveReportRow(
  row: ReportComplaintRow | null,
  event: ReportComplaintEvent,
  actions: readonly ReportAction[],
  calendar: ReportingCalendar,
): ReportComplaintRow | null {
  if (event.type === 'ComplaintRegistered') {
    const registered = evolveReportComplaint(null, event);
    return registered === null ? null : reportRowOf(registered, NONE, calendar);
  }
  if (row === null) return null;
  if (isActionEvent(event)) {
    const next = reportRowOf(row, actions, calendar, row);
    return sameDerived(row, next) ? row : next;
  }
  const next = evolveReportFacts(row, event);
  // Its derived fields came along as they were: right for an event that moves no deadline.
  return REPORT_TIMELESS_EVENT_TYPES.has(event.type) ? next : reportRowOf(next, actions, calendar, row);
}

import { assertNever } from '@qms/domain-kernel';
import type { ActionPlannedData, ComplaintEvent, ComplaintEventType } from '@qms/complaint-domain';
import { calendarFor, type ReportingCalendar } from '../kpi/calendar';
import { intern } from '../kpi/intern';
import type { ReadModelProjection } from '../kpi/projection-shape';
import type { ReportingConfig } from '../kpi/reporting-config';
import { overdueMonthsOf, sameOverdueMonths } from './overdue-months';
import {
  COMPLAINTS_COLLECTION,
  currentRound,
  type ActionFact,
  type ComplaintActionsDocument,
  type ComplaintDocument,
  type StoredComplaint,
} from './complaint.document';
import { appended, changedAction, completed, markDone, NONE, plannedRound, rescheduledRounds, storedActionsAfter, withPlanned } from './complaint-steps';

export const COMPLAINT_LIST_EVENT_TYPES: readonly ComplaintEventType[] = [
  'ComplaintRegistered',
  'ComplaintAssigned',
  'ContainmentRecorded',
  'RootCauseRecorded',
  'ResponsibilityDecided',
  'CorrectiveActionPlanned',
  'PreventiveActionPlanned',
  'PreventiveActionWaiverRequested',
  'PreventiveActionWaiverApproved',
  'PreventiveActionWaiverRejected',
  'ActionPlanSubmitted',
  'ActionCompleted',
  'ActionVerified',
  'ActionRescheduled',
  'EightDDecisionApproved',
  'EightDDecisionRejected',
  'CustomerReplied',
  'ComplaintClosed',
  'ComplaintReopened',
];

/**
 * The master list and the tracking list, one document per complaint. The time zone cuts the
 * months of `overdueMonths`; the repeat flags are kept by updateRepeatFlags after each batch.
 */
export function createComplaintListProjection(
  config: Pick<ReportingConfig, 'timeZone'>,
): ReadModelProjection<ComplaintDocument, ComplaintEvent> {
  const calendar = calendarFor(config.timeZone);
  return {
    name: COMPLAINTS_COLLECTION,
    eventTypes: COMPLAINT_LIST_EVENT_TYPES,
    documentIds: (event) => [event.data.complaintNumber],
    evolve: (document, event) => {
      const next = evolveComplaint(document, event);
      // An event that leaves the status and the timeline as they were (an assignment, a root
      // cause, a customer's reply) leaves the deadline and the overdue months as they were too.
      if (next !== null && document !== null && hasDerivedFields(document) && sameTimeline(document, next)) return next;
      return withDerivedFieldsOf(next, calendar);
    },
  };
}

/** Everything nextDueAt and overdueMonthsOf read, unchanged (evolve copies what it changes). */
function sameTimeline<D extends StoredComplaint & { readonly actions?: unknown }>(before: D, after: D): boolean {
  return (
    before.status === after.status &&
    before.receivedAt === after.receivedAt &&
    before.closedAt === after.closedAt &&
    before.containment === after.containment &&
    before.actionReply === after.actionReply &&
    before.actions === after.actions &&
    before.responsibility === after.responsibility
  );
}

/** Events that change a complaint's actions and nothing else of it. */
export const ACTION_EVENT_TYPES: ReadonlySet<ComplaintEventType> = new Set([
  'CorrectiveActionPlanned',
  'PreventiveActionPlanned',
  'ActionCompleted',
  'ActionVerified',
  'ActionRescheduled',
]);

/**
 * The stored row of a complaint after an event (StoredComplaint), its next due date and overdue
 * months derived with the complaint's actions as they stand after that event. The row itself is
 * returned when the event leaves it as it was: an action whose due dates move neither.
 */
export function evolveStoredComplaint(
  document: StoredComplaint | null,
  event: ComplaintEvent,
  actions: readonly ActionFact[],
  calendar: ReportingCalendar,
): StoredComplaint | null {
  const next = evolveComplaintFacts(document, event);
  if (next === null) return null;
  if (!ACTION_EVENT_TYPES.has(event.type) && document !== null && hasDerivedFields(document) && sameTimeline(document, next)) return next;
  return withDerivedFields(next, actions, calendar);
}

/** A complaint's actions after an event; null for a complaint whose registration was never seen. */
export function evolveComplaintActions(
  document: ComplaintActionsDocument | null,
  event: ComplaintEvent,
  complaintNumber: string,
  registered: boolean,
): ComplaintActionsDocument | null {
  return storedActionsAfter(document, complaintNumber, registered, (actions) => evolveActions(actions, event));
}

const hasDerivedFields = (document: StoredComplaint): boolean =>
  document.overdueMonths !== undefined && Object.hasOwn(document, 'nextDueAt');

/** The row with its next due date and overdue months for these actions; the row itself when both stand. */
function withDerivedFields<D extends StoredComplaint>(document: D, actions: readonly ActionFact[], calendar: ReportingCalendar): D {
  // What the two derivations read, and not a copy of the whole row: a row has some thirty fields,
  // and copying it for every event was the lists' largest cost of their own in a rebuild.
  const facts: DerivationFacts = {
    status: document.status,
    receivedAt: document.receivedAt,
    closedAt: document.closedAt,
    containment: document.containment,
    actionReply: document.actionReply,
    responsibility: document.responsibility,
    actions,
  };
  const due = nextDueAt(facts);
  const months = overdueMonthsOf(facts, calendar);
  const sameDue = Object.hasOwn(document, 'nextDueAt') && document.nextDueAt === due;
  const previous = document.overdueMonths;
  const sameMonths = previous !== undefined && sameOverdueMonths(previous, months);
  if (sameDue && sameMonths) return document;
  if (sameMonths) return { ...document, nextDueAt: due };
  return { ...document, nextDueAt: due, overdueMonths: months.length === 0 ? NONE : months };
}

/** What nextDueAt and overdueMonthsOf read of a complaint. */
type DerivationFacts = Pick<ComplaintDocument, 'status' | 'receivedAt' | 'closedAt' | 'containment' | 'actionReply' | 'responsibility' | 'actions'>;

/**
 * A whole document with its next due date and overdue months derived afresh (see
 * withDerivedFields): the earliest deadline of a step still to be done, so that the quality
 * meeting's list can sort by deadline and filter "overdue now" (nextDueAt < now) in the store
 * without a clock here, and the months at whose end it was overdue. The document itself when both
 * stand, as most events leave them.
 */
export function withDerivedFieldsOf(document: ComplaintDocument | null, calendar: ReportingCalendar): ComplaintDocument | null {
  return document === null ? null : withDerivedFields(document, document.actions, calendar);
}

/** The earliest deadline of a step still to be done (a complaint decided not ours has its action reply done at that decision). */
export function nextDueAt(document: Pick<ComplaintDocument, 'status' | 'containment' | 'actionReply' | 'actions'>): string | null {
  if (document.status === 'closed') return null;
  const pending: string[] = [];
  if (document.containment.doneAt === null) pending.push(document.containment.dueAt);
  if (document.actionReply.doneAt === null) pending.push(document.actionReply.dueAt);
  for (const action of document.actions) {
    const round = currentRound(action);
    if (action.verification !== 'effective' && round.completedAt === null) pending.push(round.dueAt);
  }
  return pending.length === 0 ? null : pending.reduce((earliest, due) => (due < earliest ? due : earliest));
}

function plannedAction(kind: ActionFact['kind'], data: ActionPlannedData): ActionFact {
  return {
    actionId: data.actionId,
    kind,
    description: data.description,
    owner: intern(data.owner),
    rounds: [plannedRound(data)],
    verification: null,
    verifiedAt: null,
  };
}

/** The whole document (actions included) after an event: the two stored parts' rules together. */
export function evolveComplaint(
  document: ComplaintDocument | null,
  event: ComplaintEvent,
): ComplaintDocument | null {
  const facts = evolveComplaintFacts(document, event);
  if (facts === null) return null;
  const before = document?.actions ?? NONE;
  const actions = document === null ? before : evolveActions(before, event);
  if (facts === document && actions === before) return document;
  return { ...facts, actions };
}

/** A complaint's actions after an event; the same list for an event that changes none. */
function evolveActions(actions: readonly ActionFact[], event: ComplaintEvent): readonly ActionFact[] {
  switch (event.type) {
    case 'CorrectiveActionPlanned':
    case 'PreventiveActionPlanned': {
      const kind = event.type === 'CorrectiveActionPlanned' ? 'corrective' : 'preventive';
      return withPlanned(actions, plannedAction(kind, event.data));
    }
    case 'ActionCompleted':
      return changedAction(actions, event.data.actionId, (action) => completed(action, event.data.occurredAt));
    case 'ActionVerified':
      return changedAction(actions, event.data.actionId, (action) => ({
        ...action,
        verification: intern(event.data.result),
        verifiedAt: event.data.occurredAt,
      }));
    case 'ActionRescheduled': {
      const data = event.data;
      return changedAction(actions, data.actionId, (action) => ({
        ...action,
        rounds: rescheduledRounds(action, data),
        verification: intern(data.reason),
        verifiedAt: data.occurredAt,
      }));
    }
    default:
      return actions;
  }
}

/**
 * Everything of a complaint but its actions after an event; the document itself for an action's
 * event. Generic so that a whole document keeps its actions through it.
 */
function evolveComplaintFacts<D extends StoredComplaint>(document: D | null, event: ComplaintEvent): D | StoredComplaint | null {
  if (event.type === 'ComplaintRegistered') {
    const data = event.data;
    return {
      _id: data.complaintNumber,
      receivedAt: data.receivedAt,
      customerId: intern(data.customerId),
      customerContact: intern(data.customerContact),
      partNo: intern(data.partNo),
      lot: data.lot,
      description: data.defectDescription,
      quantityReported: data.quantityAffected,
      quantityAffected: data.quantityAffected,
      severity: data.severity,
      channel: data.channel,
      returnNeeded: data.returnNeeded,
      customerProductionAffected: data.customerProductionAffected,
      status: 'open',
      department: null,
      containment: {
        dueAt: data.containmentDueAt,
        doneAt: null,
        met: null,
        description: null,
        quantitySecured: null,
      },
      actionReply: {
        dueAt: intern(data.actionReplyDueAt),
        doneAt: null,
        met: null,
        customerDeadline: data.customerDeadline !== null,
        submissions: 0,
      },
      rootCause: null,
      responsibility: null,
      waiver: null,
      eightDDecision: null,
      customerRepliedAt: NONE,
      closedAt: null,
      result: null,
      reopenedFrom: data.reopenedFrom,
      reopenedAs: NONE,
      // A reopened complaint is a repeat; the same customer, part and cause category within the
      // window makes one too, which updateRepeatFlags decides once the cause is known.
      repeat: data.reopenedFrom !== null,
    };
  }
  // Events of a complaint whose registration was never seen cannot be placed in any list.
  if (document === null) return null;

  switch (event.type) {
    case 'ComplaintAssigned':
      return { ...document, department: intern(event.data.department) };
    case 'ContainmentRecorded':
      return {
        ...document,
        containment: {
          ...markDone(document.containment, event.data.occurredAt),
          description: event.data.description,
          quantitySecured: event.data.quantitySecured,
        },
      };
    case 'RootCauseRecorded':
      return {
        ...document,
        rootCause: {
          category: intern(event.data.category),
          method: event.data.method,
          description: event.data.description,
        },
      };
    case 'ResponsibilityDecided':
      return {
        ...document,
        quantityAffected: event.data.quantityAffected,
        responsibility: {
          decision: event.data.responsibility,
          quantityAffected: event.data.quantityAffected,
          decidedAt: event.data.occurredAt,
        },
        // KPI dictionary: "not ours" is the reply (sales explains, no plan follows), on time when
        // decided by the action-reply deadline; it also completes the step for "overdue".
        ...(event.data.responsibility === 'not_ours'
          ? { actionReply: markDone(document.actionReply, event.data.occurredAt) }
          : {}),
      };
    case 'CorrectiveActionPlanned':
    case 'PreventiveActionPlanned':
    case 'ActionCompleted':
    case 'ActionVerified':
    case 'ActionRescheduled':
      return document;
    case 'PreventiveActionWaiverRequested':
      return {
        ...document,
        waiver: {
          status: 'requested',
          reason: event.data.reason,
          requestedAt: event.data.occurredAt,
          decidedAt: null,
          decidedBy: null,
        },
      };
    case 'PreventiveActionWaiverApproved':
      if (document.waiver === null) return document;
      return {
        ...document,
        waiver: {
          ...document.waiver,
          status: 'approved',
          decidedAt: event.data.occurredAt,
          decidedBy: intern(event.data.approvedBy),
        },
      };
    case 'PreventiveActionWaiverRejected':
      if (document.waiver === null) return document;
      return {
        ...document,
        waiver: {
          ...document.waiver,
          status: 'rejected',
          decidedAt: event.data.occurredAt,
          decidedBy: intern(event.data.rejectedBy),
        },
      };
    case 'ActionPlanSubmitted': {
      const reply = document.actionReply;
      return {
        ...document,
        actionReply: { ...markDone(reply, event.data.occurredAt), submissions: reply.submissions + 1 },
      };
    }
    case 'EightDDecisionApproved':
      return {
        ...document,
        eightDDecision: {
          status: 'approved',
          decidedAt: event.data.occurredAt,
          decidedBy: intern(event.data.approvedBy),
          rejections: document.eightDDecision?.rejections ?? 0,
        },
      };
    case 'EightDDecisionRejected':
      return {
        ...document,
        eightDDecision: {
          status: 'rejected',
          decidedAt: event.data.occurredAt,
          decidedBy: intern(event.data.rejectedBy),
          rejections: (document.eightDDecision?.rejections ?? 0) + 1,
        },
      };
    case 'CustomerReplied':
      return { ...document, customerRepliedAt: appended(document.customerRepliedAt, event.data.occurredAt) };
    case 'ComplaintClosed':
      return {
        ...document,
        status: 'closed',
        closedAt: event.data.occurredAt,
        result: event.data.result,
      };
    case 'ComplaintReopened':
      if (document.reopenedAs.includes(event.data.reopenedAs)) return document;
      return { ...document, reopenedAs: appended(document.reopenedAs, event.data.reopenedAs) };
    default:
      return assertNever(event, 'complaint event');
  }
}

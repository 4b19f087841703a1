import { assertNever } from '@qms/domain-kernel';
import type { ActionPlannedData, ComplaintEvent, ComplaintEventType } from '@qms/complaint-domain';
import type { ReadModelProjection } from '../kpi/projection-shape';
import {
  COMPLAINTS_COLLECTION,
  currentRound,
  type ActionFact,
  type ComplaintDocument,
  type DeadlineFact,
} from './complaint.document';

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

/** The master list and the tracking list, one document per complaint; needs no configuration. */
export function createComplaintListProjection(): ReadModelProjection<ComplaintDocument, ComplaintEvent> {
  return {
    name: COMPLAINTS_COLLECTION,
    eventTypes: COMPLAINT_LIST_EVENT_TYPES,
    documentIds: (event) => [event.data.complaintNumber],
    evolve: (document, event) => withNextDue(evolveComplaint(document, event)),
  };
}

/**
 * The earliest deadline of a step still to be done, so that the quality meeting's list can sort
 * by deadline and filter "overdue now" (nextDueAt < now) in the store, without a clock here.
 * A step not required — the action reply of a complaint decided not ours — has no deadline.
 */
export function withNextDue(document: ComplaintDocument | null): ComplaintDocument | null {
  if (document === null) return null;
  const due = nextDueAt(document);
  // Most events leave the deadline where it was: no second copy of the document for them.
  if (Object.hasOwn(document, 'nextDueAt') && document.nextDueAt === due) return document;
  return { ...document, nextDueAt: due };
}

function nextDueAt(document: ComplaintDocument): string | null {
  if (document.status === 'closed') return null;
  const pending: string[] = [];
  if (document.containment.doneAt === null) pending.push(document.containment.dueAt);
  if (document.actionReply.doneAt === null && document.responsibility?.decision !== 'not_ours') {
    pending.push(document.actionReply.dueAt);
  }
  for (const action of document.actions) {
    const round = currentRound(action);
    if (action.verification !== 'effective' && round.completedAt === null) pending.push(round.dueAt);
  }
  return pending.length === 0 ? null : pending.reduce((earliest, due) => (due < earliest ? due : earliest));
}

/** Only the earliest doing of a step counts for its deadline, whatever order the events came in. */
function markDone<Fact extends DeadlineFact>(fact: Fact, at: string): Fact {
  const doneAt = fact.doneAt === null || at < fact.doneAt ? at : fact.doneAt;
  return { ...fact, doneAt, met: doneAt <= fact.dueAt };
}

const actionNumber = (actionId: string): number => Number(/(\d+)$/.exec(actionId)?.[1] ?? 0);

function sortActions(actions: readonly ActionFact[]): ActionFact[] {
  return [...actions].sort(
    (a, b) =>
      (a.kind === b.kind ? 0 : a.kind === 'corrective' ? -1 : 1) ||
      actionNumber(a.actionId) - actionNumber(b.actionId) ||
      (a.actionId < b.actionId ? -1 : a.actionId > b.actionId ? 1 : 0),
  );
}

function plannedAction(kind: ActionFact['kind'], data: ActionPlannedData): ActionFact {
  return {
    actionId: data.actionId,
    kind,
    description: data.description,
    owner: data.owner,
    rounds: [{ setAt: data.occurredAt, dueAt: data.dueAt, reason: 'planned', completedAt: null }],
    verification: null,
    verifiedAt: null,
  };
}

function withAction(
  document: ComplaintDocument,
  actionId: string,
  change: (action: ActionFact) => ActionFact,
): ComplaintDocument {
  // An event for an action this document never saw is ignored: the domain refuses it, so it can
  // only come from a stream this projection has not read from the start.
  if (!document.actions.some((action) => action.actionId === actionId)) return document;
  return {
    ...document,
    actions: document.actions.map((action) => (action.actionId === actionId ? change(action) : action)),
  };
}

export function evolveComplaint(
  document: ComplaintDocument | null,
  event: ComplaintEvent,
): ComplaintDocument | null {
  if (event.type === 'ComplaintRegistered') {
    const data = event.data;
    return {
      _id: data.complaintNumber,
      receivedAt: data.receivedAt,
      customerId: data.customerId,
      partNo: data.partNo,
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
        dueAt: data.actionReplyDueAt,
        doneAt: null,
        met: null,
        customerDeadline: data.customerDeadline !== null,
        submissions: 0,
      },
      rootCause: null,
      responsibility: null,
      actions: [],
      waiver: null,
      eightDDecision: null,
      customerRepliedAt: [],
      closedAt: null,
      result: null,
      reopenedFrom: data.reopenedFrom,
      reopenedAs: [],
    };
  }
  // Events of a complaint whose registration was never seen cannot be placed in any list.
  if (document === null) return null;

  switch (event.type) {
    case 'ComplaintAssigned':
      return { ...document, department: event.data.department };
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
          category: event.data.category,
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
      };
    case 'CorrectiveActionPlanned':
    case 'PreventiveActionPlanned': {
      const kind = event.type === 'CorrectiveActionPlanned' ? 'corrective' : 'preventive';
      const others = document.actions.filter((action) => action.actionId !== event.data.actionId);
      return { ...document, actions: sortActions([...others, plannedAction(kind, event.data)]) };
    }
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
          decidedBy: event.data.approvedBy,
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
          decidedBy: event.data.rejectedBy,
        },
      };
    case 'ActionPlanSubmitted': {
      const reply = document.actionReply;
      return {
        ...document,
        actionReply: { ...markDone(reply, event.data.occurredAt), submissions: reply.submissions + 1 },
      };
    }
    case 'ActionCompleted': {
      const at = event.data.occurredAt;
      return withAction(document, event.data.actionId, (action) => {
        const round = currentRound(action);
        // The first completion of a round counts; a second report in the same round changes nothing.
        if (round.completedAt !== null) return action;
        return { ...action, rounds: [...action.rounds.slice(0, -1), { ...round, completedAt: at }] };
      });
    }
    case 'ActionVerified':
      return withAction(document, event.data.actionId, (action) => ({
        ...action,
        verification: event.data.result,
        verifiedAt: event.data.occurredAt,
      }));
    case 'ActionRescheduled': {
      const data = event.data;
      return withAction(document, data.actionId, (action) => ({
        ...action,
        rounds: [
          ...action.rounds,
          { setAt: data.occurredAt, dueAt: data.newDueAt, reason: data.reason, completedAt: null },
        ],
        verification: data.reason,
        verifiedAt: data.occurredAt,
      }));
    }
    case 'EightDDecisionApproved':
      return {
        ...document,
        eightDDecision: {
          status: 'approved',
          decidedAt: event.data.occurredAt,
          decidedBy: event.data.approvedBy,
          rejections: document.eightDDecision?.rejections ?? 0,
        },
      };
    case 'EightDDecisionRejected':
      return {
        ...document,
        eightDDecision: {
          status: 'rejected',
          decidedAt: event.data.occurredAt,
          decidedBy: event.data.rejectedBy,
          rejections: (document.eightDDecision?.rejections ?? 0) + 1,
        },
      };
    case 'CustomerReplied':
      return { ...document, customerRepliedAt: [...document.customerRepliedAt, event.data.occurredAt] };
    case 'ComplaintClosed':
      return {
        ...document,
        status: 'closed',
        closedAt: event.data.occurredAt,
        result: event.data.result,
      };
    case 'ComplaintReopened':
      if (document.reopenedAs.includes(event.data.reopenedAs)) return document;
      return { ...document, reopenedAs: [...document.reopenedAs, event.data.reopenedAs] };
    default:
      return assertNever(event, 'complaint event');
  }
}

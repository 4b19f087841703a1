/**
 * One document per complaint (`_id` = complaint number) holding the union of the master list
 * (客户抱怨处理总表) and the tracking list (客户抱怨处理追踪一览表), stored in two parts: the
 * complaint's row in `complaints` and its actions in `complaint_actions` (StoredComplaint below).
 *
 * Why one document and not one per list: both lists have exactly one row per complaint and share
 * most of their columns (number, customer, part, dates, status, department, deadlines), so two
 * would write two documents per event and could disagree with each other between two writes.
 * Each list is a field selection of this document (complaint-list.views.ts).
 *
 * Only facts are stored: instants, due dates and whether a step was done by its deadline once it
 * is done. Anything that depends on "now" (days open, overdue now, a pending deadline's state) is
 * computed at query time from a given `asOf`, never from the clock inside the projection.
 *
 * Size decides what is kept: an event rewrites its complaint's row (about 2 KB) with the list's
 * index entries, so the document holds what the lists show and the KPIs need, and nothing twice.
 * Explanations, evidence, comments and the IATF 10.2.3 coverage of each action (similar
 * products/processes, PFMEA and control-plan revisions) stay in the event history, which the 8D
 * export and the audit read.
 */
import type {
  ActionKind,
  AnalysisMethod,
  CauseCategory,
  Channel,
  CloseResult,
  RescheduleReason,
  Responsibility,
  Severity,
} from '@qms/complaint-domain';

export const COMPLAINTS_COLLECTION = 'complaints';
/** Each complaint's actions (`_id` = complaint number), stored apart from the complaint's row. */
export const COMPLAINT_ACTIONS_COLLECTION = 'complaint_actions';

export type ComplaintStatus = 'open' | 'closed';

/** A deadline and when its step was done; `met` is null until the step is done. */
export interface DeadlineFact {
  readonly dueAt: string;
  readonly doneAt: string | null;
  readonly met: boolean | null;
}

export interface ContainmentFact extends DeadlineFact {
  readonly description: string | null;
  readonly quantitySecured: number | null;
}

/**
 * The action reply (§6.4): the first submission of the action plan completes the step, or, for a
 * complaint decided not ours, that decision (sales explains; no plan follows), whichever is first.
 */
export interface ActionReplyFact extends DeadlineFact {
  /** The due date is the customer's own deadline rather than the policy's. */
  readonly customerDeadline: boolean;
  readonly submissions: number;
}

export interface RootCauseFact {
  readonly category: CauseCategory;
  readonly method: AnalysisMethod;
  readonly description: string;
}

export interface ResponsibilityFact {
  readonly decision: Responsibility;
  /** Quantity affected as corrected at the decision: the KPI "defective quantity" uses it. */
  readonly quantityAffected: number;
  readonly decidedAt: string;
}

/**
 * One due date of an action and its completion: the plan opens the first round, each reschedule
 * by quality (§6.3.1 B) opens the next. The rounds are the reschedule history.
 */
export interface ActionRound {
  /** When this due date took effect (planned or rescheduled at). */
  readonly setAt: string;
  readonly dueAt: string;
  readonly reason: 'planned' | RescheduleReason;
  /** First completion reported in this round; null while not completed. */
  readonly completedAt: string | null;
}

export interface ActionFact {
  readonly actionId: string;
  readonly kind: ActionKind;
  readonly description: string;
  readonly owner: string;
  /** Oldest first; the last round holds the current due date. Never empty. */
  readonly rounds: readonly ActionRound[];
  /** Latest judgement of quality: effective, or why it was rescheduled. */
  readonly verification: 'effective' | RescheduleReason | null;
  readonly verifiedAt: string | null;
}

export interface WaiverFact {
  readonly status: 'requested' | 'approved' | 'rejected';
  readonly reason: string;
  readonly requestedAt: string;
  readonly decidedAt: string | null;
  readonly decidedBy: string | null;
}

export interface EightDDecisionFact {
  readonly status: 'approved' | 'rejected';
  readonly decidedAt: string;
  readonly decidedBy: string;
  readonly rejections: number;
}

/** `_id` is the complaint number. */
export interface ComplaintDocument {
  readonly _id: string;
  /** Business time every KPI and deadline counts from. */
  readonly receivedAt: string;
  readonly customerId: string;
  /**
   * The customer's contact person, as the master list (客户抱怨处理总表) shows it; absent on
   * documents projected before the list showed it, until the next rebuild.
   */
  readonly customerContact?: string;
  readonly partNo: string;
  readonly lot: string;
  readonly description: string;
  /** As reported at registration. */
  readonly quantityReported: number;
  /** As reported, or as corrected at the responsibility decision. */
  readonly quantityAffected: number;
  readonly severity: Severity;
  readonly channel: Channel;
  readonly returnNeeded: boolean;
  readonly customerProductionAffected: boolean;
  readonly status: ComplaintStatus;
  readonly department: string | null;
  readonly containment: ContainmentFact;
  readonly actionReply: ActionReplyFact;
  readonly rootCause: RootCauseFact | null;
  readonly responsibility: ResponsibilityFact | null;
  /** Sorted by kind, then by the number in the id (CA-2 before CA-10). */
  readonly actions: readonly ActionFact[];
  readonly waiver: WaiverFact | null;
  readonly eightDDecision: EightDDecisionFact | null;
  readonly customerRepliedAt: readonly string[];
  readonly closedAt: string | null;
  readonly result: CloseResult | null;
  readonly reopenedFrom: string | null;
  /** Complaints opened by reopening this one (`-1`, `-2`, …), in order. */
  readonly reopenedAs: readonly string[];
  /**
   * A repeat complaint (DESIGN §8): reopened from another one, or of the same customer, part and
   * cause category as the complaint received just before it within the repeat window. Set from
   * the other complaints of its series after each batch (repeat-flags.ts).
   */
  readonly repeat: boolean;
  /** Earliest deadline of a step not yet done (null when closed or nothing is pending). */
  readonly nextDueAt?: string | null;
  /** Months at whose end the complaint was overdue, as tokens the list filters on (overdue-months.ts). */
  readonly overdueMonths?: readonly string[];
}

/**
 * What the `complaints` collection holds of a complaint: everything but its actions, which are
 * kept in `complaint_actions`. A complaint collects actions for weeks, each planned, completed,
 * verified and maybe rescheduled; kept in the row, every one of those events rewrote the whole
 * complaint, with its eleven index entries, for a change the list's keys rarely see. Stored apart,
 * such an event writes the small actions document, and the complaint's row only when its next
 * due date or overdue months move. Readers join the two (complaint-actions.ts).
 */
export type StoredComplaint = Omit<ComplaintDocument, 'actions'>;

/** A complaint's actions, sorted as in ComplaintDocument. */
export interface ComplaintActionsDocument {
  readonly _id: string;
  readonly actions: readonly ActionFact[];
}

/** The round in force (the last one). */
export function currentRound(action: Pick<ActionFact, 'actionId' | 'rounds'>): ActionRound {
  const round = action.rounds[action.rounds.length - 1];
  if (round === undefined) throw new Error(`Action ${action.actionId} has no due date`);
  return round;
}

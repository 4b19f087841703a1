/**
 * One document per complaint (`complaints` collection, `_id` = complaint number) holding the union
 * of the master list (客户抱怨处理总表) and the tracking list (客户抱怨处理追踪一览表).
 *
 * Why one collection and not two: both lists have exactly one row per complaint and share most of
 * their columns (number, customer, part, dates, status, department, deadlines), so two
 * collections would keep those twice in memory (the embedded mode holds 100,000 complaints in
 * process), write two documents per event, and could disagree with each other between two
 * writes. Each list is a field selection of this document (complaint-list.views.ts).
 *
 * Only facts are stored: instants, due dates and whether a step was done by its deadline once it
 * is done. Anything that depends on "now" (days open, overdue now, a pending deadline's state) is
 * computed at query time from a given `asOf`, never from the clock inside the projection.
 *
 * Texts kept are those the lists show; longer evidence and comments stay in the event history
 * (audit, 8D export) to keep the document small.
 */
import type {
  ActionKind,
  AnalysisMethod,
  CauseCategory,
  Channel,
  CloseResult,
  DocumentRevision,
  RescheduleReason,
  Responsibility,
  Severity,
} from '@qms/complaint-domain';

export const COMPLAINTS_COLLECTION = 'complaints';

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

/** The action reply (§6.4): the first submission of the action plan is the step's completion. */
export interface ActionReplyFact extends DeadlineFact {
  readonly customerDeadline: string | null;
  readonly lastSubmittedAt: string | null;
  readonly submissions: number;
}

export interface RootCauseFact {
  readonly category: CauseCategory;
  readonly method: AnalysisMethod;
  readonly description: string;
  readonly departmentExplanation: string;
  readonly recordedAt: string;
}

export interface ResponsibilityFact {
  readonly decision: Responsibility;
  readonly explanation: string;
  /** Quantity affected as corrected at the decision: the KPI "defective quantity" uses it. */
  readonly quantityAffected: number;
  readonly decidedAt: string;
}

/** One due date of an action: set when planned, then replaced by each reschedule (§6.3.1 B). */
export interface DueDateEntry {
  /** When this due date took effect (planned or rescheduled at). */
  readonly setAt: string;
  readonly dueAt: string;
  readonly reason: 'planned' | RescheduleReason;
}

export interface ActionFact {
  readonly actionId: string;
  readonly kind: ActionKind;
  readonly description: string;
  readonly owner: string;
  readonly plannedAt: string;
  /** Current due date (the last entry of `dueHistory`). */
  readonly dueAt: string;
  /** Oldest first; the first entry is the original due date. */
  readonly dueHistory: readonly DueDateEntry[];
  /** Every completion, oldest first: a reschedule reopens the action and it is completed again. */
  readonly completions: readonly string[];
  /** Latest completion still standing (null once a later reschedule reopened the action). */
  readonly completedAt: string | null;
  /** Completed by the due date in force at completion; null while not completed. */
  readonly completedOnTime: boolean | null;
  /** Latest judgement of quality: effective, or why it was rescheduled. */
  readonly verification: 'effective' | RescheduleReason | null;
  readonly verifiedAt: string | null;
  readonly similarProductsCovered: readonly string[];
  readonly similarProcessesCovered: readonly string[];
  readonly noSimilarItemsReason: string | null;
  readonly pfmea: DocumentRevision | null;
  readonly controlPlan: DocumentRevision | null;
}

export interface WaiverFact {
  readonly status: 'requested' | 'approved' | 'rejected';
  readonly reason: string;
  readonly requestedAt: string;
  readonly decidedAt: string | null;
  readonly decidedBy: string | null;
  /** Approval comment or rejection reason. */
  readonly decisionNote: string | null;
}

export interface EightDDecisionFact {
  readonly status: 'approved' | 'rejected';
  readonly decidedAt: string;
  readonly decidedBy: string;
  /** The approved decision, or the reason it was sent back. */
  readonly text: string;
  readonly rejections: number;
}

export interface ComplaintDocument {
  readonly _id: string;
  readonly number: string;
  readonly registeredAt: string;
  /** Business time every KPI and deadline counts from. */
  readonly receivedAt: string;
  /** Local month of `receivedAt` in the reporting time zone, for month queries. */
  readonly receivedMonth: string;
  readonly customerId: string;
  readonly customerContact: string;
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
  readonly timeZone: string;
  readonly deadlinePolicyId: string;
  readonly status: ComplaintStatus;
  readonly department: string | null;
  readonly assignedAt: string | null;
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
  readonly closedMonth: string | null;
  readonly result: CloseResult | null;
  readonly closingRemarks: string | null;
  readonly reopenedFrom: string | null;
  /** Complaints opened by reopening this one (`-1`, `-2`, …), in order. */
  readonly reopenedAs: readonly string[];
}

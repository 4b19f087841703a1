/**
 * The two lists as field selections of the complaint document, plus the columns that depend on a
 * reference time ("days open", "overdue now", a pending deadline), computed from the `asOf` the
 * caller passes — the same instant gives the same rows whenever they are asked for.
 *
 * `asOf` is normally "now". Deadlines, overdue steps and days open are judged as of it (a step
 * done later shows as not done; an action shows the due date in force then), the master list's
 * "overdue now" from the pending deadlines the row holds (pendingDeadlinePassed); descriptive columns
 * (status, department, root cause) are the document's current ones — a record's full state at a
 * past time is the audit's business (DESIGN §9).
 */
import type { ActionKind, CauseCategory, Channel, CloseResult, Severity } from '@qms/complaint-domain';
import {
  currentRound,
  type ComplaintDocument,
  type ComplaintStatus,
  type ActionRound,
  type EightDDecisionFact,
  type ResponsibilityFact,
  type RootCauseFact,
  type WaiverFact,
} from './complaint.document';
import {
  actionStepAt,
  cutoffAfter,
  daysOpenAsOf,
  deadlineStateAt,
  isOpenAt,
  overdueStepsAt,
  type DeadlineState,
  type TimelineFacts,
} from './complaint-timeline';

/** Document fields the master list reads; use as the store's field selection. */
export const MASTER_LIST_FIELDS = [
  '_id',
  'receivedAt',
  'customerId',
  'customerContact',
  'channel',
  'partNo',
  'lot',
  'description',
  'quantityAffected',
  'severity',
  'status',
  'department',
  'containment',
  'actionReply',
  'customerRepliedAt',
  'result',
  'closedAt',
  'reopenedAs',
  'reopenedFrom',
  'nextDueAt',
  'responsibility',
] as const satisfies readonly (keyof ComplaintDocument)[];

/** Document fields the tracking list reads. */
export const TRACKING_LIST_FIELDS = [
  '_id',
  'receivedAt',
  'customerId',
  'partNo',
  'severity',
  'status',
  'department',
  'containment',
  'actionReply',
  'rootCause',
  'responsibility',
  'actions',
  'waiver',
  'eightDDecision',
  'closedAt',
  'nextDueAt',
] as const satisfies readonly (keyof ComplaintDocument)[];

export type MasterListDocument = Pick<ComplaintDocument, (typeof MASTER_LIST_FIELDS)[number]>;
export type TrackingListDocument = Pick<ComplaintDocument, (typeof TRACKING_LIST_FIELDS)[number]>;

/** A deadline as a list shows it. */
export interface DeadlineView {
  readonly dueAt: string;
  readonly doneAt: string | null;
  readonly state: DeadlineState;
}

export interface MasterListRow {
  readonly number: string;
  readonly receivedAt: string;
  readonly customerId: string;
  /** Null on a document projected before the list showed contacts. */
  readonly customerContact: string | null;
  readonly channel: Channel;
  readonly partNo: string;
  readonly lot: string;
  readonly description: string;
  readonly quantity: number;
  readonly severity: Severity;
  readonly status: ComplaintStatus;
  readonly department: string | null;
  readonly containmentAt: string | null;
  readonly actionReplyAt: string | null;
  readonly customerRepliedAt: readonly string[];
  readonly result: CloseResult | null;
  readonly closedAt: string | null;
  readonly reopenedFrom: string | null;
  readonly reopenedAs: readonly string[];
  /** Full precision; rounding is for display. */
  readonly daysOpen: number;
  readonly overdueNow: boolean;
}

export interface ActionView {
  readonly actionId: string;
  readonly kind: ActionKind;
  readonly description: string;
  readonly owner: string;
  readonly originalDueAt: string;
  readonly dueAt: string;
  /** Every reschedule, oldest first (the original due date is `originalDueAt`). */
  readonly reschedules: readonly ActionRound[];
  /** Completion of the round in force; null while not completed. */
  readonly completedAt: string | null;
  readonly verification: ComplaintDocument['actions'][number]['verification'];
  readonly verifiedAt: string | null;
  /** The current due date's deadline as of the reference time. */
  readonly deadline: DeadlineView;
}

export interface TrackingListRow {
  readonly number: string;
  readonly receivedAt: string;
  readonly customerId: string;
  readonly partNo: string;
  readonly severity: Severity;
  readonly status: ComplaintStatus;
  readonly department: string | null;
  readonly causeCategory: CauseCategory | null;
  readonly rootCause: RootCauseFact | null;
  readonly responsibility: ResponsibilityFact | null;
  readonly containment: DeadlineView & { readonly description: string | null };
  readonly actionReply: DeadlineView;
  readonly correctiveActions: readonly ActionView[];
  readonly preventiveActions: readonly ActionView[];
  readonly waiver: WaiverFact | null;
  readonly eightDDecision: EightDDecisionFact | null;
  readonly daysOpen: number;
  readonly overdueNow: boolean;
  /** Steps past their deadline and not done as of the reference time. */
  readonly overdueSteps: readonly string[];
}

function overdueAsOf(document: TimelineFacts, cutoff: string): string[] {
  return isOpenAt(document, cutoff) ? overdueStepsAt(document, cutoff).map((step) => step.step) : [];
}

export function toMasterListRow(document: MasterListDocument, asOf: string): MasterListRow {
  const cutoff = cutoffAfter(asOf);
  return {
    number: document._id,
    receivedAt: document.receivedAt,
    customerId: document.customerId,
    customerContact: document.customerContact ?? null,
    channel: document.channel,
    partNo: document.partNo,
    lot: document.lot,
    description: document.description,
    quantity: document.quantityAffected,
    severity: document.severity,
    status: document.status,
    department: document.department,
    containmentAt: document.containment.doneAt,
    actionReplyAt: document.actionReply.doneAt,
    customerRepliedAt: document.customerRepliedAt,
    result: document.result,
    closedAt: document.closedAt,
    reopenedFrom: document.reopenedFrom,
    reopenedAs: document.reopenedAs,
    daysOpen: daysOpenAsOf(document, asOf),
    overdueNow: pendingDeadlinePassed(document, cutoff),
  };
}

/**
 * "Overdue now" as the master list shows it, from the complaint's row alone: its earliest pending
 * deadline (`nextDueAt`) has passed. The list is asked as of the request's time, which no fact
 * it holds is later than (business times in the future are refused), so the steps pending then are
 * the row's pending steps: the same answer as judging every step, and the same rule as the list's
 * `overdue=true` filter, without reading the complaint's actions for every row of a page.
 */
function pendingDeadlinePassed(document: Pick<ComplaintDocument, 'receivedAt' | 'closedAt' | 'nextDueAt'>, cutoff: string): boolean {
  const due = document.nextDueAt ?? null;
  return isOpenAt(document, cutoff) && due !== null && due < cutoff;
}

export function toTrackingListRow(document: TrackingListDocument, asOf: string): TrackingListRow {
  const cutoff = cutoffAfter(asOf);
  // A step done after the reference time shows as not done yet, so a row is one moment's picture.
  const deadline = (fact: { dueAt: string; doneAt: string | null }): DeadlineView => {
    const step = {
      dueAt: fact.dueAt,
      doneAt: fact.doneAt !== null && fact.doneAt < cutoff ? fact.doneAt : null,
    };
    return { ...step, state: deadlineStateAt(step, cutoff) };
  };
  const actions: ActionView[] = document.actions.map((action) => {
    const first = action.rounds[0] ?? currentRound(action);
    // Before it was planned, an action shows its first due date as pending.
    const step = actionStepAt(action, cutoff) ?? { dueAt: first.dueAt, doneAt: null };
    return {
      actionId: action.actionId,
      kind: action.kind,
      description: action.description,
      owner: action.owner,
      originalDueAt: first.dueAt,
      dueAt: step.dueAt,
      reschedules: action.rounds.slice(1),
      completedAt: step.doneAt,
      verification: action.verification,
      verifiedAt: action.verifiedAt,
      deadline: deadline(step),
    };
  });
  const overdueSteps = overdueAsOf(document, cutoff);
  return {
    number: document._id,
    receivedAt: document.receivedAt,
    customerId: document.customerId,
    partNo: document.partNo,
    severity: document.severity,
    status: document.status,
    department: document.department,
    causeCategory: document.rootCause?.category ?? null,
    rootCause: document.rootCause,
    responsibility: document.responsibility,
    containment: { ...deadline(document.containment), description: document.containment.description },
    actionReply: deadline(document.actionReply),
    correctiveActions: actions.filter((action) => action.kind === 'corrective'),
    preventiveActions: actions.filter((action) => action.kind === 'preventive'),
    waiver: document.waiver,
    eightDDecision: document.eightDDecision,
    daysOpen: daysOpenAsOf(document, asOf),
    overdueNow: overdueSteps.length > 0,
    overdueSteps,
  };
}

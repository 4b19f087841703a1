/**
 * The state of a complaint at a given instant, from the facts of its document. The monthly report
 * asks "at the end of M" (cutoff = first instant of the next month); the lists ask "as of" a time
 * the caller passes. Both read the same functions so that a list and a report always agree.
 *
 * `cutoff` is exclusive: something happened by then when its time is strictly before the cutoff.
 * All instants are `toISOString()` strings, so string order is time order.
 */
import { DAY_MS } from '../kpi/calendar';
import type { ActionFact, ActionRound, ComplaintDocument, DeadlineFact } from './complaint.document';

/** What the timeline reads of an action. */
export type TimelineAction = Pick<ActionFact, 'actionId' | 'rounds'>;

/**
 * The document fields the timeline reads; both lists select them, and the monthly report keeps
 * them in its own copy of each complaint.
 */
export interface TimelineFacts extends Pick<ComplaintDocument, 'receivedAt' | 'closedAt'> {
  readonly containment: DeadlineFact;
  readonly actionReply: DeadlineFact;
  readonly actions: readonly TimelineAction[];
}

export type StepName = 'containment' | 'action_reply' | `action:${string}`;

export interface StepAt {
  readonly step: StepName;
  readonly dueAt: string;
  readonly doneAt: string | null;
}

/** The instant just after `asOf`, so that what happened at `asOf` itself counts as happened. */
export function cutoffAfter(asOf: string): string {
  const ms = Date.parse(asOf);
  if (Number.isNaN(ms)) throw new Error(`Not an ISO-8601 instant: ${asOf}`);
  return new Date(ms + 1).toISOString();
}

const before = (instant: string | null, cutoff: string): instant is string =>
  instant !== null && instant < cutoff;

export function isReceivedBy(document: Pick<ComplaintDocument, 'receivedAt'>, cutoff: string): boolean {
  return document.receivedAt < cutoff;
}

export function isClosedBy(document: Pick<ComplaintDocument, 'closedAt'>, cutoff: string): boolean {
  return before(document.closedAt, cutoff);
}

/** Received before the cutoff and not closed by then. */
export function isOpenAt(
  document: Pick<ComplaintDocument, 'receivedAt' | 'closedAt'>,
  cutoff: string,
): boolean {
  return isReceivedBy(document, cutoff) && !isClosedBy(document, cutoff);
}

/**
 * The due date of an action in force at the cutoff (the last round opened before it) and when that
 * round was completed, if before the cutoff; null when the action was not planned yet.
 */
export function actionStepAt(action: TimelineAction, cutoff: string): StepAt | null {
  let current: ActionRound | undefined;
  for (const round of action.rounds) if (round.setAt < cutoff) current = round;
  if (current === undefined) return null;
  return {
    step: `action:${action.actionId}`,
    dueAt: current.dueAt,
    doneAt: before(current.completedAt, cutoff) ? current.completedAt : null,
  };
}

function deadlineStepAt(step: StepName, fact: DeadlineFact, cutoff: string): StepAt {
  return { step, dueAt: fact.dueAt, doneAt: before(fact.doneAt, cutoff) ? fact.doneAt : null };
}

/** Every step with a deadline that exists at the cutoff, with its due date then. */
export function stepsAt(document: TimelineFacts, cutoff: string): StepAt[] {
  // A complaint decided not ours has its action reply done at that decision (ComplaintDocument).
  const steps = [
    deadlineStepAt('containment', document.containment, cutoff),
    deadlineStepAt('action_reply', document.actionReply, cutoff),
  ];
  for (const action of document.actions) {
    const step = actionStepAt(action, cutoff);
    if (step !== null) steps.push(step);
  }
  return steps;
}

/** Steps whose deadline passed before the cutoff and that were not done by then. */
export function overdueStepsAt(document: TimelineFacts, cutoff: string): StepAt[] {
  return stepsAt(document, cutoff).filter((step) => step.dueAt < cutoff && step.doneAt === null);
}

/** DESIGN §8: open at the cutoff with at least one step past its deadline and not done. */
export function isOverdueAt(document: TimelineFacts, cutoff: string): boolean {
  if (!isOpenAt(document, cutoff)) return false;
  // overdueStepsAt(…).length > 0 without building the steps: the overdue months of every
  // complaint are judged at every month end on every event that changes it.
  const overdue = (dueAt: string, doneAt: string | null) => dueAt < cutoff && !before(doneAt, cutoff);
  if (overdue(document.containment.dueAt, document.containment.doneAt)) return true;
  if (overdue(document.actionReply.dueAt, document.actionReply.doneAt)) return true;
  for (const action of document.actions) {
    let current: ActionRound | undefined;
    for (const round of action.rounds) if (round.setAt < cutoff) current = round;
    if (current !== undefined && overdue(current.dueAt, current.completedAt)) return true;
  }
  return false;
}

/** (closed − received) in days, full precision; null while open. */
export function daysToClose(document: Pick<ComplaintDocument, 'receivedAt' | 'closedAt'>): number | null {
  const ms = msToClose(document);
  return ms === null ? null : ms / DAY_MS;
}

/** Whole milliseconds from receipt to closure: sums of these are exact in any order. */
export function msToClose(document: Pick<ComplaintDocument, 'receivedAt' | 'closedAt'>): number | null {
  return document.closedAt === null ? null : Date.parse(document.closedAt) - Date.parse(document.receivedAt);
}

/** Days from receipt to closure or to `asOf`, whichever is first; 0 before receipt. */
export function daysOpenAsOf(
  document: Pick<ComplaintDocument, 'receivedAt' | 'closedAt'>,
  asOf: string,
): number {
  const end = isClosedBy(document, cutoffAfter(asOf))
    ? Date.parse(document.closedAt as string)
    : Date.parse(asOf);
  return Math.max(0, end - Date.parse(document.receivedAt)) / DAY_MS;
}

export type DeadlineState = 'met' | 'not_met' | 'pending';

/** met / not met once done; before that, pending until the deadline passes, then not met. */
export function deadlineStateAt(step: Pick<StepAt, 'dueAt' | 'doneAt'>, cutoff: string): DeadlineState {
  if (step.doneAt !== null) return step.doneAt <= step.dueAt ? 'met' : 'not_met';
  return step.dueAt < cutoff ? 'not_met' : 'pending';
}

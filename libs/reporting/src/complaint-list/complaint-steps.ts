/**
 * How a complaint's deadline steps and actions change with its events, shared by the lists'
 * document and the monthly report's own copy of each complaint (report-complaint.projection.ts),
 * so that both keep the same rules whatever else each holds.
 */
import type { ActionPlannedData, ActionRescheduledData } from '@qms/complaint-domain';
import { intern } from '../kpi/intern';
import { currentRound, type ActionFact, type ActionRound, type DeadlineFact } from './complaint.document';

/** What these rules read and write of an action. */
export type ActionSteps = Pick<ActionFact, 'actionId' | 'kind' | 'rounds'>;

/**
 * The lists a registered complaint starts with: one frozen empty array shared by every document
 * until its first entry (every change makes a new list).
 */
export const NONE: readonly never[] = Object.freeze([]);

/**
 * `list` and then `item`, in an array of exactly that length. A spread or a push reserves room
 * for 16 more elements, and the embedded mode holds every complaint's lists for good: at 100,000
 * complaints that spare room was about a tenth of their documents.
 */
export function appended<T>(list: readonly T[], item: T): T[] {
  return list.concat([item]);
}

/** Only the earliest doing of a step counts for its deadline, whatever order the events came in. */
export function markDone<Fact extends DeadlineFact>(fact: Fact, at: string): Fact {
  const doneAt = fact.doneAt === null || at < fact.doneAt ? at : fact.doneAt;
  return { ...fact, doneAt, met: doneAt <= fact.dueAt };
}

const actionNumber = (actionId: string): number => Number(/(\d+)$/.exec(actionId)?.[1] ?? 0);

/** Corrective before preventive, then by number: the order the 8D form lists them in. */
function sortActions<A extends ActionSteps>(actions: readonly A[]): A[] {
  // slice, not a spread: see appended.
  return actions.slice().sort(
    (a, b) =>
      (a.kind === b.kind ? 0 : a.kind === 'corrective' ? -1 : 1) ||
      actionNumber(a.actionId) - actionNumber(b.actionId) ||
      (a.actionId < b.actionId ? -1 : a.actionId > b.actionId ? 1 : 0),
  );
}

/** A newly planned action's actions list: a plan for an id already planned replaces it. */
export function withPlanned<A extends ActionSteps>(actions: readonly A[], planned: A): A[] {
  return sortActions(appended(actions.filter((action) => action.actionId !== planned.actionId), planned));
}

/** The due date a plan sets. Due dates are days (the end of one, mostly): few distinct values. */
export function plannedRound(data: ActionPlannedData): ActionRound {
  return { setAt: data.occurredAt, dueAt: intern(data.dueAt), reason: 'planned', completedAt: null };
}

/** The first completion of a round counts; a second report in the same round changes nothing. */
export function completed<A extends ActionSteps>(action: A, at: string): A {
  const round = currentRound(action);
  if (round.completedAt !== null) return action;
  return { ...action, rounds: appended(action.rounds.slice(0, -1), { ...round, completedAt: at }) };
}

/** A reschedule by quality opens the next round with the new due date. */
export function rescheduledRounds(action: ActionSteps, data: ActionRescheduledData): ActionRound[] {
  return appended(action.rounds, { setAt: data.occurredAt, dueAt: intern(data.newDueAt), reason: intern(data.reason), completedAt: null });
}

/**
 * The actions with one of them changed. An event for an action never seen is ignored: the domain
 * refuses it, so it can only come from a stream this projection has not read from the start.
 */
export function changedAction<A extends ActionSteps>(actions: readonly A[], actionId: string, change: (action: A) => A): readonly A[] {
  if (!actions.some((action) => action.actionId === actionId)) return actions;
  return actions.map((action) => (action.actionId === actionId ? change(action) : action));
}

/**
 * A complaint's stored actions document after an event, given how the event changes its actions:
 * the same document when they stand (it is not written again), and nothing for a complaint whose
 * registration was never seen (its events count nowhere).
 */
export function storedActionsAfter<A extends ActionSteps>(
  document: { readonly _id: string; readonly actions: readonly A[] } | null,
  complaintNumber: string,
  registered: boolean,
  change: (actions: readonly A[]) => readonly A[],
): { readonly _id: string; readonly actions: readonly A[] } | null {
  if (!registered) return document;
  const actions = document?.actions ?? NONE;
  const next = change(actions);
  return next === actions ? document : { _id: complaintNumber, actions: next };
}

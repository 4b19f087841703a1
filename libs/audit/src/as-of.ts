/**
 * Which events make up a record "as of" a point (DESIGN §9).
 *
 * - `revision`: the events up to and including that revision.
 * - `recorded` time (the default): what the record said at that instant — the events the store had
 *   committed by then. This is the auditor's question ("what did the record show on 3 March?"),
 *   and the answer never changes afterwards, whatever is back-dated later.
 * - `business` time: what had happened by that instant according to what is known now — the
 *   events whose `occurredAt` is not later, including steps entered afterwards with an earlier
 *   business time. Those back-dated entries are listed, because the record did not show them then.
 */
export type AsOfPoint =
  | { readonly kind: 'revision'; readonly revision: number }
  | { readonly kind: 'time'; readonly basis: AsOfBasis; readonly at: Date };

export const AS_OF_BASES = ['recorded', 'business'] as const;
export type AsOfBasis = (typeof AS_OF_BASES)[number];

export interface AsOfCandidate {
  readonly revision: number;
  readonly recordedAt: Date;
  /** Business time of the event, when it has one. */
  readonly occurredAt: string | null;
}

export interface AsOfSelection<Event extends AsOfCandidate> {
  readonly included: readonly Event[];
  /** Business basis only: included events recorded after the instant. */
  readonly backdated: readonly Event[];
}

/** `events` in revision order. The result keeps that order. */
export function selectAsOf<Event extends AsOfCandidate>(events: readonly Event[], point: AsOfPoint): AsOfSelection<Event> {
  if (point.kind === 'revision') {
    return { included: events.filter((event) => event.revision <= point.revision), backdated: [] };
  }
  const at = point.at.getTime();
  if (point.basis === 'recorded') {
    // A prefix, not a filter: the record at an instant is the stream as committed up to then.
    const end = events.findIndex((event) => event.recordedAt.getTime() > at);
    return { included: end === -1 ? [...events] : events.slice(0, end), backdated: [] };
  }
  const included = events.filter((event) => event.occurredAt !== null && Date.parse(event.occurredAt) <= at);
  return { included, backdated: included.filter((event) => event.recordedAt.getTime() > at) };
}

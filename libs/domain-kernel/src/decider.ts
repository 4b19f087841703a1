import type { Actor } from './roles';

/**
 * What a decision needs besides the command and the state: the clock and the actor arrive here,
 * so the domain never reads the wall clock or the request.
 */
export interface DecisionContext {
  /** Recorded time of the command: business times later than this are refused as "in the future". */
  readonly now: Date;
  readonly actor: Actor;
}

/** A domain event as the domain sees it: a discriminated union member with a JSON-safe payload. */
export interface DomainEvent<Type extends string = string, Data = unknown> {
  readonly type: Type;
  readonly data: Data;
}

/** decide/evolve/initialState as pure functions (emmett's decider). decide throws a DomainError. */
export interface Decider<Command, Event extends DomainEvent, State> {
  readonly initialState: () => State;
  readonly evolve: (state: State, event: Event) => State;
  readonly decide: (command: Command, state: State, context: DecisionContext) => Event[];
}

export function fold<Event extends DomainEvent, State>(
  decider: Pick<Decider<unknown, Event, State>, 'initialState' | 'evolve'>,
  events: Iterable<Event>,
): State {
  let state = decider.initialState();
  for (const event of events) state = decider.evolve(state, event);
  return state;
}

/** Compile-time proof that a switch over a union handled every member. */
export function assertNever(value: never, what = 'value'): never {
  throw new Error(`Unexpected ${what}: ${JSON.stringify(value)}`);
}

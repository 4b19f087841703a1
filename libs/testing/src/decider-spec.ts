import type { Actor, Decider, DecisionContext, DomainError, DomainEvent } from '@qms/domain-kernel';

/**
 * Given-events / when-command / then-events-or-error, for any decider.
 *
 *   spec.given([registered]).when(assign, ctx).then([assigned]);
 *   spec.given([registered]).when(close, ctx).thenThrows(IllegalStateError, /open actions/);
 */
export function deciderSpec<Command, Event extends DomainEvent, State>(decider: Decider<Command, Event, State>) {
  return {
    given(events: readonly Event[]) {
      return {
        when(command: Command, context: DecisionContext) {
          const run = (): Event[] => {
            let state = decider.initialState();
            for (const event of events) state = decider.evolve(state, event);
            return decider.decide(command, state, context);
          };
          return {
            then(expected: readonly Event[]): void {
              expect(run()).toEqual(expected);
            },
            /** Returns the produced events for assertions on parts of them. */
            thenEvents(): Event[] {
              return run();
            },
            thenThrows(errorType: new (...args: never[]) => DomainError, message?: RegExp | string): void {
              let thrown: unknown;
              try {
                run();
              } catch (error) {
                thrown = error;
              }
              expect(thrown).toBeInstanceOf(errorType);
              if (message !== undefined) expect((thrown as Error).message).toMatch(message);
            },
          };
        },
      };
    },
  };
}

export function contextAt(now: string, actor: Actor): DecisionContext {
  return { now: new Date(now), actor };
}

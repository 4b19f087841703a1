import type { Decider } from '@qms/domain-kernel';
import type { SurveyCommand } from './commands';
import { resolveSurveyConfig, type SurveyConfigInput } from './config';
import { decideSurvey } from './decide';
import type { SurveyEvent } from './events';
import { evolveSurvey, initialSurveyState, type SurveyState } from './state';

export type SurveyDecider = Decider<SurveyCommand, SurveyEvent, SurveyState>;

/** Throws at start-up on a configuration that cannot work (bad calendar, scale or threshold). */
export function createSurveyDecider(config: SurveyConfigInput = {}): SurveyDecider {
  const resolved = resolveSurveyConfig(config);
  return {
    initialState: initialSurveyState,
    evolve: evolveSurvey,
    decide: (command, state, context) => decideSurvey(command, state, context, resolved),
  };
}

import { assertNever, type DecisionContext, ForbiddenError } from '@qms/domain-kernel';
import { surveyPeriodOf } from './calendar';
import type { SurveyCommand } from './commands';
import { DEFAULT_SURVEY_CONFIG, type SurveyConfig } from './config';
import { approveCountermeasure, assignCountermeasure, closeSurveyPeriod } from './decide-countermeasures';
import { correctResponse, issueSurvey, recordResponse } from './decide-responses';
import type { SurveyEvent } from './events';
import type { SurveyState } from './state';

export function decideSurvey(
  command: SurveyCommand,
  state: SurveyState,
  context: DecisionContext,
  config: SurveyConfig = DEFAULT_SURVEY_CONFIG,
): SurveyEvent[] {
  const allowed = config.roles[command.type];
  if (!allowed.includes(context.actor.role)) {
    throw new ForbiddenError(
      `Role ${context.actor.role} may not ${command.type}; allowed: ${allowed.join(', ')}`,
    );
  }
  switch (command.type) {
    case 'IssueSurvey':
      return issueSurvey(command, state, context, config, surveyPeriodOf(config.calendar, command.periodId));
    case 'RecordSurveyResponse':
      return recordResponse(command, state, context);
    case 'CorrectSurveyResponse':
      return correctResponse(command, state, context);
    case 'AssignCountermeasure':
      return assignCountermeasure(command, state, context);
    case 'ApproveCountermeasure':
      return approveCountermeasure(command, state, context);
    case 'CloseSurveyPeriod':
      return closeSurveyPeriod(command, state, context, config);
    default:
      return assertNever(command, 'survey command');
  }
}

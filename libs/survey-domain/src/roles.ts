import type { Role } from '@qms/domain-kernel';
import type { SurveyCommandType } from './commands';

/**
 * §5.2: sales runs the survey and fills the summary; the unit that caused the dissatisfaction
 * (or quality on its behalf) writes the countermeasure; the general manager approves it.
 */
export const SURVEY_COMMAND_ROLES: Readonly<Record<SurveyCommandType, readonly Role[]>> = {
  IssueSurvey: ['sales'],
  RecordSurveyResponse: ['sales'],
  CorrectSurveyResponse: ['sales'],
  AssignCountermeasure: ['department', 'quality'],
  ApproveCountermeasure: ['management'],
  CloseSurveyPeriod: ['sales'],
};

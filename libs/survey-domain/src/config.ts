import type { Role } from '@qms/domain-kernel';
import { assertValidCalendar, HALF_YEARLY_SURVEY_CALENDAR, type SurveyCalendar } from './calendar';
import type { SurveyCommandType } from './commands';
import type { SurveyScale } from './events';
import { SURVEY_COMMAND_ROLES } from './roles';

export interface SurveyConfig {
  readonly calendar: SurveyCalendar;
  readonly scale: SurveyScale;
  /** Scores strictly below this are dissatisfied items needing a countermeasure. */
  readonly dissatisfiedBelow: number;
  /** Closing needs every countermeasure approved by management, not just assigned. */
  readonly requireApprovedCountermeasures: boolean;
  readonly roles: Readonly<Record<SurveyCommandType, readonly Role[]>>;
}

export type SurveyConfigInput = Partial<Omit<SurveyConfig, 'roles'>> & {
  readonly roles?: Partial<Record<SurveyCommandType, readonly Role[]>>;
};

export const DEFAULT_SURVEY_CONFIG: SurveyConfig = {
  calendar: HALF_YEARLY_SURVEY_CALENDAR,
  scale: { min: 1, max: 5 },
  dissatisfiedBelow: 3,
  requireApprovedCountermeasures: true,
  roles: SURVEY_COMMAND_ROLES,
};

export function resolveSurveyConfig(input: SurveyConfigInput = {}): SurveyConfig {
  const config: SurveyConfig = {
    ...DEFAULT_SURVEY_CONFIG,
    ...input,
    roles: { ...SURVEY_COMMAND_ROLES, ...input.roles },
  };
  assertValidCalendar(config.calendar);
  const { min, max } = config.scale;
  if (!(Number.isFinite(min) && Number.isFinite(max) && min >= 0 && min < max)) {
    throw new Error(`Invalid survey scale ${min}–${max}: need 0 ≤ min < max`);
  }
  if (!(config.dissatisfiedBelow > min && config.dissatisfiedBelow <= max)) {
    throw new Error(`dissatisfiedBelow ${config.dissatisfiedBelow} must lie in (${min}, ${max}]`);
  }
  return config;
}

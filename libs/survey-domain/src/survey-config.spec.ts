import { ForbiddenError, ROLES } from '@qms/domain-kernel';
import { deciderSpec } from '../../testing/src/decider-spec';
import type { SurveyCommand, SurveyCommandType } from './commands';
import { createSurveyDecider } from './decider';
import { SURVEY_EVENT_SCHEMA_VERSIONS, SURVEY_EVENT_TYPES } from './events';
import { SURVEY_COMMAND_ROLES } from './roles';
import { PERIOD, ctx, issued } from './spec-fixtures';
import { upcastSurveyEvent } from './upcast';

const commands: Record<SurveyCommandType, SurveyCommand> = {
  IssueSurvey: { type: 'IssueSurvey', periodId: PERIOD, customers: [] },
  RecordSurveyResponse: {
    type: 'RecordSurveyResponse',
    periodId: PERIOD,
    customerId: 'C',
    scores: {},
    respondent: { name: 'x' },
  },
  CorrectSurveyResponse: {
    type: 'CorrectSurveyResponse',
    periodId: PERIOD,
    customerId: 'C',
    scores: {},
    respondent: { name: 'x' },
    reason: 'r',
  },
  AssignCountermeasure: {
    type: 'AssignCountermeasure',
    periodId: PERIOD,
    customerId: 'C',
    dimension: 'price',
    department: 'D',
    description: 'd',
    dueDate: '2026-08-01',
  },
  ApproveCountermeasure: { type: 'ApproveCountermeasure', periodId: PERIOD, countermeasureNo: 1 },
  CloseSurveyPeriod: { type: 'CloseSurveyPeriod', periodId: PERIOD },
};

describe('survey roles (DESIGN §3)', () => {
  const spec = deciderSpec(createSurveyDecider());
  for (const [type, allowed] of Object.entries(SURVEY_COMMAND_ROLES) as [
    SurveyCommandType,
    readonly string[],
  ][]) {
    for (const role of ROLES.filter((r) => !allowed.includes(r))) {
      it(`refuses ${type} by ${role}`, () => {
        spec
          .given([issued])
          .when(commands[type], ctx(role, 'D'))
          .thenThrows(ForbiddenError, new RegExp(`${role} may not ${type}`));
      });
    }
  }
});

describe('survey configuration', () => {
  it('refuses a scale or threshold that cannot work', () => {
    expect(() => createSurveyDecider({ scale: { min: 5, max: 1 } })).toThrow(/Invalid survey scale/);
    expect(() => createSurveyDecider({ dissatisfiedBelow: 1 })).toThrow(
      /dissatisfiedBelow 1 must lie in \(1, 5\]/,
    );
    expect(() => createSurveyDecider({ calendar: { periods: [] } })).toThrow(/Invalid survey calendar/);
  });
});

describe('upcastSurveyEvent', () => {
  it('declares a version for every event type and passes current payloads through', () => {
    expect(SURVEY_EVENT_TYPES).toHaveLength(6);
    for (const type of SURVEY_EVENT_TYPES) expect(SURVEY_EVENT_SCHEMA_VERSIONS[type]).toBe(1);
    expect(upcastSurveyEvent('SurveyIssued', 1, issued.data)).toBe(issued.data);
    expect(() => upcastSurveyEvent('SurveyIssued', 2, issued.data)).toThrow(/current version is 1/);
    expect(() => upcastSurveyEvent('SurveySent', 1, {})).toThrow(/Unknown survey event type/);
  });
});

import {
  SURVEY_DIMENSIONS,
  surveyStreamId,
  type SurveyCommand,
  type SurveyDimension,
  type SurveyEvent,
  type SurveyScores,
  type SurveyState,
} from '@qms/survey-domain';
import type { Case } from './history-writer';
import { WeightedChoice } from './random';
import { DAY, type Process } from './simulation';
import { CONTACT_NAMES, SURVEY_COMMENTS, SURVEY_COUNTERMEASURES } from './vocabulary';
import { localDate, type World } from './world';

type SurveyCase = Case<SurveyCommand, SurveyEvent, SurveyState>;

const SCORES = new WeightedChoice([
  [5, 0.45],
  [4, 0.35],
  [3, 0.14],
  [2, 0.04],
  [1, 0.02],
] as const);

const RESPONSIBLE_UNIT: Record<SurveyDimension, string> = {
  personnel_service: 'sales',
  complaint_handling: 'quality',
  quality: 'quality',
  delivery: 'logistics',
  price: 'sales',
};

/** Half-yearly survey periods (§5.2) whose issue date falls inside the history. */
export function surveyPeriodsBetween(start: number, end: number): { periodId: string; issueAt: number }[] {
  const periods: { periodId: string; issueAt: number }[] = [];
  for (let year = new Date(start).getUTCFullYear(); year <= new Date(end).getUTCFullYear(); year++) {
    for (const [code, monthDay] of [
      ['H1', '06-30'],
      ['H2', '12-31'],
    ] as const) {
      const issueAt = Date.parse(`${year}-${monthDay}T09:00:00+08:00`);
      if (issueAt >= start && issueAt < end) periods.push({ periodId: `${year}-${code}`, issueAt });
    }
  }
  return periods;
}

/**
 * One survey period: issued to every customer of more than a year, answered by most within four
 * weeks; each dissatisfied item gets a countermeasure approved by management; closed after ten weeks.
 */
export function* surveyPeriod(world: World, periodId: string): Process {
  const { random, writer, actors } = world;
  const issuedAt = world.now;
  const record: SurveyCase = {
    cursor: writer.stream(surveyStreamId(periodId)),
    decider: world.deciders.survey,
    state: world.deciders.survey.initialState(),
  };
  const step = (command: SurveyCommand, actor = actors.sales()) => writer.execute(record, command, actor);
  const today = localDate(world.now);
  const [issued] = step({
    type: 'IssueSurvey',
    periodId,
    customers: world.customers
      .filter((customer) => customer.relationshipStart <= today)
      .map((customer) => ({ customerId: customer.id, relationshipStart: customer.relationshipStart })),
  });
  if (issued?.type !== 'SurveyIssued') return;

  const agenda: { time: number; run: () => void }[] = [];
  const schedule = (time: number, run: () => void) => {
    let index = agenda.length;
    while (index > 0 && agenda[index - 1]!.time > time) index--;
    agenda.splice(index, 0, { time, run });
  };
  for (const { customerId } of issued.data.customers) {
    if (!random.chance(0.88)) continue;
    schedule(world.now + world.wait(1, 28), () => {
      const scores: Partial<Record<SurveyDimension, number>> = {};
      for (const dimension of SURVEY_DIMENSIONS)
        if (!random.chance(0.05)) scores[dimension] = SCORES.pick(random);
      if (Object.keys(scores).length === 0) scores.quality = 4;
      const answer = {
        periodId,
        customerId,
        scores: scores as SurveyScores,
        comments: random.chance(0.3) ? random.pick(SURVEY_COMMENTS) : null,
        respondent: {
          name: random.pick(CONTACT_NAMES),
          title: random.chance(0.6) ? 'Purchasing manager' : null,
        },
      };
      const [response] = step({ type: 'RecordSurveyResponse', ...answer });
      world.tally.surveyResponses += 1;
      if (random.chance(0.03)) {
        schedule(world.now + world.wait(1, 5), () =>
          step({
            type: 'CorrectSurveyResponse',
            ...answer,
            comments: 'Comment corrected after a call with the customer',
            reason: 'Typo in the returned form',
          }),
        );
      }
      if (response?.type !== 'SurveyResponseRecorded') return;
      for (const dimension of response.data.dissatisfiedDimensions) {
        schedule(world.now + world.wait(2, 10), () => {
          const [assigned] = step(
            {
              type: 'AssignCountermeasure',
              periodId,
              customerId,
              dimension,
              department: RESPONSIBLE_UNIT[dimension],
              description: random.pick(SURVEY_COUNTERMEASURES),
              dueDate: localDate(world.now + 30 * DAY),
            },
            actors.quality(),
          );
          if (assigned?.type !== 'CountermeasureAssigned') return;
          const countermeasureNo = assigned.data.countermeasureNo;
          schedule(world.now + world.wait(1, 7), () =>
            step(
              { type: 'ApproveCountermeasure', periodId, countermeasureNo, note: null },
              actors.management(),
            ),
          );
        });
      }
    });
  }
  schedule(issuedAt + 70 * DAY, () => step({ type: 'CloseSurveyPeriod', periodId }));
  for (let next = agenda.shift(); next !== undefined; next = agenda.shift()) {
    yield Math.max(0, next.time - world.now);
    next.run();
  }
}

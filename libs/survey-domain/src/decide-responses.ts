import { type DecisionContext, IllegalStateError } from '@qms/domain-kernel';
import { isDueForSurvey, type SurveyPeriod } from './calendar';
import type { CorrectSurveyResponse, IssueSurvey, RecordSurveyResponse, SurveyAnswer } from './commands';
import type { SurveyConfig } from './config';
import { requireIssued, requireOpen, stepTime } from './decide-common';
import {
  type ExcludedCustomer,
  SURVEY_DIMENSIONS,
  type SurveyDimension,
  type SurveyIssued,
  type SurveyResponseCorrected,
  type SurveyResponseData,
  type SurveyResponseRecorded,
  type SurveyedCustomer,
} from './events';
import type { IssuedSurveyState, SurveyState } from './state';
import { businessTime, FieldChecks } from '@qms/domain-kernel';

export function issueSurvey(
  command: IssueSurvey,
  state: SurveyState,
  context: DecisionContext,
  config: SurveyConfig,
  period: SurveyPeriod,
): SurveyIssued[] {
  const checks = new FieldChecks();
  if (!Array.isArray(command.customers) || command.customers.length === 0)
    checks.fail('customers', 'at least one customer is required');
  const listed = (command.customers ?? []).map((customer, index) => {
    const customerId = checks.text(`customers[${index}].customerId`, customer.customerId, 100);
    const relationshipStart = checks.date(
      `customers[${index}].relationshipStart`,
      customer.relationshipStart,
    );
    return { customerId, relationshipStart };
  });
  listed.forEach((customer, index) => {
    if (listed.findIndex((other) => other.customerId === customer.customerId) !== index) {
      checks.fail(`customers[${index}].customerId`, `${customer.customerId} is listed more than once`);
    }
  });
  checks.done();
  const occurredAt = businessTime(command.occurredAt, context.now);
  if (state.status !== 'none')
    throw new IllegalStateError(`The survey for ${period.periodId} was already issued`);

  const customers: SurveyedCustomer[] = listed.filter((c) =>
    isDueForSurvey(c.relationshipStart, period.issueDate),
  );
  const excluded: ExcludedCustomer[] = listed
    .filter((c) => !isDueForSurvey(c.relationshipStart, period.issueDate))
    .map((c) => ({ ...c, reason: 'regular_contact' }));
  return [
    {
      type: 'SurveyIssued',
      data: {
        periodId: period.periodId,
        year: period.year,
        periodCode: period.code,
        issueDate: period.issueDate,
        coversFrom: period.coversFrom,
        coversTo: period.coversTo,
        customers,
        excluded,
        scale: config.scale,
        dissatisfiedBelow: config.dissatisfiedBelow,
        occurredAt,
      },
    },
  ];
}

/** Checks an answer against the scale recorded when the survey was issued. */
function answerData(
  command: SurveyAnswer & { readonly periodId: string },
  current: IssuedSurveyState,
  occurredAt: string,
): SurveyResponseData {
  const checks = new FieldChecks();
  const customerId = checks.text('customerId', command.customerId, 100);
  const comments = checks.optionalText('comments', command.comments);
  const name = checks.text('respondent.name', command.respondent?.name, 200);
  const title = checks.optionalText('respondent.title', command.respondent?.title, 200);
  const given = Object.entries(command.scores ?? {});
  if (given.length === 0) checks.fail('scores', 'score at least one dimension');
  const { min, max } = current.scale;
  const scores: Partial<Record<SurveyDimension, number>> = {};
  for (const [dimension, score] of given) {
    if (!(SURVEY_DIMENSIONS as readonly string[]).includes(dimension)) {
      checks.fail(`scores.${dimension}`, `is not a dimension; use ${SURVEY_DIMENSIONS.join(', ')}`);
    } else if (typeof score !== 'number' || !Number.isFinite(score) || score < min || score > max) {
      checks.fail(`scores.${dimension}`, `must be a number from ${min} to ${max}`);
    } else {
      scores[dimension as SurveyDimension] = score;
    }
  }
  checks.done();
  return {
    periodId: current.periodId,
    customerId,
    scores,
    comments,
    respondent: { name, title },
    scaleMin: min,
    topOfScale: max,
    dissatisfiedDimensions: SURVEY_DIMENSIONS.filter(
      (d) => scores[d] !== undefined && (scores[d]) < current.dissatisfiedBelow,
    ),
    occurredAt,
  };
}

function requireSurveyed(current: IssuedSurveyState, customerId: string): void {
  const excluded = current.excluded.find((c) => c.customerId === customerId);
  if (excluded) {
    throw new IllegalStateError(
      `${customerId} was not surveyed in ${current.periodId}: relationship since ${excluded.relationshipStart}, followed by regular contact`,
    );
  }
  if (!current.customers.some((c) => c.customerId === customerId)) {
    throw new IllegalStateError(`The ${current.periodId} survey was not issued to ${customerId}`);
  }
}

export function recordResponse(
  command: RecordSurveyResponse,
  state: SurveyState,
  context: DecisionContext,
): SurveyResponseRecorded[] {
  const current = requireIssued(state, command.periodId);
  const occurredAt = stepTime(command.occurredAt, context, current);
  const data = answerData(command, current, occurredAt);
  requireOpen(current, 'record responses');
  requireSurveyed(current, data.customerId);
  if (current.responses.some((r) => r.customerId === data.customerId)) {
    throw new IllegalStateError(
      `${data.customerId} already answered the ${current.periodId} survey; send a correction with a reason instead`,
    );
  }
  return [{ type: 'SurveyResponseRecorded', data }];
}

export function correctResponse(
  command: CorrectSurveyResponse,
  state: SurveyState,
  context: DecisionContext,
): SurveyResponseCorrected[] {
  const current = requireIssued(state, command.periodId);
  const occurredAt = stepTime(command.occurredAt, context, current);
  const checks = new FieldChecks();
  const reason = checks.text('reason', command.reason);
  checks.done();
  const data = answerData(command, current, occurredAt);
  requireOpen(current, 'correct responses');
  if (!current.responses.some((r) => r.customerId === data.customerId)) {
    throw new IllegalStateError(`${data.customerId} has no response in ${current.periodId} to correct`);
  }
  return [{ type: 'SurveyResponseCorrected', data: { ...data, reason } }];
}

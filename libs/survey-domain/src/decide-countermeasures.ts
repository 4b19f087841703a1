import { type DecisionContext, ForbiddenError, IllegalStateError, ValidationError } from '@qms/domain-kernel';
import type { ApproveCountermeasure, AssignCountermeasure, CloseSurveyPeriod } from './commands';
import type { SurveyConfig } from './config';
import { requireIssued, requireOpen, stepTime } from './decide-common';
import {
  SURVEY_DIMENSIONS,
  type CountermeasureApproved,
  type CountermeasureAssigned,
  type SurveyPeriodClosed,
} from './events';
import { type IssuedSurveyState, type SurveyState, dissatisfiedItems } from './state';
import { FieldChecks } from '@qms/domain-kernel';

export function assignCountermeasure(
  command: AssignCountermeasure,
  state: SurveyState,
  context: DecisionContext,
): CountermeasureAssigned[] {
  const current = requireIssued(state, command.periodId);
  const checks = new FieldChecks();
  const customerId = checks.text('customerId', command.customerId, 100);
  const dimension = checks.oneOf('dimension', command.dimension, SURVEY_DIMENSIONS);
  const department = checks.text('department', command.department, 100);
  const description = checks.text('description', command.description);
  const dueDate = checks.date('dueDate', command.dueDate);
  checks.done();
  const occurredAt = stepTime(command.occurredAt, context, current);
  if (dueDate < occurredAt.slice(0, 10)) {
    throw ValidationError.field(
      'dueDate',
      `is before the countermeasure is assigned (${occurredAt.slice(0, 10)})`,
    );
  }
  // The unit that caused the dissatisfaction writes its own countermeasure (§5.2.2).
  if (context.actor.role === 'department' && context.actor.department !== department) {
    throw new ForbiddenError(
      `A ${context.actor.department ?? 'department'} user cannot assign a countermeasure to ${department}`,
    );
  }
  requireOpen(current, 'assign countermeasures');
  const item = dissatisfiedItems(current).find(
    (i) => i.customerId === customerId && i.dimension === dimension,
  );
  if (item === undefined) {
    throw new IllegalStateError(
      `${customerId} / ${dimension} is not a dissatisfied item of ${current.periodId} (no score below ${current.dissatisfiedBelow})`,
    );
  }
  return [
    {
      type: 'CountermeasureAssigned',
      data: {
        periodId: current.periodId,
        countermeasureNo: current.countermeasures.length + 1,
        customerId,
        dimension,
        score: item.score,
        department,
        description,
        dueDate,
        occurredAt,
      },
    },
  ];
}

export function approveCountermeasure(
  command: ApproveCountermeasure,
  state: SurveyState,
  context: DecisionContext,
): CountermeasureApproved[] {
  const current = requireIssued(state, command.periodId);
  const checks = new FieldChecks();
  const countermeasureNo = checks.positiveInteger('countermeasureNo', command.countermeasureNo);
  const note = checks.optionalText('note', command.note);
  checks.done();
  const occurredAt = stepTime(command.occurredAt, context, current);
  requireOpen(current, 'approve countermeasures');
  const countermeasure = current.countermeasures.find((c) => c.countermeasureNo === countermeasureNo);
  if (countermeasure === undefined)
    throw new IllegalStateError(`${current.periodId} has no countermeasure ${countermeasureNo}`);
  if (countermeasure.approved)
    throw new IllegalStateError(`Countermeasure ${countermeasureNo} was already approved`);
  return [
    {
      type: 'CountermeasureApproved',
      data: {
        periodId: current.periodId,
        countermeasureNo,
        customerId: countermeasure.customerId,
        dimension: countermeasure.dimension,
        note,
        occurredAt,
      },
    },
  ];
}

export function closeSurveyPeriod(
  command: CloseSurveyPeriod,
  state: SurveyState,
  context: DecisionContext,
  config: SurveyConfig,
): SurveyPeriodClosed[] {
  const current = requireIssued(state, command.periodId);
  const occurredAt = stepTime(command.occurredAt, context, current);
  requireOpen(current, 'close it again');
  const missing = uncoveredItems(current, config.requireApprovedCountermeasures);
  if (missing.length > 0) {
    const need = config.requireApprovedCountermeasures ? 'an approved countermeasure' : 'a countermeasure';
    throw new IllegalStateError(`Cannot close ${current.periodId}: ${missing.join(', ')} still need ${need}`);
  }
  const responded = new Set(current.responses.map((r) => r.customerId));
  return [
    {
      type: 'SurveyPeriodClosed',
      data: {
        periodId: current.periodId,
        respondedCustomerIds: current.customers
          .filter((c) => responded.has(c.customerId))
          .map((c) => c.customerId),
        nonRespondentCustomerIds: current.customers
          .filter((c) => !responded.has(c.customerId))
          .map((c) => c.customerId),
        countermeasureCount: current.countermeasures.length,
        occurredAt,
      },
    },
  ];
}

function uncoveredItems(state: IssuedSurveyState, requireApproval: boolean): string[] {
  return dissatisfiedItems(state)
    .filter(
      (item) =>
        !state.countermeasures.some(
          (c) =>
            c.customerId === item.customerId &&
            c.dimension === item.dimension &&
            (c.approved || !requireApproval),
        ),
    )
    .map((item) => `${item.customerId}/${item.dimension} (score ${item.score})`);
}

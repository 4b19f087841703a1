import { type DecisionContext, IllegalStateError } from '@qms/domain-kernel';
import type { ArchiveFailureAnalysis, CreditReturn } from './commands';
import { base, requireReceived, stepTime } from './decide-common';
import type { FailureAnalysisArchived, ReturnCredited } from './events';
import type { ReturnState } from './state';
import { FieldChecks } from '@qms/domain-kernel';

export function archiveFailureAnalysis(
  command: ArchiveFailureAnalysis,
  state: ReturnState,
  context: DecisionContext,
): FailureAnalysisArchived[] {
  const current = requireReceived(state, command.returnId);
  const checks = new FieldChecks();
  const reportReference = checks.text('reportReference', command.reportReference, 100);
  const conclusion = checks.text('conclusion', command.conclusion);
  checks.done();
  const occurredAt = stepTime(command.occurredAt, context, current);
  if (current.inspection === null) {
    throw new IllegalStateError(
      `Return ${current.returnId} must be inspected before its failure analysis is archived`,
    );
  }
  if (current.analysisReports.includes(reportReference)) {
    throw new IllegalStateError(
      `Analysis report ${reportReference} is already archived for return ${current.returnId}`,
    );
  }
  return [
    {
      type: 'FailureAnalysisArchived',
      data: { ...base(current, occurredAt), reportReference, conclusion, passedToEngineering: true },
    },
  ];
}

/** IATF 10.2.6: returned parts are analysed before anything is settled with the customer. */
export function creditReturn(
  command: CreditReturn,
  state: ReturnState,
  context: DecisionContext,
): ReturnCredited[] {
  const current = requireReceived(state, command.returnId);
  const checks = new FieldChecks();
  const creditNoteNo = checks.text('creditNoteNo', command.creditNoteNo, 100);
  const creditedQuantity = checks.positiveInteger('creditedQuantity', command.creditedQuantity);
  const note = checks.optionalText('note', command.note);
  checks.done();
  const occurredAt = stepTime(command.occurredAt, context, current);
  if (current.inspection === null) {
    throw new IllegalStateError(
      `Return ${current.returnId} cannot be credited before it is inspected (IATF 10.2.6)`,
    );
  }
  if (current.analysisReports.length === 0) {
    throw new IllegalStateError(
      `Return ${current.returnId} cannot be credited before its failure analysis is archived (IATF 10.2.6)`,
    );
  }
  if (current.credit !== null) {
    throw new IllegalStateError(
      `Return ${current.returnId} was already credited (${current.credit.creditNoteNo})`,
    );
  }
  const received = current.items.reduce((sum, item) => sum + item.quantity, 0);
  if (creditedQuantity > received) {
    throw new IllegalStateError(`Cannot credit ${creditedQuantity}: only ${received} were returned`);
  }
  return [
    { type: 'ReturnCredited', data: { ...base(current, occurredAt), creditNoteNo, creditedQuantity, note } },
  ];
}

import { ForbiddenError, IllegalStateError, ValidationError } from '@qms/domain-kernel';
import { deciderSpec } from '../../testing/src/decider-spec';
import type { ArchiveFailureAnalysis, CreditReturn } from './commands';
import { createReturnDecider } from './decider';
import type { ReturnEvent } from './events';
import { RETURN_ID, base, ctx, inspected, received } from './spec-fixtures';

const spec = deciderSpec(createReturnDecider());

const archive: ArchiveFailureAnalysis = {
  type: 'ArchiveFailureAnalysis',
  returnId: RETURN_ID,
  reportReference: 'FA-2026-014',
  conclusion: 'Deburring station skipped after tool change',
  occurredAt: '2026-03-06T02:00:00Z',
};
const archived: ReturnEvent = {
  type: 'FailureAnalysisArchived',
  data: {
    ...base('2026-03-06T02:00:00.000Z'),
    reportReference: 'FA-2026-014',
    conclusion: 'Deburring station skipped after tool change',
    passedToEngineering: true,
  },
};
const credit: CreditReturn = {
  type: 'CreditReturn',
  returnId: RETURN_ID,
  creditNoteNo: 'CN-300',
  creditedQuantity: 30,
  occurredAt: '2026-03-07T02:00:00Z',
};

describe('failure analysis (quality archives, engineering receives, §7.3–7.4)', () => {
  it('archives the analysis report and passes it to engineering', () => {
    spec.given([received, inspected]).when(archive, ctx('quality')).then([archived]);
  });

  it('refuses archiving before inspection', () => {
    spec
      .given([received])
      .when(archive, ctx('quality'))
      .thenThrows(IllegalStateError, /must be inspected before its failure analysis/);
  });

  it('refuses the same report twice', () => {
    spec
      .given([received, inspected, archived])
      .when(archive, ctx('quality'))
      .thenThrows(IllegalStateError, /FA-2026-014 is already archived/);
  });

  it('needs a report reference and a conclusion', () => {
    spec
      .given([received, inspected])
      .when({ ...archive, reportReference: ' ', conclusion: '' }, ctx('quality'))
      .thenThrows(ValidationError, /reportReference: is required; conclusion: is required/);
  });

  it('is quality’s job', () => {
    spec.given([received, inspected]).when(archive, ctx('department')).thenThrows(ForbiddenError);
  });
});

describe('crediting a return (sales, only after analysis, IATF 10.2.6)', () => {
  it('credits an inspected and analysed return', () => {
    spec
      .given([received, inspected, archived])
      .when(credit, ctx('sales'))
      .then([
        {
          type: 'ReturnCredited',
          data: {
            ...base('2026-03-07T02:00:00.000Z'),
            creditNoteNo: 'CN-300',
            creditedQuantity: 30,
            note: null,
          },
        },
      ]);
  });

  it('refuses credit before inspection', () => {
    spec
      .given([received])
      .when(credit, ctx('sales'))
      .thenThrows(IllegalStateError, /before it is inspected \(IATF 10\.2\.6\)/);
  });

  it('refuses credit before the failure analysis is archived', () => {
    spec
      .given([received, inspected])
      .when(credit, ctx('sales'))
      .thenThrows(IllegalStateError, /before its failure analysis is archived/);
  });

  it('refuses crediting twice or more than was returned', () => {
    const credited = spec.given([received, inspected, archived]).when(credit, ctx('sales')).thenEvents();
    spec
      .given([received, inspected, archived, ...credited])
      .when(credit, ctx('sales'))
      .thenThrows(IllegalStateError, /already credited \(CN-300\)/);
    spec
      .given([received, inspected, archived])
      .when({ ...credit, creditedQuantity: 121 }, ctx('sales'))
      .thenThrows(IllegalStateError, /only 120 were returned/);
  });

  it('is sales’ job', () => {
    spec.given([received, inspected, archived]).when(credit, ctx('quality')).thenThrows(ForbiddenError);
  });
});

import type { ReturnEvent } from '@qms/return-domain';
import { returns as r } from '../kpi/__fixtures__/events';
import { resolveReportingConfig } from '../kpi/reporting-config';
import { createReturnProjection, type ReturnDocument } from './return.projection';

const projection = createReturnProjection(resolveReportingConfig());

function fold(events: ReturnEvent[]): ReturnDocument | null {
  let document: ReturnDocument | null = null;
  for (const event of events) document = projection.evolve(document, event as never);
  return document;
}

describe('returns projection', () => {
  it('attributes a return to the local month of receipt', () => {
    // 2025-06-30 16:10Z is 2025-07-01 00:10 in Shanghai.
    expect(fold([r.received('R9', 'ACME', '2025-06-30T16:10:00.000Z', [5, 7], true)])).toMatchObject({
      month: '2025-07',
      returnedQuantity: 12,
      periodicBulk: true,
      inspectionResult: null,
      defectiveQuantity: null,
    });
  });

  it('counts received pieces sent to rework once, and every scrapped piece', () => {
    const document = fold([
      r.received('R9', 'ACME', '2025-06-10T02:00:00.000Z', [100]),
      r.inspected('R9', 'ACME', '2025-06-11T02:00:00.000Z', 100, 70),
      r.dispositioned('R9', 'ACME', '2025-06-12T02:00:00.000Z', 1, 'rework', 50),
      r.dispositioned('R9', 'ACME', '2025-06-12T02:00:00.000Z', 2, 'scrap', 20),
      r.reworkCompleted('R9', 'ACME', '2025-06-15T02:00:00.000Z', 1, 42, 8),
      // 8 failed: 5 reworked again (not counted again), 3 scrapped.
      r.dispositioned('R9', 'ACME', '2025-06-16T02:00:00.000Z', 3, 'rework', 5, 'failed_rework'),
      r.dispositioned('R9', 'ACME', '2025-06-16T02:00:00.000Z', 4, 'scrap', 3, 'failed_rework'),
    ]);
    // reworked = 50 (disposition 1); scrapped = 20 + 3.
    expect(document).toMatchObject({ defectiveQuantity: 70, reworkedQuantity: 50, scrappedQuantity: 23 });
    expect(document?.dispositions[0]).toMatchObject({ reworkPassed: 42, reworkFailed: 8 });
  });

  it('marks no trouble found', () => {
    const document = fold([
      r.received('R9', 'ACME', '2025-06-10T02:00:00.000Z', [4]),
      r.inspected('R9', 'ACME', '2025-06-11T02:00:00.000Z', 4, 0),
    ]);
    expect(document).toMatchObject({
      inspectionResult: 'no_trouble_found',
      responsibility: null,
      defectiveQuantity: 0,
    });
  });
});

import { Readable } from 'node:stream';
import type { CommandExecutor } from '@qms/command-handling';
import { turnsOfTheEventLoopDuring } from '@qms/testing';
import { DeliveryImporter, type DeliveryBatchBus } from './delivery-importer';

const HEADER = 'customer_id,order_no,line_no,part_no,quantity,promised_date,delivered_at,premium_freight,remark';
const ROWS = 1_000;

/** A file of new order lines, handed over in one chunk: every row is read before the next chunk could come. */
const file = (): Readable =>
  Readable.from([[HEADER, ...Array.from({ length: ROWS }, (_, index) => `C0001,SO-${Math.floor(index / 10)},${10 * ((index % 10) + 1)},P-1,5,2026-11-02,2026-11-01T06:00:00Z,no,`)].join('\n') + '\n']);

describe('importing deliveries', () => {
  // No order line is recorded yet; reads resolve at once, as the SQLite event store's do.
  const executor = { load: async (decider: { readonly initialState: unknown }) => ({ state: decider.initialState }) } as unknown as CommandExecutor;
  const bus: DeliveryBatchBus = { execute: async () => [] };
  const importer = new DeliveryImporter(executor, bus, () => new Date('2026-11-05T00:00:00Z'));

  it('gives the event loop a turn every hundred rows while it checks them, so that the server keeps answering', async () => {
    const { result: report, turns } = await turnsOfTheEventLoopDuring(() =>
      importer.import(file, { mode: 'validate', metadata: { actor: { userId: 'dev.planning', role: 'planning' }, correlationId: 'import-1', causationId: 'import-1' } }),
    );
    expect(report).toMatchObject({ rows: ROWS, toImport: ROWS, rejected: [] });
    expect(turns).toBeGreaterThanOrEqual(ROWS / 100 - 1);
  });
});

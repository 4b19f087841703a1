import { Mutex } from '@qms/projection-engine';
import { runInThread } from '../../infrastructure/one-shot-thread';
import type { MonthlyReportWorkbookInput } from './monthly-report-workbook';

const WORKBOOK_THREAD_YOUNG_GENERATION_MB = 16;

/**
 * Builds monthly report workbooks in a worker thread of their own, one at a time. exceljs builds a
 * workbook in memory and zips it in long synchronous steps: a month with every customer's section
 * (990 customers on the benchmark history) held the API's event loop for 0.6–1.3 s, and every
 * request with it. The thread is started per workbook, because the monthly meeting's export is
 * rare and a standing thread would keep exceljs's memory for nothing; one at a time, because each
 * thread is a heap of its own.
 */
export class MonthlyReportWorkbookThread {
  private readonly oneAtATime = new Mutex();

  /**
   * `heapMb`: each thread's old generation (WORKBOOK_HEAP_MB). A month of the benchmark history
   * (990 customers) took 40 MiB; the default leaves room for several times as many customers.
   */
  constructor(private readonly heapMb: number) {}

  build(input: MonthlyReportWorkbookInput): Promise<Buffer> {
    return this.oneAtATime.run(() => buildInThread(input, this.heapMb));
  }
}

async function buildInThread(input: MonthlyReportWorkbookInput, heapMb: number): Promise<Buffer> {
  const month = input.report.month;
  const workbook = await runInThread<Uint8Array>(
    {
      folder: __dirname,
      name: 'monthly-report-workbook-thread',
      caller: __filename,
      resourceLimits: { maxOldGenerationSizeMb: heapMb, maxYoungGenerationSizeMb: WORKBOOK_THREAD_YOUNG_GENERATION_MB },
      failed: (failure) => new Error(`The workbook of ${month} could not be built: ${failure.message}`),
      crashed: ({ outOfMemory, message }) =>
        new Error(
          outOfMemory
            ? `The workbook of ${month} ran out of its ${heapMb} MiB heap: raise WORKBOOK_HEAP_MB and restart`
            : `The workbook of ${month} failed: ${message}`,
        ),
    },
    { ...input },
  );
  return Buffer.from(workbook.buffer, workbook.byteOffset, workbook.byteLength);
}

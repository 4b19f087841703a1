import { Worker } from 'node:worker_threads';
import { Mutex } from '@qms/projection-engine';
import { letThreadsKeepTheirOwnHeapLimits } from '../../infrastructure/thread-heap-limits';
import { threadLaunch } from '../../infrastructure/typescript-bootstrap';
import type { MonthlyReportWorkbookInput } from './monthly-report-workbook';

export type FromWorkbookThread = { readonly type: 'done'; readonly workbook: Uint8Array } | { readonly type: 'failed'; readonly message: string };

/**
 * Heap of the thread that builds one workbook. A month of the benchmark history (990 customers)
 * took 40 MiB; the cap leaves room for several times as many customers.
 */
export const WORKBOOK_THREAD_HEAP_MB = 192;
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

  build(input: MonthlyReportWorkbookInput): Promise<Buffer> {
    return this.oneAtATime.run(() => buildInThread(input));
  }
}

function buildInThread(input: MonthlyReportWorkbookInput): Promise<Buffer> {
  const how = threadLaunch(__dirname, 'monthly-report-workbook-thread', __filename);
  letThreadsKeepTheirOwnHeapLimits();
  const worker = new Worker(how.script, {
    eval: how.eval,
    workerData: { ...input, ...how.extra },
    resourceLimits: { maxOldGenerationSizeMb: WORKBOOK_THREAD_HEAP_MB, maxYoungGenerationSizeMb: WORKBOOK_THREAD_YOUNG_GENERATION_MB },
  });
  return new Promise<Buffer>((resolve, reject) => {
    let settled = false;
    worker.on('message', (message: FromWorkbookThread) => {
      settled = true;
      if (message.type === 'done') resolve(Buffer.from(message.workbook.buffer, message.workbook.byteOffset, message.workbook.byteLength));
      else reject(new Error(`The workbook of ${input.report.month} could not be built: ${message.message}`));
    });
    worker.on('error', (error) => {
      settled = true;
      const outOfMemory = (error as { code?: unknown }).code === 'ERR_WORKER_OUT_OF_MEMORY';
      reject(new Error(outOfMemory ? `The workbook of ${input.report.month} ran out of its ${WORKBOOK_THREAD_HEAP_MB} MiB heap` : `The workbook of ${input.report.month} failed: ${error.message}`));
    });
    worker.once('exit', (code) => {
      if (!settled) reject(new Error(`The workbook thread of ${input.report.month} stopped (exit code ${code}) before it finished`));
    });
  });
}

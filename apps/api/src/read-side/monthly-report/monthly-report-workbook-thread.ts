import { parentPort, workerData } from 'node:worker_threads';
import { monthlyReportWorkbook, type MonthlyReportWorkbookInput } from './monthly-report-workbook';
import type { FromWorkbookThread } from './monthly-report-workbook-in-thread';

/** The worker thread of monthly-report-workbook-in-thread.ts: one workbook, then it ends. */
async function main(port: NonNullable<typeof parentPort>, input: MonthlyReportWorkbookInput): Promise<void> {
  let outcome: FromWorkbookThread;
  try {
    outcome = { type: 'done', workbook: new Uint8Array(await monthlyReportWorkbook(input)) };
  } catch (error) {
    outcome = { type: 'failed', message: error instanceof Error ? error.message : String(error) };
  }
  port.postMessage(outcome);
  port.close();
}

if (parentPort !== null) void main(parentPort, workerData as MonthlyReportWorkbookInput);

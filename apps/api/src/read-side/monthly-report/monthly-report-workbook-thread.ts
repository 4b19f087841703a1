import { parentPort, workerData } from 'node:worker_threads';
import { answerOnce } from '../../infrastructure/one-shot-thread';
import { monthlyReportWorkbook, type MonthlyReportWorkbookInput } from './monthly-report-workbook';

/** The worker thread of monthly-report-workbook-in-thread.ts: one workbook, then it ends. */
if (parentPort !== null) void answerOnce(parentPort, async () => new Uint8Array(await monthlyReportWorkbook(workerData as MonthlyReportWorkbookInput)));

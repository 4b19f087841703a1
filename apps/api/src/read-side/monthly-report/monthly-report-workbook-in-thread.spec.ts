import ExcelJS from 'exceljs';
import { computeMonthlyReport, deliveryMonthCustomerId, type MonthlyReportDocument, resolveReportingConfig } from '@qms/reporting';
import type * as WorkbookModule from './monthly-report-workbook';
import { MonthlyReportWorkbookThread } from './monthly-report-workbook-in-thread';

// The thread loads the module for itself; this thread's copy must not run.
jest.mock('./monthly-report-workbook', () => ({
  ...jest.requireActual('./monthly-report-workbook'),
  monthlyReportWorkbook: jest.fn(() => {
    throw new Error('built on the calling thread');
  }),
}));
const { monthlyReportWorkbook: buildHere } = jest.requireActual<typeof WorkbookModule>('./monthly-report-workbook');

const config = resolveReportingConfig();

/** A month whose only facts are deliveries, to `customers` customers: one section each. */
function reportOf(month: string, customers: number): MonthlyReportDocument {
  const deliveries = Array.from({ length: customers }, (_, index) => {
    const customerId = `C-${String(index).padStart(4, '0')}`;
    return { _id: deliveryMonthCustomerId(month, customerId), month, customerId, deliveries: 10 + index, deliveredQuantity: 1_000 * (index + 1), onTimeDeliveries: 9 + index, premiumFreightDeliveries: index % 2 };
  });
  return computeMonthlyReport(month, { complaints: [], deliveries, returns: [], notifications: [], surveys: [] }, config);
}

async function cellsOf(bytes: Buffer): Promise<Record<string, unknown[][]>> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(bytes as unknown as ArrayBuffer);
  return Object.fromEntries(workbook.worksheets.map((sheet) => [sheet.name, sheet.getSheetValues().map((row) => (Array.isArray(row) ? row.map((cell) => JSON.stringify(cell)) : []))]));
}

describe('MonthlyReportWorkbookThread', () => {
  it('builds in a thread of its own the workbook this thread would build', async () => {
    const input = { report: reportOf('2026-09', 40), language: 'en' as const, position: 7 };
    const fromThread = await new MonthlyReportWorkbookThread(192).build(input);
    const here = await buildHere(input);
    const cells = await cellsOf(fromThread);
    expect(Object.keys(cells)).toHaveLength(5);
    expect(cells).toEqual(await cellsOf(here));
  }, 60_000);

  it('builds workbooks asked for together one after the other, each of its own month', async () => {
    const thread = new MonthlyReportWorkbookThread(192);
    const months = ['2026-07', '2026-08', '2026-09'];
    const workbooks = await Promise.all(months.map((month, index) => thread.build({ report: reportOf(month, 5 + index), language: 'zh-CN', position: index })));
    const titles = await Promise.all(workbooks.map(async (bytes) => Object.values(await cellsOf(bytes))[0]?.[1]?.[1]));
    expect(titles.map((title) => String(title).slice(-8, -1))).toEqual(months);
  }, 60_000);

  it('says which month it could not build', async () => {
    const broken = { report: { ...reportOf('2026-09', 1), total: undefined } as unknown as MonthlyReportDocument, language: 'en' as const, position: 1 };
    await expect(new MonthlyReportWorkbookThread(192).build(broken)).rejects.toThrow(/The workbook of 2026-09 could not be built/);
  }, 60_000);

  it('names the heap to raise when a workbook outgrows it', async () => {
    const large = { report: reportOf('2026-09', 2_000), language: 'en' as const, position: 1 };
    await expect(new MonthlyReportWorkbookThread(16).build(large)).rejects.toThrow(/The workbook of 2026-09 ran out of its 16 MiB heap: raise WORKBOOK_HEAP_MB/);
  }, 60_000);
});

/**
 * The monthly quality/delivery report (每月品质(客户抱怨)及交期月报) as an Excel workbook for the
 * monthly factory meeting (§5.2.3): the KPIs against their targets, then the figures by customer,
 * by department and cause, returns and deliveries. Every figure is an Excel number (percentages
 * as fractions with a % format) at the read model's full precision; rounding is the cell format's.
 */
import type ExcelJS from 'exceljs';
import { excel } from '../../infrastructure/excel';
import { assertNever } from '@qms/domain-kernel';
import type { ComplaintCounts, CustomerMonthlyFigures, KpiName, KpiResult, MonthlyFigures, MonthlyReportDocument } from '@qms/reporting';
import {
  CAUSE_CATEGORY_KEYS,
  CAUSE_CATEGORY_LABELS,
  KPI_DISPLAY,
  type KpiKind,
  SEVERITY_KEYS,
  SEVERITY_LABELS,
  text,
  type ReportTextKey,
} from './report-labels';
import type { FormLanguage as ReportLanguage } from '@qms/audit';

export const WORKBOOK_CONTENT_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** Row of the KPI sheet's header (title and period above it). */
export const KPI_HEADER_ROW = 4;

/** Excel's own "Good" and "Bad" cell styles, which readers of these reports know. */
const MET_STYLE = { fill: 'FFC6EFCE', font: 'FF006100' };
const MISSED_STYLE = { fill: 'FFFFC7CE', font: 'FF9C0006' };
const HEADER_FILL = 'FFDDE3EA';
/** The default font of Excel in each language (Excel substitutes one it has when absent). */
const FONT_NAME: Readonly<Record<ReportLanguage, string>> = { 'zh-CN': '等线', en: 'Calibri' };

/** Figures of one row: a customer's, or the company total. */
type Section = Omit<MonthlyFigures, 'complaints' | 'notifications'> & {
  readonly complaints: Pick<MonthlyFigures['complaints'], Exclude<keyof MonthlyFigures['complaints'], 'bySeverity' | 'byCauseCategory'>>;
  readonly notifications: Pick<MonthlyFigures['notifications'], 'received'>;
};

interface Column {
  readonly header: ReportTextKey;
  readonly width: number;
  readonly kind: KpiKind | 'text';
  readonly value: (section: Section, name: string) => string | number | null;
  /** Colours the cell red / green by this KPI of the row's own section. */
  readonly kpi?: KpiName;
}

export interface MonthlyReportWorkbookInput {
  readonly report: MonthlyReportDocument;
  readonly language: ReportLanguage;
  readonly position: number;
}

export async function monthlyReportWorkbook({ report, language, position }: MonthlyReportWorkbookInput): Promise<Buffer> {
  const workbook = new (excel().Workbook)();
  workbook.title = `${text('title', language)} ${report.month}`;
  workbook.created = new Date(report.periodEnd);
  kpiSheet(workbook, report, language, position);
  customerSheet(workbook, report, language);
  departmentSheet(workbook, report, language);
  returnsSheet(workbook, report, language);
  deliveriesSheet(workbook, report, language);
  for (const sheet of workbook.worksheets) {
    useFont(sheet, FONT_NAME[language]);
    // Printed, every page names the report and the month.
    sheet.headerFooter = { oddHeader: `&L${text('title', language)}&R${report.month}`, oddFooter: '&L&A&R&P / &N' };
  }
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

// ---------------------------------------------------------------------------------------------
// KPI
// ---------------------------------------------------------------------------------------------

function kpiSheet(workbook: ExcelJS.Workbook, report: MonthlyReportDocument, language: ReportLanguage, position: number): void {
  const sheet = workbook.addWorksheet(text('sheetKpi', language), { views: [{ state: 'frozen', ySplit: KPI_HEADER_ROW }] });
  sheet.columns = [{ width: 36 }, { width: 14 }, { width: 14 }, { width: 18 }, { width: 12 }];
  sheet.mergeCells(1, 1, 1, 5);
  const title = sheet.getCell(1, 1);
  title.value = `${text('title', language)}  ${report.month}`;
  title.font = { bold: true, size: 14 };
  sheet.mergeCells(2, 1, 2, 5);
  sheet.getCell(2, 1).value =
    `${text('period', language)}: ${localPeriod(report.month)} (${report.timeZone})    ${text('readModelPosition', language)}: ${position}`;
  sheet.getCell(2, 1).font = { color: { argb: 'FF555555' } };

  const header = sheet.getRow(KPI_HEADER_ROW);
  header.values = (['kpi', 'value', 'target', 'direction', 'met'] as const).map((key) => text(key, language));
  styleHeader(header, 5);

  KPI_DISPLAY.forEach((display, index) => {
    const result = report.total.kpis[display.name];
    const row = sheet.getRow(KPI_HEADER_ROW + 1 + index);
    row.getCell(1).value = display.label[language];
    numberCell(row.getCell(2), display.kind, display.decimals, result.value, text('noValue', language));
    numberCell(row.getCell(3), display.kind, display.decimals, result.target, text('noTarget', language));
    row.getCell(4).value = text(result.direction === 'at_least' ? 'atLeast' : 'atMost', language);
    row.getCell(5).value = result.met === null ? text('noValue', language) : text(result.met ? 'met' : 'notMet', language);
    for (const column of [2, 5]) colourByMet(row.getCell(column), result);
    for (const column of [2, 3, 4, 5]) row.getCell(column).alignment = { horizontal: 'right' };
    borders(row, 5);
  });
  const note = sheet.getRow(KPI_HEADER_ROW + KPI_DISPLAY.length + 2);
  note.getCell(1).value = text('missCallsForAction', language);
  note.getCell(1).font = { italic: true, color: { argb: 'FF555555' } };
  printSetup(sheet, `A1:E${KPI_HEADER_ROW + KPI_DISPLAY.length + 2}`, KPI_HEADER_ROW);
}

// ---------------------------------------------------------------------------------------------
// By customer
// ---------------------------------------------------------------------------------------------

const CUSTOMER_COLUMNS: readonly Column[] = [
  { header: 'customer', width: 18, kind: 'text', value: (_section, name) => name },
  { header: 'received', width: 10, kind: 'count', value: (s) => s.complaints.received, kpi: 'complaintsReceived' },
  { header: 'closed', width: 10, kind: 'count', value: (s) => s.complaints.closed },
  { header: 'openAtEnd', width: 11, kind: 'count', value: (s) => s.complaints.openAtEnd, kpi: 'complaintsOpenAtEnd' },
  { header: 'overdueAtEnd', width: 11, kind: 'count', value: (s) => s.complaints.overdueAtEnd, kpi: 'complaintsOverdueAtEnd' },
  { header: 'containmentOnTime', width: 12, kind: 'percent', value: (s) => s.complaints.containmentOnTimePercent, kpi: 'containmentOnTimePercent' },
  { header: 'actionReplyOnTime', width: 12, kind: 'percent', value: (s) => s.complaints.actionReplyOnTimePercent, kpi: 'actionReplyOnTimePercent' },
  { header: 'meanDaysToClose', width: 11, kind: 'days', value: (s) => s.complaints.meanDaysToClose, kpi: 'meanDaysToClose' },
  { header: 'repeatRate', width: 10, kind: 'percent', value: (s) => s.complaints.repeatRatePercent, kpi: 'repeatRatePercent' },
  { header: 'eightDOnTime', width: 11, kind: 'percent', value: (s) => s.complaints.eightDOnTimeClosurePercent, kpi: 'eightDOnTimeClosurePercent' },
  { header: 'defectiveQuantity', width: 11, kind: 'quantity', value: (s) => s.complaints.defectiveQuantity, kpi: 'defectiveQuantity' },
  { header: 'deliveredQuantity', width: 13, kind: 'quantity', value: (s) => s.deliveries.deliveredQuantity },
  { header: 'ppm', width: 10, kind: 'ppm', value: (s) => s.deliveries.ppm, kpi: 'ppm' },
  { header: 'onTimeDelivery', width: 12, kind: 'percent', value: (s) => s.deliveries.onTimeDeliveryPercent, kpi: 'onTimeDeliveryPercent' },
  { header: 'returns', width: 10, kind: 'count', value: (s) => s.returns.returns, kpi: 'returnsReceived' },
  { header: 'notifications', width: 10, kind: 'count', value: (s) => s.notifications.received, kpi: 'customerNotifications' },
  { header: 'csi', width: 10, kind: 'index', value: (s) => s.satisfaction.csi, kpi: 'csi' },
];

function customerSheet(workbook: ExcelJS.Workbook, report: MonthlyReportDocument, language: ReportLanguage): void {
  table(workbook, text('sheetCustomers', language), language, CUSTOMER_COLUMNS, report.customers, report.total);
}

// ---------------------------------------------------------------------------------------------
// By department, cause category and severity: three tables side by side under one header row.
// ---------------------------------------------------------------------------------------------

function departmentSheet(workbook: ExcelJS.Workbook, report: MonthlyReportDocument, language: ReportLanguage): void {
  const sheet = workbook.addWorksheet(text('sheetDepartments', language), { views: [{ state: 'frozen', ySplit: 1 }] });
  const complaints = report.total.complaints;
  const blocks: { readonly title: ReportTextKey; readonly rows: readonly (readonly [string, ComplaintCounts])[] }[] = [
    {
      title: 'department',
      rows: complaints.byDepartment.map((entry) => [entry.department ?? text('notAssigned', language), entry] as const),
    },
    { title: 'causeCategory', rows: CAUSE_CATEGORY_KEYS.map((key) => [CAUSE_CATEGORY_LABELS[key][language], complaints.byCauseCategory[key]] as const) },
    { title: 'severity', rows: SEVERITY_KEYS.map((key) => [SEVERITY_LABELS[key][language], complaints.bySeverity[key]] as const) },
  ];
  const counts: readonly (keyof ComplaintCounts)[] = ['received', 'closed', 'openAtEnd', 'overdueAtEnd'];
  const header = sheet.getRow(1);
  const width = counts.length + 1;
  const lastRow = 1 + Math.max(...blocks.map((block) => block.rows.length)) + 1;
  blocks.forEach((block, index) => {
    const first = 1 + index * (width + 1);
    sheet.getColumn(first).width = 22;
    header.getCell(first).value = text(block.title, language);
    counts.forEach((key, offset) => {
      header.getCell(first + 1 + offset).value = text(key, language);
      sheet.getColumn(first + 1 + offset).width = 11;
    });
    if (index > 0) sheet.getColumn(first - 1).width = 3;
    block.rows.forEach(([label, values], rowIndex) => {
      const row = sheet.getRow(2 + rowIndex);
      row.getCell(first).value = label;
      counts.forEach((key, offset) => numberCell(row.getCell(first + 1 + offset), 'count', 0, values[key], ''));
    });
    const total = sheet.getRow(lastRow);
    total.getCell(first).value = text('total', language);
    counts.forEach((key, offset) => numberCell(total.getCell(first + 1 + offset), 'count', 0, complaints[key], ''));
    for (let column = first; column < first + width; column++) {
      total.getCell(column).font = { bold: true };
      total.getCell(column).border = { top: { style: 'thin' } };
      styleHeaderCell(header.getCell(column));
    }
  });
  header.height = 30;
  printSetup(sheet, `A1:${columnLetter(blocks.length * (width + 1) - 1)}${lastRow}`, 1);
}

// ---------------------------------------------------------------------------------------------
// Returns and deliveries
// ---------------------------------------------------------------------------------------------

const RETURN_COLUMNS: readonly Column[] = [
  { header: 'customer', width: 18, kind: 'text', value: (_section, name) => name },
  { header: 'returns', width: 10, kind: 'count', value: (s) => s.returns.returns, kpi: 'returnsReceived' },
  { header: 'periodicBulkReturns', width: 12, kind: 'count', value: (s) => s.returns.periodicBulkReturns },
  { header: 'returnedQuantity', width: 12, kind: 'quantity', value: (s) => s.returns.returnedQuantity },
  { header: 'returnDefectiveQuantity', width: 12, kind: 'quantity', value: (s) => s.returns.defectiveQuantity },
  { header: 'reworkedQuantity', width: 11, kind: 'quantity', value: (s) => s.returns.reworkedQuantity },
  { header: 'scrappedQuantity', width: 11, kind: 'quantity', value: (s) => s.returns.scrappedQuantity },
  { header: 'inspected', width: 11, kind: 'count', value: (s) => s.returns.inspected },
  { header: 'noTroubleFound', width: 14, kind: 'count', value: (s) => s.returns.noTroubleFound },
  { header: 'ntfRate', width: 10, kind: 'percent', value: (s) => s.returns.ntfRatePercent, kpi: 'ntfRatePercent' },
];

const DELIVERY_COLUMNS: readonly Column[] = [
  { header: 'customer', width: 18, kind: 'text', value: (_section, name) => name },
  { header: 'deliveries', width: 10, kind: 'count', value: (s) => s.deliveries.deliveries },
  { header: 'onTimeDeliveries', width: 12, kind: 'count', value: (s) => s.deliveries.onTimeDeliveries },
  { header: 'onTimeDelivery', width: 12, kind: 'percent', value: (s) => s.deliveries.onTimeDeliveryPercent, kpi: 'onTimeDeliveryPercent' },
  { header: 'onTimeDeliveryTarget', width: 14, kind: 'percent', value: (s) => s.kpis.onTimeDeliveryPercent.target },
  { header: 'premiumFreight', width: 10, kind: 'count', value: (s) => s.deliveries.premiumFreightDeliveries, kpi: 'premiumFreight' },
  { header: 'deliveredQuantity', width: 13, kind: 'quantity', value: (s) => s.deliveries.deliveredQuantity },
  { header: 'defectiveQuantity', width: 11, kind: 'quantity', value: (s) => s.complaints.defectiveQuantity, kpi: 'defectiveQuantity' },
  { header: 'ppm', width: 10, kind: 'ppm', value: (s) => s.deliveries.ppm, kpi: 'ppm' },
  { header: 'ppmTarget', width: 10, kind: 'ppm', value: (s) => s.kpis.ppm.target },
];

function returnsSheet(workbook: ExcelJS.Workbook, report: MonthlyReportDocument, language: ReportLanguage): void {
  const customers = report.customers.filter((customer) => customer.returns.returns > 0 || customer.returns.returnedQuantity > 0);
  table(workbook, text('sheetReturns', language), language, RETURN_COLUMNS, customers, report.total);
}

function deliveriesSheet(workbook: ExcelJS.Workbook, report: MonthlyReportDocument, language: ReportLanguage): void {
  const customers = report.customers.filter((customer) => customer.deliveries.deliveries > 0 || customer.complaints.defectiveQuantity > 0);
  table(workbook, text('sheetDeliveries', language), language, DELIVERY_COLUMNS, customers, report.total);
}

// ---------------------------------------------------------------------------------------------
// Shared layout
// ---------------------------------------------------------------------------------------------

/** One row per customer, then the company total; header frozen and filterable. */
function table(
  workbook: ExcelJS.Workbook,
  name: string,
  language: ReportLanguage,
  columns: readonly Column[],
  customers: readonly CustomerMonthlyFigures[],
  total: MonthlyFigures,
): void {
  const sheet = workbook.addWorksheet(name, { views: [{ state: 'frozen', ySplit: 1, xSplit: 1 }] });
  sheet.columns = columns.map((column) => ({ width: column.width }));
  const header = sheet.getRow(1);
  header.values = columns.map((column) => text(column.header, language));
  styleHeader(header, columns.length);
  header.height = 30;
  const write = (rowNumber: number, section: Section, label: string): ExcelJS.Row => {
    const row = sheet.getRow(rowNumber);
    columns.forEach((column, index) => {
      const cell = row.getCell(index + 1);
      const value = column.value(section, label);
      if (column.kind === 'text') cell.value = value;
      else numberCell(cell, column.kind, decimalsOf(column.kind), typeof value === 'number' ? value : null, '');
      if (column.kpi !== undefined) colourByMet(cell, section.kpis[column.kpi]);
    });
    return row;
  };
  customers.forEach((customer, index) => write(2 + index, customer, customer.customerId));
  const totalRow = write(2 + customers.length, total, text('total', language));
  for (let column = 1; column <= columns.length; column++) {
    totalRow.getCell(column).font = { ...totalRow.getCell(column).font, bold: true };
    totalRow.getCell(column).border = { top: { style: 'thin' } };
  }
  sheet.autoFilter = { from: { row: 1, column: 1 }, to: { row: 1 + customers.length, column: columns.length } };
  printSetup(sheet, `A1:${columnLetter(columns.length)}${2 + customers.length}`, 1);
}

function decimalsOf(kind: KpiKind): number {
  return kind === 'percent' || kind === 'days' || kind === 'index' ? 1 : 0;
}

/** Excel number format of a figure: percentages are stored as fractions (97.5 % → 0.975). */
export function numberFormat(kind: KpiKind, decimals: number): string {
  const fraction = decimals > 0 ? `.${'0'.repeat(decimals)}` : '';
  switch (kind) {
    case 'percent':
      return `0${fraction}%`;
    case 'count':
    case 'quantity':
    case 'ppm':
      return `#,##0${fraction}`;
    case 'days':
    case 'index':
      return `0${fraction}`;
    default:
      return assertNever(kind, 'KPI kind');
  }
}

function numberCell(cell: ExcelJS.Cell, kind: KpiKind, decimals: number, value: number | null, empty: string): void {
  if (value === null) {
    cell.value = empty === '' ? null : empty;
    cell.alignment = { horizontal: 'right' };
    return;
  }
  cell.value = kind === 'percent' ? value / 100 : value;
  cell.numFmt = numberFormat(kind, decimals);
}

function colourByMet(cell: ExcelJS.Cell, result: KpiResult): void {
  if (result.met === null) return;
  const style = result.met ? MET_STYLE : MISSED_STYLE;
  cell.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: style.fill } };
  cell.font = { ...cell.font, color: { argb: style.font } };
}

function styleHeader(row: ExcelJS.Row, columns: number): void {
  for (let column = 1; column <= columns; column++) styleHeaderCell(row.getCell(column));
}

function styleHeaderCell(cell: ExcelJS.Cell): void {
  cell.font = { bold: true };
  cell.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: HEADER_FILL } };
  cell.alignment = { vertical: 'middle', horizontal: 'center', wrapText: true };
  cell.border = { bottom: { style: 'thin' } };
}

function borders(row: ExcelJS.Row, columns: number): void {
  for (let column = 1; column <= columns; column++) row.getCell(column).border = { bottom: { style: 'hair', color: { argb: 'FFBBBBBB' } } };
}

/** A4 landscape, one page wide, the header repeated on every printed page. */
function printSetup(sheet: ExcelJS.Worksheet, printArea: string, headerRow: number): void {
  sheet.pageSetup = {
    paperSize: 9,
    orientation: 'landscape',
    fitToPage: true,
    fitToWidth: 1,
    fitToHeight: 0,
    printArea,
    printTitlesRow: `${headerRow}:${headerRow}`,
    horizontalCentered: true,
    margins: { left: 0.5, right: 0.5, top: 0.6, bottom: 0.6, header: 0.3, footer: 0.3 },
  };
}

/** Every written cell in the report's font, keeping its weight, size and colour. */
function useFont(sheet: ExcelJS.Worksheet, name: string): void {
  sheet.eachRow((row) => {
    row.eachCell((cell) => {
      cell.font = { size: 11, ...cell.font, name };
    });
  });
}

/** 'YYYY-MM-01 – YYYY-MM-DD' of the month, local dates. */
function localPeriod(month: string): string {
  const [year, monthNumber] = month.split('-').map(Number) as [number, number];
  const lastDay = new Date(Date.UTC(year, monthNumber, 0)).getUTCDate();
  return `${month}-01 – ${month}-${String(lastDay).padStart(2, '0')}`;
}

function columnLetter(column: number): string {
  let letters = '';
  for (let rest = column; rest > 0; rest = Math.floor((rest - 1) / 26)) letters = String.fromCharCode(65 + ((rest - 1) % 26)) + letters;
  return letters;
}

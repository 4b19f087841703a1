import { once } from 'node:events';
import { PassThrough, Readable } from 'node:stream';
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import type ExcelJS from 'exceljs';
import { excel } from '../../infrastructure/excel';
import { type FormLanguage, localDate, localDateTime, spreadsheetDate } from '@qms/audit';
import { assertNever } from '@qms/domain-kernel';
import { type ComplaintDocument, type StoredComplaint, toMasterListRow, toTrackingListRow } from '@qms/reporting';
import type { FastifyReply } from 'fastify';
import {
  type CellValue,
  type ColumnKind,
  type ExportSheet,
  MASTER_SHEET,
  type MasterRow,
  TRACKING_SHEET,
  type TrackingRow,
  trackingRows,
} from './complaint-export.columns';

export const EXPORT_LISTS = ['master', 'tracking'] as const;
export type ExportList = (typeof EXPORT_LISTS)[number];

export interface ComplaintExportRequest {
  readonly format: 'csv' | 'xlsx';
  /** CSV holds one list; the workbook always holds both, one sheet each. */
  readonly list: ExportList;
  readonly lang: FormLanguage;
  readonly timeZone: string;
  readonly asOf: string;
  readonly position: number;
  /**
   * A fresh read of the selected complaints' rows each time it is called: the master list shows
   * no action, so its sheet and its CSV read the rows alone.
   */
  readonly rows: () => AsyncIterable<StoredComplaint>;
  /** The same complaints whole, with their actions, for the tracking list (one row per action). */
  readonly documents: () => AsyncIterable<ComplaintDocument>;
}

/**
 * Rows written between two turns of the event loop. exceljs's streaming writer takes whatever it
 * is given (its sheet streams never push back), the zip compresses a chunk of about 16 kB per
 * turn, and a page of the SQLite read store is read at once. Without turns the workbook of every
 * complaint was built in memory (500 MB beside the API's heap) while the API answered nothing for
 * a minute and a half; every 200 rows it answered, but the sheets still piled up faster than the
 * zip took them. Ten rows are about 6 kB.
 */
const ROWS_PER_TURN = 10;

/**
 * CSV lines between two turns of the event loop (a few milliseconds' work): the stream pulls
 * lines as the client takes them, but a fast client takes them as fast as they come, and a page
 * of the SQLite read store is read at once, so the tracking list's 93 MB held the API for 15 s.
 */
const LINES_PER_TURN = 100;

const NUMBER_FORMATS: Readonly<Record<ColumnKind, string | undefined>> = {
  text: undefined,
  instant: 'yyyy-mm-dd hh:mm',
  date: 'yyyy-mm-dd',
  integer: '#,##0',
  days: '0.0',
};

/**
 * Streams the lists as they are read from the store, so 100,000 complaints never sit in memory at
 * once. The workbook holds real dates (the local wall clock of the configured zone) and numbers
 * with display formats; the CSV holds the same columns as text, with a BOM so that Excel opens
 * Chinese as UTF-8.
 */
export async function exportComplaints(reply: FastifyReply, request: ComplaintExportRequest): Promise<void> {
  const stamp = localDate(request.asOf, request.timeZone);
  void reply.header('X-Read-Model-Position', String(request.position));
  void reply.header('Content-Language', request.lang);
  if (request.format === 'csv') {
    void reply.header('Content-Type', 'text/csv; charset=utf-8');
    void reply.header('Content-Disposition', `attachment; filename="complaints-${request.list}-${stamp}.csv"`);
    const lines = request.list === 'master' ? csvLines(MASTER_SHEET, masterRows(request), request) : csvLines(TRACKING_SHEET, allTrackingRows(request), request);
    await reply.send(Readable.from(lines));
    return;
  }
  const output = new PassThrough();
  void reply.header('Content-Type', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
  void reply.header('Content-Disposition', `attachment; filename="complaints-${stamp}.xlsx"`);
  const sending = reply.send(output);
  const workbook = new (excel().stream.xlsx.WorkbookWriter)({ stream: output, useSharedStrings: false, useStyles: true });
  // A turn lets the zip compress what the sheet holds; a client reading slowly holds the rows back.
  const pace = async (): Promise<void> => {
    await yieldToEventLoop();
    if (output.writableNeedDrain) await once(output, 'drain');
  };
  await writeSheet(workbook, MASTER_SHEET, masterRows(request), request, pace);
  await writeSheet(workbook, TRACKING_SHEET, allTrackingRows(request), request, pace);
  await workbook.commit();
  await sending;
}

async function* masterRows(request: ComplaintExportRequest): AsyncGenerator<MasterRow> {
  for await (const document of request.rows()) yield { row: toMasterListRow(document, request.asOf) };
}

async function* allTrackingRows(request: ComplaintExportRequest): AsyncGenerator<TrackingRow> {
  for await (const document of request.documents()) yield* trackingRows(toTrackingListRow(document, request.asOf));
}

async function writeSheet<Row>(
  workbook: ExcelJS.stream.xlsx.WorkbookWriter,
  sheet: ExportSheet<Row>,
  rows: AsyncIterable<Row>,
  { lang, timeZone }: ComplaintExportRequest,
  pace: () => Promise<void>,
): Promise<void> {
  const columns = sheet.columns;
  const worksheet = workbook.addWorksheet(lang === 'zh-CN' ? sheet.zh : sheet.en, {
    views: [{ state: 'frozen', xSplit: 1, ySplit: 1 }],
    pageSetup: { paperSize: 9, orientation: 'landscape', fitToPage: true, fitToWidth: 1, fitToHeight: 0, printTitlesRow: '1:1' },
  });
  worksheet.autoFilter = { from: { row: 1, column: 1 }, to: { row: 1, column: columns.length } };
  worksheet.columns = columns.map((column, index) => ({
    key: String(index),
    width: column.width,
    style: { numFmt: NUMBER_FORMATS[column.kind], alignment: { vertical: 'top', wrapText: column.width >= 30 } },
  }));
  const header = worksheet.addRow(columns.map((column) => (lang === 'zh-CN' ? column.zh : column.en)));
  header.font = { bold: true };
  header.alignment = { vertical: 'middle', wrapText: true };
  header.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFD9E1F2' } };
  header.commit();
  let written = 0;
  for await (const row of rows) {
    worksheet.addRow(columns.map((column) => excelValue(column.kind, column.value(row, lang, timeZone), timeZone))).commit();
    if (++written % ROWS_PER_TURN === 0) await pace();
  }
  worksheet.commit();
}

function excelValue(kind: ColumnKind, value: CellValue, timeZone: string): string | number | Date | null {
  if (value === null) return null;
  switch (kind) {
    case 'instant':
    case 'date':
      return typeof value === 'string' ? spreadsheetDate(value, timeZone) : value;
    case 'text':
    case 'integer':
    case 'days':
      return value;
    default:
      return assertNever(kind, 'column kind');
  }
}

async function* csvLines<Row>(sheet: ExportSheet<Row>, rows: AsyncIterable<Row>, { lang, timeZone }: ComplaintExportRequest): AsyncGenerator<string> {
  yield `\uFEFF${sheet.columns.map((column) => csvCell(lang === 'zh-CN' ? column.zh : column.en)).join(',')}\r\n`;
  let written = 0;
  for await (const row of rows) {
    yield `${sheet.columns.map((column) => csvCell(csvText(column.kind, column.value(row, lang, timeZone), timeZone))).join(',')}\r\n`;
    if (++written % LINES_PER_TURN === 0) await yieldToEventLoop();
  }
}

/** The same text Excel shows for the workbook's cell. */
function csvText(kind: ColumnKind, value: CellValue, timeZone: string): CellValue {
  if (value === null) return null;
  switch (kind) {
    case 'instant':
      return typeof value === 'string' ? localDateTime(value, timeZone) : value;
    case 'date':
      return typeof value === 'string' ? localDate(value, timeZone) : value;
    case 'days':
      return typeof value === 'number' ? value.toFixed(1) : value;
    case 'text':
    case 'integer':
      return value;
    default:
      return assertNever(kind, 'column kind');
  }
}

function csvCell(value: string | number | null): string {
  if (value === null) return '';
  const text = String(value);
  // A leading = + - @ would be run as a formula by Excel: quote it as text (CSV injection).
  const safe = /^[=+\-@\t\r]/.test(text) && typeof value === 'string' ? `'${text}` : text;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

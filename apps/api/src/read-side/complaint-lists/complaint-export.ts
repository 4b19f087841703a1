import { PassThrough, Readable } from 'node:stream';
import ExcelJS from 'exceljs';
import { type ComplaintDocument, toTrackingListRow } from '@qms/reporting';
import type { FastifyReply } from 'fastify';

/** Columns a spreadsheet of the tracking list shows, with how each is read off a row. */
const COLUMNS: readonly { header: string; value: (row: ReturnType<typeof toTrackingListRow>, document: ComplaintDocument) => string | number | null }[] = [
  { header: 'Number', value: (row) => row.number },
  { header: 'Received at', value: (row) => row.receivedAt },
  { header: 'Customer', value: (row) => row.customerId },
  { header: 'Part', value: (row) => row.partNo },
  { header: 'Lot', value: (_row, document) => document.lot },
  { header: 'Description', value: (_row, document) => document.description },
  { header: 'Quantity', value: (_row, document) => document.quantityAffected },
  { header: 'Severity', value: (row) => row.severity },
  { header: 'Status', value: (row) => row.status },
  { header: 'Department', value: (row) => row.department },
  { header: 'Cause category', value: (row) => row.causeCategory },
  { header: 'Root cause', value: (row) => row.rootCause?.description ?? null },
  { header: 'Containment due', value: (row) => row.containment.dueAt },
  { header: 'Containment done', value: (row) => row.containment.doneAt },
  { header: 'Containment deadline', value: (row) => row.containment.state },
  { header: 'Action reply due', value: (row) => row.actionReply.dueAt },
  { header: 'Action reply done', value: (row) => row.actionReply.doneAt },
  { header: 'Action reply deadline', value: (row) => row.actionReply.state },
  { header: 'Corrective actions', value: (row) => row.correctiveActions.map((action) => `${action.actionId} ${action.owner} due ${action.dueAt} ${action.verification ?? 'open'}`).join('; ') },
  { header: 'Preventive actions', value: (row) => row.preventiveActions.map((action) => `${action.actionId} ${action.owner} due ${action.dueAt} ${action.verification ?? 'open'}`).join('; ') },
  { header: 'Waiver', value: (row) => row.waiver?.status ?? null },
  { header: '8D decision', value: (row) => row.eightDDecision?.status ?? null },
  { header: 'Closed at', value: (_row, document) => document.closedAt },
  { header: 'Result', value: (_row, document) => document.result },
  { header: 'Reopened from', value: (_row, document) => document.reopenedFrom },
  { header: 'Reopened as', value: (_row, document) => document.reopenedAs.join(' ') },
  { header: 'Days open', value: (row) => row.daysOpen },
  { header: 'Overdue now', value: (row) => (row.overdueNow ? 'yes' : 'no') },
];

/**
 * Streams the list as it is read from the store, so 100,000 complaints never sit in memory at
 * once. CSV carries a BOM so that Excel opens Chinese text as UTF-8.
 */
export async function exportComplaints(
  reply: FastifyReply,
  format: 'csv' | 'xlsx',
  documents: AsyncIterable<ComplaintDocument>,
  asOf: string,
  position: number,
): Promise<void> {
  const stamp = asOf.slice(0, 10);
  void reply.header('X-Read-Model-Position', String(position));
  if (format === 'csv') {
    void reply.header('Content-Type', 'text/csv; charset=utf-8');
    void reply.header('Content-Disposition', `attachment; filename="complaints-${stamp}.csv"`);
    await reply.send(Readable.from(csvLines(documents, asOf)));
    return;
  }
  const output = new PassThrough();
  void reply.header('Content-Type', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
  void reply.header('Content-Disposition', `attachment; filename="complaints-${stamp}.xlsx"`);
  const sending = reply.send(output);
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: output, useSharedStrings: false, useStyles: false });
  const sheet = workbook.addWorksheet('Complaints');
  sheet.addRow(COLUMNS.map((column) => column.header)).commit();
  for await (const document of documents) {
    const row = toTrackingListRow(document, asOf);
    sheet.addRow(COLUMNS.map((column) => column.value(row, document))).commit();
  }
  sheet.commit();
  await workbook.commit();
  await sending;
}

async function* csvLines(documents: AsyncIterable<ComplaintDocument>, asOf: string): AsyncGenerator<string> {
  yield `\uFEFF${COLUMNS.map((column) => csvCell(column.header)).join(',')}\r\n`;
  for await (const document of documents) {
    const row = toTrackingListRow(document, asOf);
    yield `${COLUMNS.map((column) => csvCell(column.value(row, document))).join(',')}\r\n`;
  }
}

function csvCell(value: string | number | null): string {
  if (value === null) return '';
  const text = String(value);
  // A leading = + - @ would be run as a formula by Excel: quote it as text (CSV injection).
  const safe = /^[=+\-@\t\r]/.test(text) && typeof value === 'string' ? `'${text}` : text;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

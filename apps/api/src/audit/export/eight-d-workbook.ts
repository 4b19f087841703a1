import { excel } from '../../infrastructure/excel';
import { eightDRows } from '@qms/audit';
import type { ComplaintExport } from './complaint-export';

/**
 * The export as a workbook: "8D" (one fact per row, D0–D8), "Event history" (one event per row)
 * and "Export" (who exported what, and the hash-chain result). Excel reserves the sheet name
 * "History" for its change tracking, hence "Event history".
 */
export const HISTORY_SHEET = 'Event history';

export async function eightDWorkbook(document: ComplaintExport): Promise<Buffer> {
  const workbook = new (excel().Workbook)();
  workbook.creator = document.exportedBy.userId;
  workbook.created = new Date(document.exportedAt);

  const eightD = workbook.addWorksheet('8D', { views: [{ state: 'frozen', ySplit: 1 }] });
  eightD.columns = [
    { header: 'Discipline', key: 'discipline', width: 10 },
    { header: 'Title', key: 'title', width: 42 },
    { header: 'Item', key: 'item', width: 22 },
    { header: 'Field', key: 'field', width: 28 },
    { header: 'Value', key: 'value', width: 80 },
  ];
  eightD.addRows(eightDRows(document.eightD));

  const history = workbook.addWorksheet(HISTORY_SHEET, { views: [{ state: 'frozen', ySplit: 1 }] });
  history.columns = [
    { header: 'Revision', key: 'revision', width: 9 },
    { header: 'Position', key: 'position', width: 10 },
    { header: 'Event type', key: 'type', width: 30 },
    { header: 'Business time (occurredAt)', key: 'occurredAt', width: 26 },
    { header: 'Recorded time', key: 'recordedAt', width: 26 },
    { header: 'User', key: 'userId', width: 18 },
    { header: 'Role', key: 'role', width: 12 },
    { header: 'Department', key: 'department', width: 14 },
    { header: 'Command', key: 'commandType', width: 28 },
    { header: 'Correlation id', key: 'correlationId', width: 38 },
    { header: 'Causation id', key: 'causationId', width: 38 },
    { header: 'Schema version', key: 'schemaVersion', width: 9 },
    { header: 'Event id', key: 'eventId', width: 38 },
    { header: 'Hash', key: 'hash', width: 66 },
    { header: 'Previous hash', key: 'previousHash', width: 66 },
    { header: 'Data (as written)', key: 'data', width: 100 },
  ];
  history.addRows(
    document.history.map((entry) => ({
      ...entry,
      userId: entry.actor?.userId ?? '',
      role: entry.actor?.role ?? '',
      department: entry.actor?.department ?? '',
      data: JSON.stringify(entry.data),
    })),
  );

  const about = workbook.addWorksheet('Export');
  about.columns = [
    { header: 'Field', key: 'field', width: 24 },
    { header: 'Value', key: 'value', width: 90 },
  ];
  const bad = document.integrity.firstBadEvent;
  about.addRows([
    { field: 'Complaint', value: document.complaintNumber },
    { field: 'Status', value: document.status },
    { field: 'Revision', value: document.revision },
    { field: 'Exported at', value: document.exportedAt },
    { field: 'Exported by', value: `${document.exportedBy.userId} (${document.exportedBy.role})` },
    { field: 'Hash chain', value: bad ? `BROKEN at revision ${bad.revision} (event ${bad.eventId}): ${bad.reason}` : 'verified: no event altered' },
    { field: 'Reopened from', value: document.links.reopenedFrom ?? '' },
    { field: 'Reopened as', value: document.links.reopenedAs.join(', ') },
  ]);
  for (const sheet of [eightD, history, about]) sheet.getRow(1).font = { bold: true };

  return Buffer.from(await workbook.xlsx.writeBuffer());
}

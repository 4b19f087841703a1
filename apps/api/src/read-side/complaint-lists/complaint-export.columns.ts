/**
 * The columns of the two exported lists, laid out like the company's forms: 客户抱怨处理总表
 * (master list, one row per complaint) and 客户抱怨处理追踪一览表 (tracking list, one row per
 * action). Each column says what kind of value it holds, so that the workbook writes real dates
 * and numbers with display formats and the CSV writes the same columns as text.
 */
import { type FormLanguage, localDate, valueLabel } from '@qms/audit';
import type { ActionView, MasterListRow, TrackingListRow } from '@qms/reporting';

/** `instant`: ISO UTC, shown in the configured zone; `days`: a duration shown to 1 decimal. */
export type ColumnKind = 'text' | 'instant' | 'date' | 'integer' | 'days';
export type CellValue = string | number | null;

export interface ExportColumn<Row> {
  readonly zh: string;
  readonly en: string;
  readonly kind: ColumnKind;
  /** Excel character width. */
  readonly width: number;
  readonly value: (row: Row, lang: FormLanguage, timeZone: string) => CellValue;
}

export interface ExportSheet<Row> {
  readonly zh: string;
  readonly en: string;
  readonly columns: readonly ExportColumn<Row>[];
}

const STATES: Readonly<Record<string, { zh: string; en: string }>> = {
  met: { zh: '按时', en: 'met' },
  not_met: { zh: '逾期', en: 'not met' },
  pending: { zh: '进行中', en: 'pending' },
  open: { zh: '处理中', en: 'open' },
  closed: { zh: '已结案', en: 'closed' },
  corrective: { zh: '纠正', en: 'corrective' },
  preventive: { zh: '预防', en: 'preventive' },
  requested: { zh: '申请中', en: 'requested' },
  approved: { zh: '已核准', en: 'approved' },
  rejected: { zh: '已退回', en: 'rejected' },
};

/** A value of the domain's vocabulary as people say it. */
export function say(value: string | null, lang: FormLanguage): string | null {
  if (value === null) return null;
  const words = STATES[value];
  if (words !== undefined) return lang === 'zh-CN' ? words.zh : words.en;
  return valueLabel(value, lang);
}

const yesNo = (value: boolean, lang: FormLanguage): string => (lang === 'zh-CN' ? (value ? '是' : '否') : value ? 'yes' : 'no');

export interface MasterRow {
  readonly row: MasterListRow;
}

export const MASTER_SHEET: ExportSheet<MasterRow> = {
  zh: '客户抱怨处理总表',
  en: 'Complaint master list',
  columns: [
    { zh: '抱怨编号', en: 'Complaint no.', kind: 'text', width: 16, value: ({ row }) => row.number },
    { zh: '接收日期', en: 'Received', kind: 'instant', width: 17, value: ({ row }) => row.receivedAt },
    { zh: '客户', en: 'Customer', kind: 'text', width: 14, value: ({ row }) => row.customerId },
    { zh: '客户联系人', en: 'Contact', kind: 'text', width: 16, value: ({ row }) => row.customerContact },
    { zh: '受理方式', en: 'Channel', kind: 'text', width: 10, value: ({ row }, lang) => say(row.channel, lang) },
    { zh: '料号', en: 'Part no.', kind: 'text', width: 16, value: ({ row }) => row.partNo },
    { zh: '批号', en: 'Lot', kind: 'text', width: 14, value: ({ row }) => row.lot },
    { zh: '不良描述', en: 'Defect description', kind: 'text', width: 40, value: ({ row }) => row.description },
    { zh: '数量', en: 'Quantity', kind: 'integer', width: 9, value: ({ row }) => row.quantity },
    { zh: '严重度', en: 'Severity', kind: 'text', width: 9, value: ({ row }, lang) => say(row.severity, lang) },
    { zh: '状态', en: 'Status', kind: 'text', width: 9, value: ({ row }, lang) => say(row.status, lang) },
    { zh: '责任单位', en: 'Department', kind: 'text', width: 12, value: ({ row }) => row.department },
    { zh: '临时对策日期', en: 'Containment', kind: 'instant', width: 17, value: ({ row }) => row.containmentAt },
    { zh: '对策回复日期', en: 'Action reply', kind: 'instant', width: 17, value: ({ row }) => row.actionReplyAt },
    { zh: '客户回复日期', en: 'Customer reply', kind: 'instant', width: 17, value: ({ row }) => row.customerRepliedAt.at(-1) ?? null },
    { zh: '处理结果', en: 'Result', kind: 'text', width: 14, value: ({ row }, lang) => say(row.result, lang) },
    { zh: '结案日期', en: 'Closed', kind: 'instant', width: 17, value: ({ row }) => row.closedAt },
    { zh: '重开自', en: 'Reopened from', kind: 'text', width: 16, value: ({ row }) => row.reopenedFrom },
    { zh: '重开为', en: 'Reopened as', kind: 'text', width: 16, value: ({ row }) => row.reopenedAs.join(', ') || null },
    { zh: '已开天数', en: 'Days open', kind: 'days', width: 10, value: ({ row }) => row.daysOpen },
    { zh: '逾期', en: 'Overdue', kind: 'text', width: 8, value: ({ row }, lang) => yesNo(row.overdueNow, lang) },
  ],
};

/** One line of the tracking list: a complaint with one of its actions (or none yet). */
export interface TrackingRow {
  readonly row: TrackingListRow;
  readonly action: ActionView | null;
}

export const TRACKING_SHEET: ExportSheet<TrackingRow> = {
  zh: '客户抱怨处理追踪一览表',
  en: 'Complaint tracking list',
  columns: [
    { zh: '抱怨编号', en: 'Complaint no.', kind: 'text', width: 16, value: ({ row }) => row.number },
    { zh: '接收日期', en: 'Received', kind: 'instant', width: 17, value: ({ row }) => row.receivedAt },
    { zh: '客户', en: 'Customer', kind: 'text', width: 14, value: ({ row }) => row.customerId },
    { zh: '料号', en: 'Part no.', kind: 'text', width: 16, value: ({ row }) => row.partNo },
    { zh: '严重度', en: 'Severity', kind: 'text', width: 9, value: ({ row }, lang) => say(row.severity, lang) },
    { zh: '状态', en: 'Status', kind: 'text', width: 9, value: ({ row }, lang) => say(row.status, lang) },
    { zh: '责任单位', en: 'Department', kind: 'text', width: 12, value: ({ row }) => row.department },
    { zh: '原因类别', en: 'Cause category', kind: 'text', width: 14, value: ({ row }, lang) => say(row.causeCategory, lang) },
    { zh: '分析方法', en: 'Method', kind: 'text', width: 14, value: ({ row }, lang) => say(row.rootCause?.method ?? null, lang) },
    { zh: '根本原因', en: 'Root cause', kind: 'text', width: 36, value: ({ row }) => row.rootCause?.description ?? null },
    { zh: '责任判定', en: 'Responsibility', kind: 'text', width: 14, value: ({ row }, lang) => say(row.responsibility?.decision ?? null, lang) },
    { zh: '临时对策期限', en: 'Containment due', kind: 'instant', width: 17, value: ({ row }) => row.containment.dueAt },
    { zh: '临时对策完成', en: 'Containment done', kind: 'instant', width: 17, value: ({ row }) => row.containment.doneAt },
    { zh: '临时对策时效', en: 'Containment deadline', kind: 'text', width: 10, value: ({ row }, lang) => say(row.containment.state, lang) },
    { zh: '对策回复期限', en: 'Action reply due', kind: 'instant', width: 17, value: ({ row }) => row.actionReply.dueAt },
    { zh: '对策回复完成', en: 'Action reply done', kind: 'instant', width: 17, value: ({ row }) => row.actionReply.doneAt },
    { zh: '对策回复时效', en: 'Action reply deadline', kind: 'text', width: 10, value: ({ row }, lang) => say(row.actionReply.state, lang) },
    { zh: '措施编号', en: 'Action', kind: 'text', width: 9, value: ({ action }) => action?.actionId ?? null },
    { zh: '措施类别', en: 'Kind', kind: 'text', width: 9, value: ({ action }, lang) => say(action?.kind ?? null, lang) },
    { zh: '措施内容', en: 'Action description', kind: 'text', width: 36, value: ({ action }) => action?.description ?? null },
    { zh: '负责人', en: 'Owner', kind: 'text', width: 12, value: ({ action }) => action?.owner ?? null },
    { zh: '原定期限', en: 'Original due', kind: 'date', width: 12, value: ({ action }) => action?.originalDueAt ?? null },
    { zh: '当前期限', en: 'Due', kind: 'date', width: 12, value: ({ action }) => action?.dueAt ?? null },
    { zh: '改期记录', en: 'Reschedules', kind: 'text', width: 30, value: ({ action }, lang, timeZone) => (action === null ? null : rescheduleHistory(action, lang, timeZone)) },
    { zh: '完成日期', en: 'Completed', kind: 'instant', width: 17, value: ({ action }) => action?.completedAt ?? null },
    { zh: '期限时效', en: 'Due date kept', kind: 'text', width: 10, value: ({ action }, lang) => say(action?.deadline.state ?? null, lang) },
    { zh: '验证结果', en: 'Verification', kind: 'text', width: 10, value: ({ action }, lang) => say(action?.verification ?? null, lang) },
    { zh: '验证日期', en: 'Verified', kind: 'instant', width: 17, value: ({ action }) => action?.verifiedAt ?? null },
    { zh: '预防措施免除', en: 'Preventive waiver', kind: 'text', width: 12, value: ({ row }, lang) => say(row.waiver?.status ?? null, lang) },
    { zh: '免除核准人', en: 'Waiver decided by', kind: 'text', width: 14, value: ({ row }) => row.waiver?.decidedBy ?? null },
    { zh: '8D核决', en: '8D decision', kind: 'text', width: 10, value: ({ row }, lang) => say(row.eightDDecision?.status ?? null, lang) },
    { zh: '核决人', en: 'Decided by', kind: 'text', width: 14, value: ({ row }) => row.eightDDecision?.decidedBy ?? null },
    { zh: '核决日期', en: 'Decided', kind: 'instant', width: 17, value: ({ row }) => row.eightDDecision?.decidedAt ?? null },
    { zh: '已开天数', en: 'Days open', kind: 'days', width: 10, value: ({ row }) => row.daysOpen },
    { zh: '逾期', en: 'Overdue', kind: 'text', width: 8, value: ({ row }, lang) => yesNo(row.overdueNow, lang) },
  ],
};

/** One row per action, corrective first; a complaint with no action yet still gets its line. */
export function trackingRows(row: TrackingListRow): TrackingRow[] {
  const actions = [...row.correctiveActions, ...row.preventiveActions];
  return actions.length === 0 ? [{ row, action: null }] : actions.map((action) => ({ row, action }));
}

/** `2026-11-28 → 2026-12-05 (无效)`, one reschedule per line, oldest first. */
function rescheduleHistory(action: ActionView, lang: FormLanguage, timeZone: string): string | null {
  let previous = action.originalDueAt;
  const lines = action.reschedules.map((round) => {
    const line = `${localDate(previous, timeZone)} → ${localDate(round.dueAt, timeZone)} (${say(round.reason, lang) ?? ''})`;
    previous = round.dueAt;
    return line;
  });
  return lines.length === 0 ? null : lines.join('\n');
}

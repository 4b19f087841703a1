/**
 * What the monthly report's figures are called and how they are rounded for people, in Chinese
 * and English: one dictionary for the workbook and the dashboard page (served to it as JSON), so
 * the meeting-room screen and the Excel file name and round every KPI the same way. Values keep
 * full precision in the read model; rounding happens here, for display only (DESIGN §8).
 */
import { CAUSE_CATEGORIES, SEVERITIES, type Severity } from '@qms/complaint-domain';
import { KPI_NAMES, NOT_ANALYSED, type CauseCategoryKey, type KpiName } from '@qms/reporting';
import type { FormLanguage as ReportLanguage } from '@qms/audit';

export interface Bilingual {
  readonly 'zh-CN': string;
  readonly en: string;
}

/** How a KPI reads: a count, a percentage (held as 0–100 in the read model), days, PPM, a quantity or an index. */
export type KpiKind = 'count' | 'percent' | 'days' | 'ppm' | 'quantity' | 'index';

export interface KpiDisplay {
  readonly name: KpiName;
  readonly kind: KpiKind;
  /** Decimals shown; the workbook keeps the full value and formats it with these. */
  readonly decimals: number;
  readonly label: Bilingual;
  /** What the number counts ('%' for percentages); empty when the label says it (PPM, CSI). */
  readonly unit: Bilingual;
}

const UNITS = {
  complaints: { 'zh-CN': '件', en: '' },
  lots: { 'zh-CN': '批', en: '' },
  times: { 'zh-CN': '次', en: '' },
  pieces: { 'zh-CN': '件', en: 'pcs' },
  days: { 'zh-CN': '天', en: 'days' },
  percent: { 'zh-CN': '%', en: '%' },
  none: { 'zh-CN': '', en: '' },
} as const satisfies Record<string, Bilingual>;

const kpi = (kind: KpiKind, decimals: number, zh: string, en: string, unit: keyof typeof UNITS): Omit<KpiDisplay, 'name'> => ({
  kind,
  decimals,
  label: { 'zh-CN': zh, en },
  unit: UNITS[unit],
});

// A Record, so that a KPI added to the dictionary without a display entry does not compile.
const KPI_DISPLAY_BY_NAME: Readonly<Record<KpiName, Omit<KpiDisplay, 'name'>>> = {
  complaintsReceived: kpi('count', 0, '客户抱怨件数', 'Complaints received', 'complaints'),
  complaintsOpenAtEnd: kpi('count', 0, '月末未结案件数', 'Open at month end', 'complaints'),
  complaintsOverdueAtEnd: kpi('count', 0, '月末逾期件数', 'Overdue at month end', 'complaints'),
  containmentOnTimePercent: kpi('percent', 1, '围堵措施及时率', 'Containment on time', 'percent'),
  actionReplyOnTimePercent: kpi('percent', 1, '对策回复及时率', 'Action reply on time', 'percent'),
  meanDaysToClose: kpi('days', 1, '平均结案天数', 'Mean days to close', 'days'),
  repeatRatePercent: kpi('percent', 1, '重复抱怨率', 'Repeat complaint rate', 'percent'),
  eightDOnTimeClosurePercent: kpi('percent', 1, '8D 按期结案率', '8D closed on time', 'percent'),
  returnsReceived: kpi('count', 0, '退货批数', 'Returns received', 'lots'),
  ntfRatePercent: kpi('percent', 1, '退货未发现不良率 (NTF)', 'No trouble found (NTF) rate', 'percent'),
  customerNotifications: kpi('count', 0, '客户通知件数', 'Customer notifications', 'complaints'),
  defectiveQuantity: kpi('quantity', 0, '客诉不良数量', 'Defective quantity', 'pieces'),
  ppm: kpi('ppm', 0, '客户端不良率 PPM', 'Customer PPM', 'none'),
  onTimeDeliveryPercent: kpi('percent', 1, '准时交货率', 'On-time delivery', 'percent'),
  premiumFreight: kpi('count', 0, '额外运费次数', 'Premium freight deliveries', 'times'),
  csi: kpi('index', 1, '客户满意度指数 (CSI)', 'Customer satisfaction index (CSI)', 'none'),
};

/** Every KPI of the dictionary, in its order (complaints, returns, delivery, satisfaction). */
export const KPI_DISPLAY: readonly KpiDisplay[] = KPI_NAMES.map((name) => ({ name, ...KPI_DISPLAY_BY_NAME[name] }));

export function kpiDisplay(name: KpiName): KpiDisplay {
  return { name, ...KPI_DISPLAY_BY_NAME[name] };
}

export const CAUSE_CATEGORY_LABELS: Readonly<Record<CauseCategoryKey, Bilingual>> = {
  man: { 'zh-CN': '人员', en: 'Man' },
  machine: { 'zh-CN': '机器', en: 'Machine' },
  material: { 'zh-CN': '材料', en: 'Material' },
  method: { 'zh-CN': '方法', en: 'Method' },
  measurement: { 'zh-CN': '测量', en: 'Measurement' },
  environment: { 'zh-CN': '环境', en: 'Environment' },
  [NOT_ANALYSED]: { 'zh-CN': '未分析', en: 'Not analysed' },
};

export const CAUSE_CATEGORY_KEYS: readonly CauseCategoryKey[] = [...CAUSE_CATEGORIES, NOT_ANALYSED];

export const SEVERITY_LABELS: Readonly<Record<Severity, Bilingual>> = {
  urgent: { 'zh-CN': '紧急', en: 'Urgent' },
  normal: { 'zh-CN': '一般', en: 'Normal' },
};

export const SEVERITY_KEYS: readonly Severity[] = SEVERITIES;

const t = (zh: string, en: string): Bilingual => ({ 'zh-CN': zh, en });

/** Titles, sheet names and column headers of the workbook and the page. */
export const REPORT_TEXT = {
  title: t('每月品质(客户抱怨)及交期月报', 'Monthly quality (customer complaints) and delivery report'),
  month: t('月份', 'Month'),
  timeZone: t('时区', 'Time zone'),
  period: t('统计期间', 'Period'),
  readModelPosition: t('数据截至事件位置', 'Read model position'),
  total: t('全公司', 'Company total'),
  customer: t('客户', 'Customer'),
  department: t('责任单位', 'Department'),
  notAssigned: t('未指派', 'Not assigned'),
  causeCategory: t('原因类别 (5M1E)', 'Cause category (5M1E)'),
  severity: t('严重度', 'Severity'),
  kpi: t('指标', 'KPI'),
  value: t('实绩', 'Actual'),
  target: t('目标', 'Target'),
  direction: t('目标方向', 'Direction'),
  atLeast: t('≥ 目标', 'at least the target'),
  atMost: t('≤ 目标', 'at most the target'),
  met: t('达成', 'Met'),
  notMet: t('未达成', 'Not met'),
  noValue: t('—', '—'),
  noTarget: t('无目标', 'No target'),
  received: t('受理件数', 'Received'),
  closed: t('结案件数', 'Closed'),
  openAtEnd: t('月末未结案', 'Open at month end'),
  overdueAtEnd: t('月末逾期', 'Overdue at month end'),
  containmentOnTime: t('围堵及时率', 'Containment on time'),
  actionReplyOnTime: t('对策回复及时率', 'Action reply on time'),
  meanDaysToClose: t('平均结案天数', 'Mean days to close'),
  repeats: t('重复抱怨件数', 'Repeat complaints'),
  repeatRate: t('重复抱怨率', 'Repeat rate'),
  eightDOnTime: t('8D 按期结案率', '8D closed on time'),
  defectiveQuantity: t('不良数量', 'Defective quantity'),
  deliveredQuantity: t('交货数量', 'Delivered quantity'),
  ppm: t('PPM', 'PPM'),
  ppmTarget: t('PPM 目标', 'PPM target'),
  ppmMet: t('PPM 达成', 'PPM met'),
  deliveries: t('交货批数', 'Deliveries'),
  onTimeDeliveries: t('准时交货批数', 'On-time deliveries'),
  onTimeDelivery: t('准时交货率', 'On-time delivery'),
  onTimeDeliveryTarget: t('准时交货率目标', 'On-time delivery target'),
  onTimeDeliveryMet: t('准时交货达成', 'On-time delivery met'),
  premiumFreight: t('额外运费次数', 'Premium freight'),
  returns: t('退货批数', 'Returns'),
  periodicBulkReturns: t('定期批量退货', 'Periodic bulk returns'),
  returnedQuantity: t('退货数量', 'Returned quantity'),
  returnDefectiveQuantity: t('确认不良数量', 'Confirmed defective'),
  reworkedQuantity: t('重工数量', 'Reworked'),
  scrappedQuantity: t('报废数量', 'Scrapped'),
  inspected: t('已检验批数', 'Inspected'),
  noTroubleFound: t('未发现不良批数 (NTF)', 'No trouble found (NTF)'),
  ntfRate: t('NTF 率', 'NTF rate'),
  notifications: t('客户通知件数', 'Customer notifications'),
  csi: t('客户满意度指数', 'CSI'),
  sheetKpi: t('KPI', 'KPI'),
  sheetCustomers: t('按客户', 'By customer'),
  sheetDepartments: t('按责任单位及原因', 'By department and cause'),
  sheetReturns: t('退货', 'Returns'),
  sheetDeliveries: t('交货', 'Deliveries'),
  missCallsForAction: t('未达成目标时，应提出矫正及预防措施 (5.2.3)。', 'A missed target calls for corrective and preventive action (5.2.3).'),
} as const satisfies Record<string, Bilingual>;

export type ReportTextKey = keyof typeof REPORT_TEXT;

export function text(key: ReportTextKey, language: ReportLanguage): string {
  return REPORT_TEXT[key][language];
}

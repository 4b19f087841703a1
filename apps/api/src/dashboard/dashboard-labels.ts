import type { Bilingual } from '../read-side/monthly-report/report-labels';
import { CAUSE_CATEGORY_LABELS, KPI_DISPLAY, REPORT_TEXT } from '../read-side/monthly-report/report-labels';
import { FORM_LANGUAGES } from '@qms/audit';

const t = (zh: string, en: string): Bilingual => ({ 'zh-CN': zh, en });

/** What the page itself says, besides the report's own names (report-labels.ts). */
export const DASHBOARD_TEXT = {
  pageTitle: t('月报看板', 'Monthly report'),
  allCustomers: t('全部客户', 'All customers'),
  customerScope: t('客户', 'Customer'),
  language: t('语言', 'Language'),
  keyPrompt: t('请输入 API 密钥以读取报表', 'Enter your API key to read the reports'),
  keyLabel: t('API 密钥', 'API key'),
  keyOpen: t('打开', 'Open'),
  keyChange: t('更换密钥', 'Change key'),
  keyRefused: t('密钥无效或无权读取报表，请重新输入。', 'The key was refused; enter a valid key.'),
  keyHint: t('密钥仅保存在本浏览器标签页中，关闭后即清除。', 'The key stays in this browser tab only and is cleared when it closes.'),
  loading: t('读取中…', 'Loading…'),
  loadFailed: t('读取失败', 'Could not load'),
  kpiSection: t('本月关键指标 (对照目标)', 'KPIs of the month against target'),
  trendsSection: t('近十二个月趋势', 'Twelve-month trends'),
  paretoSection: t('客户抱怨柏拉图', 'Complaint Pareto'),
  ppmTrend: t('客户端不良率 PPM', 'Customer PPM'),
  otdTrend: t('准时交货率 %', 'On-time delivery %'),
  openAge: t('未结案 8D 账龄 (月末)', 'Age of open 8Ds (month end)'),
  openAgeDays: t('天', 'days'),
  openAgeAxis: t('件数', 'Complaints'),
  urgent: t('紧急', 'Urgent'),
  normal: t('一般', 'Normal'),
  byDefect: t('按不良现象', 'By defect'),
  byPart: t('按料号', 'By part'),
  byCustomer: t('按客户', 'By customer'),
  byCause: t('按原因类别', 'By cause category'),
  paretoMonth: t('本月', 'Month'),
  paretoYear: t('近十二个月', 'Last 12 months'),
  complaints: t('抱怨件数', 'Complaints'),
  cumulative: t('累计 %', 'Cumulative %'),
  others: t('其他', 'Others'),
  actual: t('实绩', 'Actual'),
  target: t('目标', 'Target'),
  met: t('达成', 'Met'),
  notMet: t('未达成', 'Not met'),
  noTarget: t('无目标', 'No target'),
  noValue: t('本月无数据', 'No value this month'),
  noData: t('无数据', 'No data'),
  noActivity: t('该客户本月无活动', 'No activity of this customer this month'),
  period: t('统计期间', 'Period'),
  timeZone: t('时区', 'Time zone'),
  position: t('数据截至事件', 'Data as of event'),
  downloadWorkbook: t('导出 Excel', 'Excel workbook'),
  footer: t('数据来源：客户抱怨、退货、交货及满意度调查的事件记录；未达成目标时应提出矫正及预防措施。', 'Source: the recorded events of complaints, returns, deliveries and surveys; a missed target calls for corrective and preventive action.'),
} as const satisfies Record<string, Bilingual>;

/** Everything the page shows in words, as it is served to the page (GET /dashboard/labels.json). */
export function dashboardLabels() {
  return {
    languages: FORM_LANGUAGES,
    kpis: KPI_DISPLAY,
    causes: CAUSE_CATEGORY_LABELS,
    text: { ...REPORT_TEXT, ...DASHBOARD_TEXT },
  };
}

/**
 * The words on the form in Chinese (the default for this user base) and English. Section titles
 * carry both languages in the Chinese form, as the company's paper form does, so that a customer
 * abroad can follow a Chinese report.
 */
export const FORM_LANGUAGES = ['zh-CN', 'en'] as const;
export type FormLanguage = (typeof FORM_LANGUAGES)[number];

interface Words {
  readonly zh: string;
  readonly en: string;
}

const w = (zh: string, en: string): Words => ({ zh, en });

export const LABELS = {
  formTitle: w('客户抱怨处理单 / 8D报告', '8D Report (Customer Complaint)'),
  formSubtitle: w('8D Report · Customer Complaint', '客户抱怨处理单'),
  complaintNumber: w('抱怨编号', 'Complaint no.'),
  customer: w('客户', 'Customer'),
  contact: w('客户联系人', 'Customer contact'),
  partNo: w('料号', 'Part no.'),
  lot: w('批号', 'Lot'),
  receivedAt: w('接收日期', 'Received'),
  channel: w('受理方式', 'Channel'),
  severity: w('严重度', 'Severity'),
  quantityReported: w('客诉数量', 'Quantity reported'),
  quantityConfirmed: w('确认不良数', 'Quantity confirmed'),
  customerDeadline: w('客户要求期限', 'Customer deadline'),
  returnNeeded: w('需退货', 'Return needed'),
  productionAffected: w('影响客户生产/交期', 'Customer production affected'),
  reopenedFrom: w('重开自', 'Reopened from'),
  containmentDue: w('临时对策期限', 'Containment due'),
  actionReplyDue: w('对策回复期限', 'Action reply due'),
  d1: w('D1 小组成员 Team', 'D1 Team'),
  department: w('责任单位', 'Responsible department'),
  teamMembers: w('小组成员', 'Team members'),
  actionOwners: w('措施负责人', 'Action owners'),
  d2: w('D2 问题描述 Problem description', 'D2 Problem description'),
  defectDescription: w('不良现象', 'Defect description'),
  d3: w('D3 临时对策 Containment', 'D3 Containment (interim action)'),
  when: w('日期', 'Date'),
  action: w('措施', 'Action'),
  quantitySecured: w('隔离数量', 'Qty secured'),
  onTime: w('按时', 'On time'),
  recordedBy: w('记录人', 'By'),
  d4: w('D4 根本原因 Root cause', 'D4 Root cause'),
  category: w('原因类别 (5M1E)', 'Cause category (5M1E)'),
  method: w('分析方法', 'Analysis method'),
  occurrence: w('发生原因 (为何产生)', 'Occurrence (why it was made)'),
  escape: w('流出原因 (为何未检出)', 'Escape (why it was not detected)'),
  explanation: w('责任单位说明', "Department's explanation"),
  responsibility: w('责任判定', 'Responsibility'),
  responsibilityReason: w('判定说明', 'Reason'),
  d5: w('D5/D6 纠正措施及验证 Corrective actions', 'D5/D6 Corrective actions, implementation and verification'),
  actionId: w('编号', 'No.'),
  owner: w('负责人', 'Owner'),
  dueAt: w('完成期限', 'Due'),
  doneAt: w('完成日期', 'Done'),
  evidence: w('完成证据', 'evidence'),
  verified: w('验证', 'Verified'),
  rescheduled: w('改期记录', 'Reschedules'),
  planSubmitted: w('对策提交', 'Plan submitted'),
  systemic: w('类似产品/制程及文件修订 Similar products, PFMEA, control plan', 'Similar products and processes, PFMEA and control plan'),
  similarProducts: w('类似产品', 'Similar products'),
  similarProcesses: w('类似制程', 'Similar processes'),
  pfmea: w('PFMEA', 'PFMEA'),
  controlPlan: w('控制计划', 'Control plan'),
  d7: w('D7 预防措施 Preventive actions', 'D7 Preventive actions'),
  waiver: w('预防措施免除 (总经理核准)', 'Preventive action waived (management approval)'),
  waiverReason: w('免除理由', 'Reason'),
  approvedBy: w('核准人', 'Approved by'),
  approvedAt: w('核准日期', 'Approved'),
  comment: w('意见', 'Comment'),
  d8: w('D8 效果确认及结案 Verification and closure', 'D8 Verification of effectiveness and closure'),
  verification: w('效果确认', 'Verification'),
  closedAt: w('结案日期', 'Closed'),
  closeResult: w('结案结果', 'Result'),
  remarks: w('备注', 'Remarks'),
  reopenedAs: w('重开为', 'Reopened as'),
  approval: w('核决 Approval', 'Approval'),
  approvalStep: w('项目', 'Step'),
  preparedBy: w('编制 (对策提交)', 'Prepared (plan submitted)'),
  decision: w('8D核决', '8D decision'),
  decisionText: w('核决意见', 'Decision'),
  rejected: w('退回', 'Returned'),
  reply: w('客户回复 Customer reply', 'Customer reply'),
  repliedAt: w('回复日期', 'Replied'),
  repliedBy: w('回复人', 'By'),
  message: w('回复内容', 'Message'),
  none: w('无', 'None'),
  notRecorded: w('未记录', 'Not recorded'),
  pending: w('待定', 'Pending'),
  notApplicable: w('不适用', 'Not applicable'),
  asOf: w('截至', 'As of'),
  printed: w('打印', 'Printed'),
  timeZone: w('时区', 'Time zone'),
  page: w('页', 'Page'),
  yes: w('是', 'Yes'),
  no: w('否', 'No'),
  revised: w('已修订', 'Revised'),
  notRevised: w('未修订', 'Not revised'),
  due: w('期限', 'due'),
  noSimilarReason: w('无类似项理由', 'No similar items because'),
} as const satisfies Record<string, Words>;

export type LabelKey = keyof typeof LABELS;

/** The vocabulary of the events, as people say it. */
export const VALUES: Readonly<Record<string, Words>> = {
  urgent: w('紧急', 'Urgent'),
  normal: w('一般', 'Normal'),
  phone: w('电话', 'Phone'),
  email: w('邮件', 'E-mail'),
  visit: w('拜访', 'Visit'),
  portal: w('客户门户', 'Portal'),
  man: w('人 Man', 'Man'),
  machine: w('机 Machine', 'Machine'),
  material: w('料 Material', 'Material'),
  method: w('法 Method', 'Method'),
  measurement: w('测 Measurement', 'Measurement'),
  environment: w('环 Environment', 'Environment'),
  five_why: w('5-Why 五问法', '5-Why'),
  ishikawa: w('鱼骨图 Ishikawa', 'Ishikawa diagram'),
  ours: w('本公司责任', 'Ours'),
  not_ours: w('非本公司责任', 'Not ours'),
  resolved: w('已改善结案', 'Resolved'),
  not_completed: w('未完成', 'not completed'),
  not_effective: w('无效', 'not effective'),
  effective: w('有效', 'effective'),
  quality: w('品质', 'quality'),
  sales: w('营业', 'sales'),
  management: w('总经理', 'management'),
  department: w('责任单位', 'department'),
  auditor: w('稽核', 'auditor'),
  admin: w('管理员', 'admin'),
};

export function label(key: LabelKey, lang: FormLanguage): string {
  return lang === 'zh-CN' ? LABELS[key].zh : LABELS[key].en;
}

/** A known value in the form's language; anything else (a department code, a name) as written. */
export function valueLabel(value: string, lang: FormLanguage): string {
  const words = VALUES[value];
  if (words === undefined) return value;
  return lang === 'zh-CN' ? words.zh : words.en;
}

/** `zh-CN` from `?lang=` first, else the first Accept-Language that is Chinese or English. */
export function pickFormLanguage(query: string | undefined, acceptLanguage: string | undefined): FormLanguage {
  if (query !== undefined) return query.toLowerCase().startsWith('en') ? 'en' : 'zh-CN';
  if (acceptLanguage === undefined || acceptLanguage.trim() === '') return 'zh-CN';
  const ranked = acceptLanguage
    .split(',')
    .map((part, index) => {
      const [tag = '', ...params] = part.trim().split(';');
      const q = params.map((param) => /^\s*q=([\d.]+)\s*$/.exec(param)?.[1]).find((found) => found !== undefined);
      return { tag: tag.toLowerCase(), q: q === undefined ? 1 : Number(q), index };
    })
    .filter((entry) => entry.q > 0)
    .sort((a, b) => b.q - a.q || a.index - b.index);
  for (const { tag } of ranked) {
    if (tag.startsWith('zh')) return 'zh-CN';
    if (tag.startsWith('en')) return 'en';
  }
  return 'zh-CN';
}

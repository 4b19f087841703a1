/**
 * A complaint taken through every 8D step as it reads in a Shanghai plant: containment, a revised
 * root cause with its escape cause, a corrective action rescheduled once, a waived preventive
 * action, the 8D decision, the customer reply and the closure.
 */
import type { ComplaintEvent } from '@qms/complaint-domain';
import type { EightDSource } from '../../eight-d/eight-d-report';
import type { AuditHistoryEntry, HistoryActor } from '../../history';

const sales: HistoryActor = { userId: 'zhao.min', role: 'sales' };
const quality: HistoryActor = { userId: 'li.na', role: 'quality' };
const assembly: HistoryActor = { userId: 'wu.gang', role: 'department', department: '装配课' };
const manager: HistoryActor = { userId: 'chen.jun', role: 'management' };

export const FULL_EIGHT_D_NUMBER = 'CC-2026-0042';
const base = { complaintNumber: FULL_EIGHT_D_NUMBER };

export const FULL_EIGHT_D_STEPS: readonly (readonly [ComplaintEvent, HistoryActor])[] = [
  [{ type: 'ComplaintRegistered', data: { ...base, occurredAt: '2026-11-20T01:30:00.000Z', reopenedFrom: null, customerId: '上汽通用 SGM', customerContact: '王磊 SQE 138-0000-1234', partNo: 'BRK-2231-A 制动支架', lot: 'L20261105-03', defectDescription: '客户装配线发现支架安装孔毛刺，导致螺栓无法拧入；抽检 200 件中 12 件不良。', quantityAffected: 12, severity: 'urgent', channel: 'email', receivedAt: '2026-11-20T01:00:00.000Z', returnNeeded: true, customerProductionAffected: true, customerDeadline: null, containmentDueAt: '2026-11-21T01:00:00.000Z', actionReplyDueAt: '2026-11-25T15:59:59.999Z', deadlinePolicyId: 'default', timeZone: 'Asia/Shanghai' } }, sales],
  [{ type: 'ComplaintAssigned', data: { ...base, occurredAt: '2026-11-20T02:00:00.000Z', department: '装配课', previousDepartment: null } }, quality],
  [{ type: 'ContainmentRecorded', data: { ...base, occurredAt: '2026-11-20T09:00:00.000Z', description: '库存及在途品 100% 全检，隔离可疑品 3 箱；客户处库存派员挑选。', quantitySecured: 1500 } }, quality],
  [{ type: 'RootCauseRecorded', data: { ...base, occurredAt: '2026-11-21T02:00:00.000Z', category: 'man', method: 'five_why', description: '作业员未按要求去毛刺', departmentExplanation: '初步判断', escapeDescription: null } }, quality],
  [{ type: 'RootCauseRecorded', data: { ...base, occurredAt: '2026-11-21T06:00:00.000Z', category: 'machine', method: 'five_why', description: '去毛刺刀具磨损超过寿命，未按寿命更换，孔口残留毛刺。', departmentExplanation: '刀具寿命未纳入点检表，换刀依赖作业员经验。', escapeDescription: '终检为每小时抽检 5 件目视检查，0.2 mm 以下毛刺目视无法发现。' } }, assembly],
  [{ type: 'ResponsibilityDecided', data: { ...base, occurredAt: '2026-11-21T07:00:00.000Z', responsibility: 'ours', explanation: '刀具管理缺失，属本公司责任。', quantityAffected: 12 } }, quality],
  [{ type: 'CorrectiveActionPlanned', data: { ...base, occurredAt: '2026-11-22T02:00:00.000Z', actionId: 'CA-1', description: '更换去毛刺刀具，刀具寿命计数纳入设备点检', owner: '吴刚', dueAt: '2026-11-28T15:59:59.999Z', similarProductsCovered: ['BRK-2232-A', 'BRK-2240-B'], similarProcessesCovered: ['去毛刺工序'], noSimilarItemsReason: null, pfmea: { revised: true, revision: 'PFMEA-BRK-07 Rev.D' }, controlPlan: { revised: true, revision: 'CP-BRK-07 Rev.C' } } }, assembly],
  [{ type: 'CorrectiveActionPlanned', data: { ...base, occurredAt: '2026-11-22T02:30:00.000Z', actionId: 'CA-2', description: '终检增加孔口毛刺通止规检查，每 2 小时 5 件', owner: '李娜', dueAt: '2026-11-26T15:59:59.999Z', similarProductsCovered: [], similarProcessesCovered: [], noSimilarItemsReason: '仅此料号有该安装孔结构', pfmea: { revised: false, reason: '检测方法已在 PFMEA-BRK-07 Rev.D 中更新' }, controlPlan: { revised: true, revision: 'CP-BRK-07 Rev.C' } } }, quality],
  [{ type: 'PreventiveActionWaiverRequested', data: { ...base, occurredAt: '2026-11-22T03:00:00.000Z', reason: '其他产线已使用带寿命计数的自动换刀设备，无同类潜在原因。' } }, assembly],
  [{ type: 'PreventiveActionWaiverApproved', data: { ...base, occurredAt: '2026-11-22T05:00:00.000Z', approvedBy: 'chen.jun', comment: '同意免除，年底设备审核时复查。' } }, manager],
  [{ type: 'ActionPlanSubmitted', data: { ...base, occurredAt: '2026-11-22T06:00:00.000Z', correctiveActionIds: ['CA-1', 'CA-2'], preventiveActionIds: [], preventiveWaiverRequested: true } }, quality],
  [{ type: 'EightDDecisionApproved', data: { ...base, occurredAt: '2026-11-23T01:00:00.000Z', approvedBy: 'chen.jun', decision: '同意按 CA-1、CA-2 执行，预防措施免除。' } }, manager],
  [{ type: 'CustomerReplied', data: { ...base, occurredAt: '2026-11-23T03:00:00.000Z', message: '已将核决后的 8D 报告发送客户 SQE 王磊，客户确认接受对策。' } }, sales],
  [{ type: 'ActionCompleted', data: { ...base, occurredAt: '2026-11-26T08:00:00.000Z', actionId: 'CA-2', kind: 'corrective', evidence: '通止规已配置，作业指导书 WI-QC-15 已更新' } }, quality],
  [{ type: 'ActionCompleted', data: { ...base, occurredAt: '2026-11-27T08:00:00.000Z', actionId: 'CA-1', kind: 'corrective', evidence: '刀具已更换，点检表已加入寿命计数' } }, assembly],
  [{ type: 'ActionRescheduled', data: { ...base, occurredAt: '2026-11-30T02:00:00.000Z', actionId: 'CA-1', kind: 'corrective', reason: 'not_effective', previousDueAt: '2026-11-28T15:59:59.999Z', newDueAt: '2026-12-05T15:59:59.999Z', comment: '复查仍有轻微毛刺' } }, quality],
  [{ type: 'ActionCompleted', data: { ...base, occurredAt: '2026-12-03T08:00:00.000Z', actionId: 'CA-1', kind: 'corrective', evidence: '刀具参数调整并加装在线毛刺检测' } }, assembly],
  [{ type: 'ActionVerified', data: { ...base, occurredAt: '2026-12-04T02:00:00.000Z', actionId: 'CA-2', kind: 'corrective', result: 'effective', comment: '连续 3 批无毛刺' } }, quality],
  [{ type: 'ActionVerified', data: { ...base, occurredAt: '2026-12-04T03:00:00.000Z', actionId: 'CA-1', kind: 'corrective', result: 'effective', comment: '连续 3 批 1,200 件无毛刺' } }, quality],
  [{ type: 'ComplaintClosed', data: { ...base, occurredAt: '2026-12-04T06:00:00.000Z', result: 'resolved', remarks: '对策有效，结案。' } }, quality],
];

/** Each step recorded ten minutes after it happened, as the audit trail would show it. */
export function fullEightDSources(steps = FULL_EIGHT_D_STEPS): EightDSource[] {
  return steps.map(([event, actor], revision) => {
    const entry: AuditHistoryEntry = {
      revision,
      position: 500 + revision,
      eventId: `event-${revision}`,
      type: event.type,
      occurredAt: event.data.occurredAt,
      recordedAt: new Date(Date.parse(event.data.occurredAt) + 600_000).toISOString(),
      actor,
      correlationId: null,
      causationId: null,
      idempotencyKey: null,
      commandType: null,
      schemaVersion: 1,
      previousHash: null,
      hash: null,
      data: {},
    };
    return { event, entry };
  });
}

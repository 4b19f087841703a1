import type { ComplaintEvent } from '@qms/complaint-domain';
import type { AuditHistoryEntry, HistoryActor } from '../history';
import { buildEightDReport, type EightDSource } from './eight-d-report';
import { DISCIPLINES, eightDRows } from './eight-d-rows';

const quality: HistoryActor = { userId: 'li.quality', role: 'quality' };
const assembly: HistoryActor = { userId: 'wu.assembly', role: 'department', department: 'assembly' };
const sales: HistoryActor = { userId: 'zhao.sales', role: 'sales' };
const boss: HistoryActor = { userId: 'chen.gm', role: 'management' };

const base = { complaintNumber: 'CC-2026-0007' };
const systemic = {
  similarProductsCovered: ['P-101'],
  similarProcessesCovered: [],
  noSimilarItemsReason: null,
  pfmea: { revised: true, revision: 'PFMEA-12 rev C' },
  controlPlan: { revised: false, reason: 'inspection already in the control plan' },
} as const;

/** A complaint taken through the 8D steps, with an action rescheduled once and a late containment. */
const steps: readonly [ComplaintEvent, HistoryActor][] = [
  [{ type: 'ComplaintRegistered', data: { ...base, occurredAt: '2026-03-02T01:00:00.000Z', reopenedFrom: null, customerId: 'ACME', customerContact: 'Li Wei', partNo: 'P-100', lot: 'L7', defectDescription: 'burr', quantityAffected: 12, severity: 'urgent', channel: 'email', receivedAt: '2026-03-02T00:30:00.000Z', returnNeeded: true, customerProductionAffected: true, customerDeadline: null, containmentDueAt: '2026-03-03T00:30:00.000Z', actionReplyDueAt: '2026-03-09T15:59:59.999Z', deadlinePolicyId: 'default', timeZone: 'Asia/Shanghai' } }, sales],
  [{ type: 'ComplaintAssigned', data: { ...base, occurredAt: '2026-03-02T02:00:00.000Z', department: 'molding', previousDepartment: null } }, quality],
  [{ type: 'ComplaintAssigned', data: { ...base, occurredAt: '2026-03-02T03:00:00.000Z', department: 'assembly', previousDepartment: 'molding' } }, quality],
  [{ type: 'ContainmentRecorded', data: { ...base, occurredAt: '2026-03-03T02:00:00.000Z', description: 'sorted 500 pcs', quantitySecured: 500 } }, quality],
  [{ type: 'RootCauseRecorded', data: { ...base, occurredAt: '2026-03-04T02:00:00.000Z', category: 'man', method: 'five_why', description: 'first guess', departmentExplanation: 'operator', escapeDescription: null } }, quality],
  [{ type: 'RootCauseRecorded', data: { ...base, occurredAt: '2026-03-04T05:00:00.000Z', category: 'machine', method: 'ishikawa', description: 'worn die', departmentExplanation: 'die past its life', escapeDescription: 'final check samples 5 pcs per hour' } }, assembly],
  [{ type: 'ResponsibilityDecided', data: { ...base, occurredAt: '2026-03-04T06:00:00.000Z', responsibility: 'ours', explanation: 'die maintenance missed', quantityAffected: 10 } }, quality],
  [{ type: 'CorrectiveActionPlanned', data: { ...base, occurredAt: '2026-03-05T01:00:00.000Z', actionId: 'CA-1', description: 'replace die', owner: 'Wu', dueAt: '2026-03-20T15:59:59.999Z', ...systemic } }, assembly],
  [{ type: 'PreventiveActionPlanned', data: { ...base, occurredAt: '2026-03-05T02:00:00.000Z', actionId: 'PA-1', description: 'die life counter', owner: 'Wu', dueAt: '2026-03-30T15:59:59.999Z', similarProductsCovered: [], similarProcessesCovered: ['stamping'], noSimilarItemsReason: null, pfmea: null, controlPlan: null } }, assembly],
  [{ type: 'ActionPlanSubmitted', data: { ...base, occurredAt: '2026-03-05T03:00:00.000Z', correctiveActionIds: ['CA-1'], preventiveActionIds: ['PA-1'], preventiveWaiverRequested: false } }, assembly],
  [{ type: 'EightDDecisionApproved', data: { ...base, occurredAt: '2026-03-05T04:00:00.000Z', approvedBy: 'chen.gm', decision: 'go' } }, boss],
  [{ type: 'ActionCompleted', data: { ...base, occurredAt: '2026-03-10T01:00:00.000Z', actionId: 'CA-1', kind: 'corrective', evidence: 'die replaced' } }, assembly],
  [{ type: 'ActionRescheduled', data: { ...base, occurredAt: '2026-03-11T01:00:00.000Z', actionId: 'CA-1', kind: 'corrective', reason: 'not_effective', previousDueAt: '2026-03-20T15:59:59.999Z', newDueAt: '2026-04-10T15:59:59.999Z', comment: 'burr again' } }, quality],
  [{ type: 'ActionCompleted', data: { ...base, occurredAt: '2026-03-20T01:00:00.000Z', actionId: 'CA-1', kind: 'corrective', evidence: 'die and guide replaced' } }, assembly],
  [{ type: 'ActionVerified', data: { ...base, occurredAt: '2026-03-25T01:00:00.000Z', actionId: 'CA-1', kind: 'corrective', result: 'effective', comment: null } }, quality],
  [{ type: 'CustomerReplied', data: { ...base, occurredAt: '2026-03-26T01:00:00.000Z', message: '8D attached' } }, sales],
  [{ type: 'ComplaintClosed', data: { ...base, occurredAt: '2026-03-27T01:00:00.000Z', result: 'resolved', remarks: 'thanks to the assembly team' } }, quality],
  [{ type: 'ComplaintReopened', data: { ...base, occurredAt: '2026-04-02T01:00:00.000Z', reopenedAs: 'CC-2026-0007-1', reason: 'customer not satisfied' } }, sales],
];

function sources(): EightDSource[] {
  return steps.map(([event, actor], revision) => {
    const entry: AuditHistoryEntry = {
      revision,
      position: 100 + revision,
      eventId: `e${revision}`,
      type: event.type,
      occurredAt: event.data.occurredAt,
      recordedAt: new Date(Date.parse(event.data.occurredAt) + 60_000).toISOString(),
      actor,
      correlationId: `c${revision}`,
      causationId: `c${revision}`,
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

describe('the 8D report of one complaint', () => {
  const report = buildEightDReport(sources());

  it('lays out intake, team and problem (D0–D2) with who and when', () => {
    expect(report.complaintNumber).toBe('CC-2026-0007');
    expect(report.D0.registration).toMatchObject({ revision: 0, by: sales, receivedAt: '2026-03-02T00:30:00.000Z' });
    expect(report.D0.emergencyResponse.customerProductionAffected).toBe(true);
    expect(report.D1.responsibleDepartment).toBe('assembly');
    expect(report.D1.assignments.map((assignment) => assignment.previousDepartment)).toEqual([null, 'molding']);
    expect(report.D1.members.find((member) => member.userId === 'wu.assembly')).toMatchObject({ department: 'assembly', steps: 6 });
    expect(report.D2).toMatchObject({ quantityReported: 12, quantityConfirmed: 10, partNo: 'P-100' });
  });

  it('judges containment and plan submission against their deadlines (D3, D5)', () => {
    expect(report.D3.containments).toEqual([expect.objectContaining({ description: 'sorted 500 pcs', onTime: false })]);
    expect(report.D5.planSubmissions).toEqual([expect.objectContaining({ onTime: true })]);
    expect(report.D5.decisions).toEqual([expect.objectContaining({ outcome: 'approved', decidedBy: 'chen.gm' })]);
  });

  it('keeps every root-cause analysis and marks the one that counts (D4)', () => {
    expect(report.D4.analyses.map((analysis) => [analysis.description, analysis.current])).toEqual([
      ['first guess', false],
      ['worn die', true],
    ]);
    expect(report.D4.responsibility).toMatchObject({ responsibility: 'ours', by: quality });
  });

  it('follows an action through reschedule to verification (D5, D6)', () => {
    expect(report.D5.correctiveActions).toEqual([
      expect.objectContaining({ actionId: 'CA-1', plannedDueAt: '2026-03-20T15:59:59.999Z', currentDueAt: '2026-04-10T15:59:59.999Z', status: 'verified' }),
    ]);
    expect(report.D6.implementation.map((step) => step.step)).toEqual(['completed', 'rescheduled', 'completed', 'verified_effective']);
    expect(report.D6.implementation[1]).toMatchObject({ previousDueAt: '2026-03-20T15:59:59.999Z', detail: 'not_effective: burr again' });
  });

  it('shows preventive actions and the systemic review per action (D7)', () => {
    expect(report.D7.preventiveActions.map((action) => [action.actionId, action.status])).toEqual([['PA-1', 'open']]);
    expect(report.D7.systemic[0]).toMatchObject({ actionId: 'CA-1', pfmea: { revised: true, revision: 'PFMEA-12 rev C' } });
    expect(report.D7.systemic[1]).toMatchObject({ actionId: 'PA-1', similarProcessesCovered: ['stamping'], pfmea: null });
  });

  it('closes with the reply, the recognition and the reopening (D8)', () => {
    expect(report.D8.customerReplies).toEqual([expect.objectContaining({ message: '8D attached', by: sales })]);
    expect(report.D8.recognition).toEqual({ team: ['zhao.sales', 'li.quality', 'wu.assembly', 'chen.gm'], remarks: 'thanks to the assembly team' });
    expect(report.D8.reopenings).toEqual([expect.objectContaining({ reopenedAs: 'CC-2026-0007-1' })]);
  });

  it('ignores events of other types', () => {
    const withForeign = [...sources(), { event: { type: 'IdempotencyKeyUsed', data: {} }, entry: sources()[0]!.entry }];
    expect(buildEightDReport(withForeign)).toEqual(report);
  });

  it('flattens to sheet rows in D0–D8 order, one fact per row', () => {
    const rows = eightDRows(report);
    const order = [...new Set(rows.map((row) => row.discipline))];
    expect(order).toEqual([...DISCIPLINES]);
    expect(rows).toContainEqual({ discipline: 'D3', title: report.D3.title, item: 'containments 1', field: 'by', value: 'li.quality (quality)' });
    expect(rows).toContainEqual(expect.objectContaining({ discipline: 'D7', item: 'systemic 1', field: 'pfmea.revision', value: 'PFMEA-12 rev C' }));
    expect(rows).toContainEqual(expect.objectContaining({ discipline: 'D8', item: 'recognition', field: 'team', value: 'zhao.sales, li.quality, wu.assembly, chen.gm' }));
  });
});

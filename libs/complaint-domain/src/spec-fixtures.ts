/**
 * Shared given-events and actors for the complaint specs (kept free of jest so the build compiles it). Times follow one story: received
 * Friday 2025-01-03 17:00 in Shanghai (09:00Z), handled during the next days, "now" later.
 */
import type { Actor, DecisionContext } from '@qms/domain-kernel';
import type { ActionPlannedData, ComplaintEvent, ComplaintRegisteredData } from './events';
import type { RegisterComplaintData } from './commands';

export const NUMBER = 'CC-2025-0001';
export const RECEIVED_AT = '2025-01-03T09:00:00.000Z';
export const NOW = '2025-02-01T00:00:00.000Z';

export const actors = {
  sales: { userId: 'u-sales', role: 'sales' },
  quality: { userId: 'u-quality', role: 'quality' },
  management: { userId: 'u-gm', role: 'management' },
  assembly: { userId: 'u-assembly', role: 'department', department: 'assembly' },
  molding: { userId: 'u-molding', role: 'department', department: 'molding' },
  auditor: { userId: 'u-auditor', role: 'auditor' },
} as const satisfies Record<string, Actor>;

export const as = (actor: Actor, now: string = NOW): DecisionContext => ({ now: new Date(now), actor });

/** Day n of January 2025 at hh:00Z. */
export const jan = (day: number, hour = 3): string =>
  `2025-01-${String(day).padStart(2, '0')}T${String(hour).padStart(2, '0')}:00:00.000Z`;

export const registerData = (overrides: Partial<RegisterComplaintData> = {}): RegisterComplaintData => ({
  complaintNumber: NUMBER,
  customerId: 'ACME',
  customerContact: 'Ms. Li, +86 21 5555 0101',
  partNo: 'P-100',
  lot: 'L-2412-07',
  defectDescription: 'Burr on flange, 12 of 500 pieces',
  quantityAffected: 12,
  severity: 'normal',
  channel: 'email',
  receivedAt: RECEIVED_AT,
  returnNeeded: true,
  customerProductionAffected: false,
  customerDeadline: null,
  occurredAt: RECEIVED_AT,
  ...overrides,
});

const base = (occurredAt: string) => ({ complaintNumber: NUMBER, occurredAt });

export const given = {
  registered: (overrides: Partial<ComplaintRegisteredData> = {}): ComplaintEvent => ({
    type: 'ComplaintRegistered',
    data: {
      ...base(RECEIVED_AT),
      reopenedFrom: null,
      customerId: 'ACME',
      customerContact: 'Ms. Li, +86 21 5555 0101',
      partNo: 'P-100',
      lot: 'L-2412-07',
      defectDescription: 'Burr on flange, 12 of 500 pieces',
      quantityAffected: 12,
      severity: 'normal',
      channel: 'email',
      receivedAt: RECEIVED_AT,
      returnNeeded: true,
      customerProductionAffected: false,
      customerDeadline: null,
      containmentDueAt: '2025-01-04T09:00:00.000Z',
      actionReplyDueAt: '2025-01-08T15:59:59.999Z',
      deadlinePolicyId: 'default',
      timeZone: 'Asia/Shanghai',
      ...overrides,
    },
  }),
  assigned: (department = 'assembly', at = jan(3, 10)): ComplaintEvent => ({
    type: 'ComplaintAssigned',
    data: { ...base(at), department, previousDepartment: null },
  }),
  containment: (at = jan(3, 12)): ComplaintEvent => ({
    type: 'ContainmentRecorded',
    data: { ...base(at), description: 'Stock sorted, 3 suspect boxes blocked', quantitySecured: 1500 },
  }),
  rootCause: (at = jan(6)): ComplaintEvent => ({
    type: 'RootCauseRecorded',
    data: {
      ...base(at),
      category: 'machine',
      method: 'five_why',
      description: 'Worn deburring tool',
      departmentExplanation: 'Tool life not monitored',
      escapeDescription: null,
    },
  }),
  decided: (responsibility: 'ours' | 'not_ours' = 'ours', at = jan(6, 6)): ComplaintEvent => ({
    type: 'ResponsibilityDecided',
    data: { ...base(at), responsibility, explanation: 'Deburring tool worn out', quantityAffected: 10 },
  }),
  corrective: (actionId = 'CA-1', overrides: Partial<ActionPlannedData> = {}): ComplaintEvent => ({
    type: 'CorrectiveActionPlanned',
    data: {
      ...base(jan(7)),
      actionId,
      description: 'Tool life counter on deburring station',
      owner: 'Wang (assembly)',
      dueAt: '2025-01-20T15:59:59.999Z',
      similarProductsCovered: ['P-101'],
      similarProcessesCovered: ['deburring line 2'],
      noSimilarItemsReason: null,
      pfmea: { revised: true, revision: 'PFMEA-100 rev C' },
      controlPlan: { revised: false, reason: 'Tool-life check already in the control plan' },
      ...overrides,
    },
  }),
  preventive: (actionId = 'PA-1'): ComplaintEvent => ({
    type: 'PreventiveActionPlanned',
    data: {
      ...base(jan(7)),
      actionId,
      description: 'Tool life counters on all deburring stations',
      owner: 'Zhao (engineering)',
      dueAt: '2025-01-31T15:59:59.999Z',
      similarProductsCovered: [],
      similarProcessesCovered: [],
      noSimilarItemsReason: null,
      pfmea: null,
      controlPlan: null,
    },
  }),
  waiverRequested: (at = jan(7)): ComplaintEvent => ({
    type: 'PreventiveActionWaiverRequested',
    data: { ...base(at), reason: 'No potential cause found elsewhere' },
  }),
  waiverApproved: (at = jan(7, 8)): ComplaintEvent => ({
    type: 'PreventiveActionWaiverApproved',
    data: { ...base(at), approvedBy: 'u-gm', comment: null },
  }),
  submitted: (at = jan(8)): ComplaintEvent => ({
    type: 'ActionPlanSubmitted',
    data: { ...base(at), correctiveActionIds: ['CA-1'], preventiveActionIds: ['PA-1'], preventiveWaiverRequested: false },
  }),
  approved: (at = jan(8, 6)): ComplaintEvent => ({
    type: 'EightDDecisionApproved',
    data: { ...base(at), approvedBy: 'u-gm', decision: 'Carry out CA-1 and PA-1' },
  }),
  completed: (actionId: string, kind: 'corrective' | 'preventive', at = jan(15)): ComplaintEvent => ({
    type: 'ActionCompleted',
    data: { ...base(at), actionId, kind, evidence: 'Counter installed, photo in 8D folder' },
  }),
  verified: (actionId: string, kind: 'corrective' | 'preventive', at = jan(20)): ComplaintEvent => ({
    type: 'ActionVerified',
    data: { ...base(at), actionId, kind, result: 'effective', comment: null },
  }),
  replied: (at = jan(9)): ComplaintEvent => ({
    type: 'CustomerReplied',
    data: { ...base(at), message: 'Approved 8D sent to Ms. Li' },
  }),
  closed: (at = jan(21), result: 'resolved' | 'not_ours' = 'resolved'): ComplaintEvent => ({
    type: 'ComplaintClosed',
    data: { ...base(at), result, remarks: null },
  }),
};

/** Histories up to each stage of the "ours" path. */
export const history = {
  registered: [given.registered()],
  assigned: [given.registered(), given.assigned()],
  rootCause: [given.registered(), given.assigned(), given.containment(), given.rootCause()],
  ours: [given.registered(), given.assigned(), given.containment(), given.rootCause(), given.decided('ours')],
  notOurs: [given.registered(), given.assigned(), given.containment(), given.rootCause(), given.decided('not_ours')],
  get planned(): ComplaintEvent[] {
    return [...this.ours, given.corrective(), given.preventive()];
  },
  get submitted(): ComplaintEvent[] {
    return [...this.planned, given.submitted()];
  },
  get approved(): ComplaintEvent[] {
    return [...this.submitted, given.approved()];
  },
  get completed(): ComplaintEvent[] {
    return [...this.approved, given.completed('CA-1', 'corrective'), given.completed('PA-1', 'preventive')];
  },
  get verified(): ComplaintEvent[] {
    return [...this.completed, given.verified('CA-1', 'corrective'), given.verified('PA-1', 'preventive')];
  },
  get replied(): ComplaintEvent[] {
    return [...this.verified, given.replied()];
  },
  get closed(): ComplaintEvent[] {
    return [...this.replied, given.closed()];
  },
};

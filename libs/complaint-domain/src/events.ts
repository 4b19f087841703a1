/**
 * Events of the complaint context (8D complaints and customer notifications).
 *
 * Conventions every projection may rely on:
 * - `type` strings are past tense and never renamed; shapes change only with a new schema version
 *   (COMPLAINT_EVENT_SCHEMA_VERSIONS) and an upcaster (upcast.ts).
 * - Payloads are JSON-safe: absent values are `null`, never `undefined` or missing.
 * - Every instant is an ISO-8601 UTC string as produced by `Date.prototype.toISOString()`
 *   (`2025-03-07T09:00:00.000Z`), so string order is time order.
 * - `occurredAt` is business time: when it happened, not when it was typed. The actor (user, role,
 *   department) is in the event metadata written by the application; approvals also copy the
 *   approving user into the data because the reports show it.
 * - Every complaint event carries `complaintNumber` (the stream's complaint, e.g. `CC-2025-0042`
 *   or a reopened `CC-2025-0042-1`).
 */
import type { DomainEvent } from '@qms/domain-kernel';

// ---------------------------------------------------------------------------------------------
// Vocabulary
// ---------------------------------------------------------------------------------------------

export const SEVERITIES = ['urgent', 'normal'] as const;
export type Severity = (typeof SEVERITIES)[number];

export const CHANNELS = ['phone', 'email', 'visit', 'portal'] as const;
export type Channel = (typeof CHANNELS)[number];

/** 5M1E. */
export const CAUSE_CATEGORIES = ['man', 'machine', 'material', 'method', 'measurement', 'environment'] as const;
export type CauseCategory = (typeof CAUSE_CATEGORIES)[number];

export const ANALYSIS_METHODS = ['five_why', 'ishikawa'] as const;
export type AnalysisMethod = (typeof ANALYSIS_METHODS)[number];

export const RESPONSIBILITIES = ['ours', 'not_ours'] as const;
export type Responsibility = (typeof RESPONSIBILITIES)[number];

export const ACTION_KINDS = ['corrective', 'preventive'] as const;
export type ActionKind = (typeof ACTION_KINDS)[number];

/** Why quality set a new improvement date (§6.3.1 B). */
export const RESCHEDULE_REASONS = ['not_completed', 'not_effective'] as const;
export type RescheduleReason = (typeof RESCHEDULE_REASONS)[number];

/** `resolved`: actions verified effective; `not_ours`: closed after sales explained (§6.2.4). */
export const CLOSE_RESULTS = ['resolved', 'not_ours'] as const;
export type CloseResult = (typeof CLOSE_RESULTS)[number];

/**
 * A PFMEA or control plan either was revised (naming the revision) or was not, with the reason
 * (IATF 10.2.3). Auditors ask for both documents separately, so each gets its own answer.
 */
export type DocumentRevision =
  | { readonly revised: true; readonly revision: string }
  | { readonly revised: false; readonly reason: string };

// ---------------------------------------------------------------------------------------------
// Complaint events
// ---------------------------------------------------------------------------------------------

interface ComplaintEventData {
  readonly complaintNumber: string;
  /** Business time, ISO-8601 UTC. */
  readonly occurredAt: string;
}

/**
 * Schema v2. v1 (pilot) had `customer` instead of `customerId` and no `channel`; see upcast.ts.
 * `occurredAt` is when sales logged it in business terms; `receivedAt` (≤ occurredAt) is when the
 * customer's complaint arrived and is the time every KPI and deadline counts from.
 */
export interface ComplaintRegisteredData extends ComplaintEventData {
  /** Set on a complaint opened by ReopenComplaint: the number of the complaint it reopens. */
  readonly reopenedFrom: string | null;
  readonly customerId: string;
  readonly customerContact: string;
  readonly partNo: string;
  readonly lot: string;
  readonly defectDescription: string;
  /** Positive integer, as reported by the customer (corrected later on ResponsibilityDecided). */
  readonly quantityAffected: number;
  readonly severity: Severity;
  readonly channel: Channel;
  readonly receivedAt: string;
  readonly returnNeeded: boolean;
  /** Whether the customer's production or delivery is affected (§6.1.4). */
  readonly customerProductionAffected: boolean;
  /** The customer-required deadline for the action reply, when given (instant, UTC). */
  readonly customerDeadline: string | null;
  /** receivedAt + the policy's containment hours. */
  readonly containmentDueAt: string;
  /** End of the Nth working day after the local day of receipt, or the customer's deadline. */
  readonly actionReplyDueAt: string;
  /** Id of the deadline policy used (`default` or a per-customer override id). */
  readonly deadlinePolicyId: string;
  /** IANA time zone of that policy: the zone the local days of this complaint are counted in. */
  readonly timeZone: string;
}

/** Quality hands the complaint to a responsible department; repeated for a reassignment. */
export interface ComplaintAssignedData extends ComplaintEventData {
  readonly department: string;
  readonly previousDepartment: string | null;
}

/** The interim action (D3); the containment deadline is met when occurredAt ≤ containmentDueAt. */
export interface ContainmentRecordedData extends ComplaintEventData {
  readonly description: string;
  /** Suspect quantity sorted/blocked at our site and in transit, when known. */
  readonly quantitySecured: number | null;
}

/**
 * May be recorded again until responsibility is decided; the latest one counts. Schema v2 adds
 * the escape cause; v1 events are read with `escapeDescription: null` (see upcast.ts).
 */
export interface RootCauseRecordedData extends ComplaintEventData {
  readonly category: CauseCategory;
  readonly method: AnalysisMethod;
  /** The occurrence cause: why the defect was made. */
  readonly description: string;
  /** The responsible department's explanation of the cause (§6.2.2). */
  readonly departmentExplanation: string;
  /** The escape cause: why the defect was not detected before it left the plant, when analysed. */
  readonly escapeDescription: string | null;
}

export interface ResponsibilityDecidedData extends ComplaintEventData {
  readonly responsibility: Responsibility;
  /** Why; for `not_ours` this is what sales explains to the customer. */
  readonly explanation: string;
  /** The quantity affected as confirmed at this decision (the KPI "defective quantity" uses it). */
  readonly quantityAffected: number;
}

/** Shared by CorrectiveActionPlanned and PreventiveActionPlanned. */
export interface ActionPlannedData extends ComplaintEventData {
  /** `CA-1`, `CA-2`, … / `PA-1`, … — unique within the complaint, assigned by the domain. */
  readonly actionId: string;
  readonly description: string;
  readonly owner: string;
  /** Instant, UTC. A date-only due date in the command means the end of that local day. */
  readonly dueAt: string;
  /** Similar products and processes this action also covers (IATF 10.2.3). */
  readonly similarProductsCovered: readonly string[];
  readonly similarProcessesCovered: readonly string[];
  /** Why nothing similar is covered; non-null exactly when both lists are empty on a corrective action. */
  readonly noSimilarItemsReason: string | null;
  /** Always set on a corrective action; null on a preventive action when not stated. */
  readonly pfmea: DocumentRevision | null;
  readonly controlPlan: DocumentRevision | null;
}

/** §6.2.3: the department asks not to take preventive action, with the reason. */
export interface PreventiveActionWaiverRequestedData extends ComplaintEventData {
  readonly reason: string;
}

/** Only management; the waiver counts for closing only once approved. */
export interface PreventiveActionWaiverApprovedData extends ComplaintEventData {
  readonly approvedBy: string;
  readonly comment: string | null;
}

export interface PreventiveActionWaiverRejectedData extends ComplaintEventData {
  readonly rejectedBy: string;
  readonly reason: string;
}

/**
 * The corrective/preventive action plan is handed to sales for the customer reply (§6.4); the
 * action-reply deadline is met when occurredAt ≤ actionReplyDueAt.
 */
export interface ActionPlanSubmittedData extends ComplaintEventData {
  readonly correctiveActionIds: readonly string[];
  readonly preventiveActionIds: readonly string[];
  /** True when a preventive-action waiver was requested or approved instead of preventive actions. */
  readonly preventiveWaiverRequested: boolean;
}

export interface ActionCompletedData extends ComplaintEventData {
  readonly actionId: string;
  readonly kind: ActionKind;
  readonly evidence: string;
}

/** Quality confirmed the action effective (§6.3.1 A). Final for that action. */
export interface ActionVerifiedData extends ComplaintEventData {
  readonly actionId: string;
  readonly kind: ActionKind;
  readonly result: 'effective';
  readonly comment: string | null;
}

/**
 * Quality found the action not completed or not effective and set a new improvement date
 * (§6.3.1 B). The action is open again; earlier due dates stay in the history of these events.
 */
export interface ActionRescheduledData extends ComplaintEventData {
  readonly actionId: string;
  readonly kind: ActionKind;
  readonly reason: RescheduleReason;
  readonly previousDueAt: string;
  readonly newDueAt: string;
  readonly comment: string | null;
}

/** §6.2.6: management approves the 8D decision; the actions may then be carried out. */
export interface EightDDecisionApprovedData extends ComplaintEventData {
  readonly approvedBy: string;
  readonly decision: string;
}

/** Management sends the plan back; the department revises and submits again. */
export interface EightDDecisionRejectedData extends ComplaintEventData {
  readonly rejectedBy: string;
  readonly reason: string;
}

/** §6.3.2 / §6.2.4: sales replied with the approved decision, or explained why it is not ours. */
export interface CustomerRepliedData extends ComplaintEventData {
  readonly message: string;
}

export interface ComplaintClosedData extends ComplaintEventData {
  readonly result: CloseResult;
  readonly remarks: string | null;
}

/** On the original complaint; the new one is registered with `reopenedFrom` = this number. */
export interface ComplaintReopenedData extends ComplaintEventData {
  readonly reopenedAs: string;
  readonly reason: string;
}

export type ComplaintRegistered = DomainEvent<'ComplaintRegistered', ComplaintRegisteredData>;
export type ComplaintAssigned = DomainEvent<'ComplaintAssigned', ComplaintAssignedData>;
export type ContainmentRecorded = DomainEvent<'ContainmentRecorded', ContainmentRecordedData>;
export type RootCauseRecorded = DomainEvent<'RootCauseRecorded', RootCauseRecordedData>;
export type ResponsibilityDecided = DomainEvent<'ResponsibilityDecided', ResponsibilityDecidedData>;
export type CorrectiveActionPlanned = DomainEvent<'CorrectiveActionPlanned', ActionPlannedData>;
export type PreventiveActionPlanned = DomainEvent<'PreventiveActionPlanned', ActionPlannedData>;
export type PreventiveActionWaiverRequested = DomainEvent<
  'PreventiveActionWaiverRequested',
  PreventiveActionWaiverRequestedData
>;
export type PreventiveActionWaiverApproved = DomainEvent<
  'PreventiveActionWaiverApproved',
  PreventiveActionWaiverApprovedData
>;
export type PreventiveActionWaiverRejected = DomainEvent<
  'PreventiveActionWaiverRejected',
  PreventiveActionWaiverRejectedData
>;
export type ActionPlanSubmitted = DomainEvent<'ActionPlanSubmitted', ActionPlanSubmittedData>;
export type ActionCompleted = DomainEvent<'ActionCompleted', ActionCompletedData>;
export type ActionVerified = DomainEvent<'ActionVerified', ActionVerifiedData>;
export type ActionRescheduled = DomainEvent<'ActionRescheduled', ActionRescheduledData>;
export type EightDDecisionApproved = DomainEvent<'EightDDecisionApproved', EightDDecisionApprovedData>;
export type EightDDecisionRejected = DomainEvent<'EightDDecisionRejected', EightDDecisionRejectedData>;
export type CustomerReplied = DomainEvent<'CustomerReplied', CustomerRepliedData>;
export type ComplaintClosed = DomainEvent<'ComplaintClosed', ComplaintClosedData>;
export type ComplaintReopened = DomainEvent<'ComplaintReopened', ComplaintReopenedData>;

export type ComplaintEvent =
  | ComplaintRegistered
  | ComplaintAssigned
  | ContainmentRecorded
  | RootCauseRecorded
  | ResponsibilityDecided
  | CorrectiveActionPlanned
  | PreventiveActionPlanned
  | PreventiveActionWaiverRequested
  | PreventiveActionWaiverApproved
  | PreventiveActionWaiverRejected
  | ActionPlanSubmitted
  | ActionCompleted
  | ActionVerified
  | ActionRescheduled
  | EightDDecisionApproved
  | EightDDecisionRejected
  | CustomerReplied
  | ComplaintClosed
  | ComplaintReopened;

export type ComplaintEventType = ComplaintEvent['type'];

// ---------------------------------------------------------------------------------------------
// Customer notifications (IATF 9.1.2.1 d) — their own stream per notification
// ---------------------------------------------------------------------------------------------

export const NOTIFICATION_KINDS = ['quality', 'delivery', 'special_status'] as const;
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];

export const SPECIAL_STATUSES = [
  'controlled_shipping_cs1',
  'controlled_shipping_cs2',
  'new_business_hold',
  'other',
] as const;
export type SpecialStatus = (typeof SPECIAL_STATUSES)[number];

interface CustomerNotificationEventData {
  readonly notificationId: string;
  readonly customerId: string;
  /** Business time, ISO-8601 UTC. */
  readonly occurredAt: string;
}

/** Counted in the monthly report in the month of `receivedAt`. */
export interface CustomerNotificationReceivedData extends CustomerNotificationEventData {
  readonly kind: NotificationKind;
  /** Set exactly when kind is `special_status`. */
  readonly specialStatus: SpecialStatus | null;
  readonly description: string;
  readonly receivedAt: string;
  /** The complaint the notification is about, when there is one. */
  readonly complaintNumber: string | null;
}

/** A special status was lifted by the customer; only special statuses end. */
export interface CustomerNotificationEndedData extends CustomerNotificationEventData {
  readonly remarks: string | null;
}

export type CustomerNotificationReceived = DomainEvent<'CustomerNotificationReceived', CustomerNotificationReceivedData>;
export type CustomerNotificationEnded = DomainEvent<'CustomerNotificationEnded', CustomerNotificationEndedData>;

export type CustomerNotificationEvent = CustomerNotificationReceived | CustomerNotificationEnded;
export type CustomerNotificationEventType = CustomerNotificationEvent['type'];

/** Everything this context writes. */
export type ComplaintContextEvent = ComplaintEvent | CustomerNotificationEvent;
export type ComplaintContextEventType = ComplaintContextEvent['type'];

/**
 * Current schema version of every event type of this context. Written into the event metadata
 * (`schemaVersion`) on append; older versions are lifted by `upcastComplaintEvent` while reading.
 */
export const COMPLAINT_EVENT_SCHEMA_VERSIONS = {
  ComplaintRegistered: 2,
  ComplaintAssigned: 1,
  ContainmentRecorded: 1,
  RootCauseRecorded: 2,
  ResponsibilityDecided: 1,
  CorrectiveActionPlanned: 1,
  PreventiveActionPlanned: 1,
  PreventiveActionWaiverRequested: 1,
  PreventiveActionWaiverApproved: 1,
  PreventiveActionWaiverRejected: 1,
  ActionPlanSubmitted: 1,
  ActionCompleted: 1,
  ActionVerified: 1,
  ActionRescheduled: 1,
  EightDDecisionApproved: 1,
  EightDDecisionRejected: 1,
  CustomerReplied: 1,
  ComplaintClosed: 1,
  ComplaintReopened: 1,
  CustomerNotificationReceived: 1,
  CustomerNotificationEnded: 1,
} as const satisfies Record<ComplaintContextEventType, number>;

export const COMPLAINT_EVENT_TYPES = Object.keys(COMPLAINT_EVENT_SCHEMA_VERSIONS) as ComplaintContextEventType[];

export function isComplaintContextEventType(type: string): type is ComplaintContextEventType {
  return Object.prototype.hasOwnProperty.call(COMPLAINT_EVENT_SCHEMA_VERSIONS, type);
}

/** Stream of one customer notification. */
export function customerNotificationStreamId(notificationId: string): string {
  return `customer-notification-${notificationId}`;
}

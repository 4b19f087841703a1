/**
 * Commands of the complaint context, one per step of the 8D process, as `{ type, data }`.
 *
 * Every command carries its business time `occurredAt` (ISO-8601 with `Z` or an offset; the API
 * defaults it to the request time). Instants such as `dueAt` may also be given as a local date
 * `YYYY-MM-DD`, meaning the end of that day in the complaint's policy time zone. The actor is
 * not part of the command: it arrives in the DecisionContext from the authenticated principal.
 */
import type {
  AnalysisMethod,
  CauseCategory,
  Channel,
  DocumentRevision,
  NotificationKind,
  Responsibility,
  Severity,
  SpecialStatus,
} from './events';

interface OnComplaint {
  readonly complaintNumber: string;
  readonly occurredAt: string;
}

export interface RegisterComplaintData extends OnComplaint {
  /** Set when registering the complaint opened by a reopening (see registrationForReopen). */
  readonly reopenedFrom?: string | null;
  readonly customerId: string;
  readonly customerContact: string;
  readonly partNo: string;
  readonly lot: string;
  readonly defectDescription: string;
  readonly quantityAffected: number;
  readonly severity: Severity;
  readonly channel: Channel;
  /** When the customer's complaint arrived; ≤ occurredAt ≤ now. */
  readonly receivedAt: string;
  readonly returnNeeded: boolean;
  readonly customerProductionAffected: boolean;
  readonly customerDeadline?: string | null;
}

export interface AssignComplaintData extends OnComplaint {
  readonly department: string;
}

export interface RecordContainmentData extends OnComplaint {
  readonly description: string;
  readonly quantitySecured?: number | null;
}

export interface RecordRootCauseData extends OnComplaint {
  readonly category: CauseCategory;
  readonly method: AnalysisMethod;
  /** The occurrence cause: why the defect was made. */
  readonly description: string;
  readonly departmentExplanation: string;
  /** The escape cause: why it was not detected before shipping. */
  readonly escapeDescription?: string | null;
}

export interface DecideResponsibilityData extends OnComplaint {
  readonly responsibility: Responsibility;
  readonly explanation: string;
  /** The corrected quantity; defaults to the quantity registered. */
  readonly quantityAffected?: number | null;
}

interface PlanActionData extends OnComplaint {
  readonly description: string;
  readonly owner: string;
  readonly dueAt: string;
}

/** IATF 10.2.3: the systemic part is mandatory on a corrective action. */
export interface PlanCorrectiveActionData extends PlanActionData {
  readonly similarProductsCovered: readonly string[];
  readonly similarProcessesCovered: readonly string[];
  /** Required when both lists are empty. */
  readonly noSimilarItemsReason?: string | null;
  readonly pfmea: DocumentRevision;
  readonly controlPlan: DocumentRevision;
}

export interface PlanPreventiveActionData extends PlanActionData {
  readonly similarProductsCovered?: readonly string[];
  readonly similarProcessesCovered?: readonly string[];
  readonly pfmea?: DocumentRevision | null;
  readonly controlPlan?: DocumentRevision | null;
}

export interface RequestPreventiveActionWaiverData extends OnComplaint {
  readonly reason: string;
}

export interface ApprovePreventiveActionWaiverData extends OnComplaint {
  readonly comment?: string | null;
}

export interface RejectPreventiveActionWaiverData extends OnComplaint {
  readonly reason: string;
}

export type SubmitActionPlanData = OnComplaint;

export interface CompleteActionData extends OnComplaint {
  readonly actionId: string;
  readonly evidence: string;
}

export type VerificationResult = 'effective' | 'not_effective' | 'not_completed';

export interface VerifyActionData extends OnComplaint {
  readonly actionId: string;
  readonly result: VerificationResult;
  /** Required unless effective: the new improvement date (§6.3.1 B). */
  readonly newDueAt?: string | null;
  readonly comment?: string | null;
}

export interface ApproveEightDDecisionData extends OnComplaint {
  readonly decision: string;
}

export interface RejectEightDDecisionData extends OnComplaint {
  readonly reason: string;
}

export interface ReplyToCustomerData extends OnComplaint {
  readonly message: string;
}

export interface CloseComplaintData extends OnComplaint {
  readonly remarks?: string | null;
}

/** The new number is computed by the domain: nextReopenNumber(state). */
/**
 * The customer's new facts for the complaint a reopening opens (§6.3.2); each one left out is
 * copied from the original.
 */
export interface ReopenFacts {
  readonly quantityAffected?: number | null;
  readonly lot?: string | null;
  readonly defectDescription?: string | null;
  /** The customer's new deadline for the action reply (instant, or a local date). */
  readonly customerDeadline?: string | null;
}

export interface ReopenComplaintData extends OnComplaint, ReopenFacts {
  readonly reason: string;
}

type Command<Type extends string, Data> = { readonly type: Type; readonly data: Data };

export type RegisterComplaint = Command<'RegisterComplaint', RegisterComplaintData>;
export type AssignComplaint = Command<'AssignComplaint', AssignComplaintData>;
export type RecordContainment = Command<'RecordContainment', RecordContainmentData>;
export type RecordRootCause = Command<'RecordRootCause', RecordRootCauseData>;
export type DecideResponsibility = Command<'DecideResponsibility', DecideResponsibilityData>;
export type PlanCorrectiveAction = Command<'PlanCorrectiveAction', PlanCorrectiveActionData>;
export type PlanPreventiveAction = Command<'PlanPreventiveAction', PlanPreventiveActionData>;
export type RequestPreventiveActionWaiver = Command<'RequestPreventiveActionWaiver', RequestPreventiveActionWaiverData>;
export type ApprovePreventiveActionWaiver = Command<'ApprovePreventiveActionWaiver', ApprovePreventiveActionWaiverData>;
export type RejectPreventiveActionWaiver = Command<'RejectPreventiveActionWaiver', RejectPreventiveActionWaiverData>;
export type SubmitActionPlan = Command<'SubmitActionPlan', SubmitActionPlanData>;
export type CompleteAction = Command<'CompleteAction', CompleteActionData>;
export type VerifyAction = Command<'VerifyAction', VerifyActionData>;
export type ApproveEightDDecision = Command<'ApproveEightDDecision', ApproveEightDDecisionData>;
export type RejectEightDDecision = Command<'RejectEightDDecision', RejectEightDDecisionData>;
export type ReplyToCustomer = Command<'ReplyToCustomer', ReplyToCustomerData>;
export type CloseComplaint = Command<'CloseComplaint', CloseComplaintData>;
export type ReopenComplaint = Command<'ReopenComplaint', ReopenComplaintData>;

export type ComplaintCommand =
  | RegisterComplaint
  | AssignComplaint
  | RecordContainment
  | RecordRootCause
  | DecideResponsibility
  | PlanCorrectiveAction
  | PlanPreventiveAction
  | RequestPreventiveActionWaiver
  | ApprovePreventiveActionWaiver
  | RejectPreventiveActionWaiver
  | SubmitActionPlan
  | CompleteAction
  | VerifyAction
  | ApproveEightDDecision
  | RejectEightDDecision
  | ReplyToCustomer
  | CloseComplaint
  | ReopenComplaint;

export type ComplaintCommandType = ComplaintCommand['type'];

// ---------------------------------------------------------------------------------------------
// Customer notifications
// ---------------------------------------------------------------------------------------------

export interface RecordCustomerNotificationData {
  /** Allocated by the application (stream `customer-notification-<id>`). */
  readonly notificationId: string;
  readonly customerId: string;
  readonly kind: NotificationKind;
  /** Required exactly when kind is `special_status`. */
  readonly specialStatus?: SpecialStatus | null;
  readonly description: string;
  readonly receivedAt: string;
  readonly complaintNumber?: string | null;
  readonly occurredAt: string;
}

export interface EndCustomerNotificationData {
  readonly notificationId: string;
  readonly remarks?: string | null;
  readonly occurredAt: string;
}

export type RecordCustomerNotification = Command<'RecordCustomerNotification', RecordCustomerNotificationData>;
export type EndCustomerNotification = Command<'EndCustomerNotification', EndCustomerNotificationData>;

export type CustomerNotificationCommand = RecordCustomerNotification | EndCustomerNotification;
export type CustomerNotificationCommandType = CustomerNotificationCommand['type'];

export type CommandType = ComplaintCommandType | CustomerNotificationCommandType;


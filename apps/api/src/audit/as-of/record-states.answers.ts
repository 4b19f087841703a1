import {
  ACTION_KINDS,
  ANALYSIS_METHODS,
  CAUSE_CATEGORIES,
  CHANNELS,
  CLOSE_RESULTS,
  type ComplaintState,
  type CustomerNotificationState,
  NOTIFICATION_KINDS,
  RESPONSIBILITIES,
  SEVERITIES,
  SPECIAL_STATUSES,
} from '@qms/complaint-domain';
import type { DeliveryState } from '@qms/delivery-domain';
import { DISPOSITION_SOURCES, RETURN_DISPOSITIONS, RETURN_RESPONSIBILITIES, REWORK_INSTRUCTIONS, type ReturnState } from '@qms/return-domain';
import { SURVEY_DIMENSIONS, type SurveyState } from '@qms/survey-domain';
import { z } from 'zod';
import { calendarDate, describing, instant, partlyKeyed } from '../../http/response-schemas';

// ---------------------------------------------------------------------------------------------
// Each kind of record's state as its decider folds it (the deciders' own initialState/evolve,
// stream-folders.ts): `status: none` before the record's first event.
// ---------------------------------------------------------------------------------------------

const text = () => z.string().nullable();
const pieces = () => z.int().nonnegative();
const none = () => z.strictObject({ status: z.literal('none') });

/** PFMEA / control plan: revised (with the revision), or not (with the reason). */
export const documentRevision = () =>
  z
    .union([z.strictObject({ revised: z.literal(true), revision: z.string() }), z.strictObject({ revised: z.literal(false), reason: z.string() })])
    .nullable();

/** A complaint as its decider folds it (complaint-domain state.ts); `none` before its registration. */
export const complaintState = describing<ComplaintState>()(
  z.union([
    z.strictObject({ status: z.literal('none') }),
    z.strictObject({
      status: z.enum(['registered', 'assigned', 'root_cause_recorded', 'not_ours', 'action_planning', 'plan_submitted', 'decision_approved', 'closed']),
      number: z.string(),
      reopenedFrom: text(),
      customerId: z.string(),
      customerContact: z.string(),
      partNo: z.string(),
      lot: z.string(),
      defectDescription: z.string(),
      quantityAffected: pieces(),
      severity: z.enum(SEVERITIES),
      channel: z.enum(CHANNELS),
      receivedAt: instant(),
      returnNeeded: z.boolean(),
      customerProductionAffected: z.boolean(),
      containmentDueAt: instant(),
      actionReplyDueAt: instant(),
      timeZone: z.string(),
      department: text(),
      assignedAt: instant().nullable(),
      containmentRecordedAt: instant().nullable(),
      rootCause: z.strictObject({ category: z.enum(CAUSE_CATEGORIES), method: z.enum(ANALYSIS_METHODS), recordedAt: instant() }).nullable(),
      responsibility: z.enum(RESPONSIBILITIES).nullable(),
      responsibilityDecidedAt: instant().nullable(),
      actions: z.array(
        z.strictObject({
          actionId: z.string(),
          kind: z.enum(ACTION_KINDS),
          description: z.string(),
          owner: z.string(),
          plannedAt: instant(),
          dueAt: instant(),
          previousDueDates: z.array(instant()),
          status: z.enum(['open', 'completed', 'verified']),
          completedAt: instant().nullable(),
          verifiedAt: instant().nullable(),
          systemic: z.strictObject({
            similarProductsCovered: z.array(z.string()),
            similarProcessesCovered: z.array(z.string()),
            noSimilarItemsReason: text(),
            pfmea: documentRevision(),
            controlPlan: documentRevision(),
          }),
        }),
      ),
      waiver: z.enum(['none', 'requested', 'approved', 'rejected']),
      waiverRequestedAt: instant().nullable(),
      planSubmittedAt: instant().nullable(),
      decisionApprovedAt: instant().nullable(),
      customerRepliedAt: instant().nullable(),
      closedAt: instant().nullable(),
      closeResult: z.enum(CLOSE_RESULTS).nullable(),
      reopenedAs: z.array(z.string()),
      latestOccurredAt: instant(),
    }),
  ]),
);


export const returnState = describing<ReturnState>()(
  z.union([
    none(),
    z.strictObject({
      status: z.literal('received'),
      returnId: z.string(),
      customerId: z.string(),
      receivedAt: instant(),
      receivingNoteNo: z.string(),
      complaintNumber: text(),
      periodicBulk: z.boolean(),
      urgentNeed: z.boolean(),
      items: z.array(z.strictObject({ itemNo: z.int().min(1), materialNo: z.string(), quantity: pieces() })),
      inspection: z
        .strictObject({
          result: z.enum(['defective', 'no_trouble_found']),
          responsibility: z.enum(RETURN_RESPONSIBILITIES).nullable(),
          items: z.array(z.strictObject({ itemNo: z.int().min(1), materialNo: z.string(), receivedQuantity: pieces(), defectiveQuantity: pieces() })),
        })
        .nullable(),
      dispositions: z.array(
        z.strictObject({
          dispositionNo: z.int().min(1),
          itemNo: z.int().min(1),
          materialNo: z.string(),
          quantity: pieces(),
          disposition: z.enum(RETURN_DISPOSITIONS),
          source: z.enum(DISPOSITION_SOURCES),
          reworkInstruction: z.enum(REWORK_INSTRUCTIONS).nullable(),
          reworkOrderNo: text(),
          reworkResult: z.strictObject({ passedQuantity: pieces(), failedQuantity: pieces() }).nullable(),
        }),
      ),
      analysisReports: z.array(z.string()),
      stockChecks: z.array(
        z.strictObject({
          materialNo: z.string(),
          requiredQuantity: pieces(),
          availableQuantity: pieces(),
          confirmedAvailableQuantity: pieces().nullable(),
          shortQuantity: pieces().nullable(),
          emergencyRequested: z.boolean(),
        }),
      ),
      credit: z.strictObject({ creditNoteNo: z.string(), creditedQuantity: pieces() }).nullable(),
    }),
  ]),
);

const surveyedCustomer = { customerId: z.string(), relationshipStart: calendarDate() };

export const surveyState = describing<SurveyState>()(
  z.union([
    none(),
    z.strictObject({
      status: z.enum(['issued', 'closed']),
      periodId: z.string(),
      issuedAt: instant(),
      issueDate: calendarDate(),
      customers: z.array(z.strictObject(surveyedCustomer)),
      excluded: z.array(z.strictObject({ ...surveyedCustomer, reason: z.enum(['regular_contact']) })),
      scale: z.strictObject({ min: z.number(), max: z.number() }),
      dissatisfiedBelow: z.number(),
      responses: z.array(
        z.strictObject({
          customerId: z.string(),
          scores: partlyKeyed(SURVEY_DIMENSIONS, z.number()),
          dissatisfiedDimensions: z.array(z.enum(SURVEY_DIMENSIONS)),
        }),
      ),
      countermeasures: z.array(
        z.strictObject({ countermeasureNo: z.int().min(1), customerId: z.string(), dimension: z.enum(SURVEY_DIMENSIONS), department: z.string(), approved: z.boolean() }),
      ),
    }),
  ]),
);

const deliveryFacts = () =>
  z.strictObject({
    customerId: z.string(),
    partNo: z.string(),
    quantity: z.int().min(1),
    promisedDate: calendarDate(),
    deliveredAt: instant(),
    premiumFreight: z.boolean(),
  });

export const deliveryState = describing<DeliveryState>()(
  z.union([
    none(),
    z.strictObject({ status: z.literal('recorded'), orderNo: z.string(), lineNo: z.string(), original: deliveryFacts(), current: deliveryFacts(), corrections: pieces() }),
  ]),
);

export const customerNotificationState = describing<CustomerNotificationState>()(
  z.union([
    none(),
    z.strictObject({
      status: z.enum(['active', 'ended']),
      notificationId: z.string(),
      customerId: z.string(),
      kind: z.enum(NOTIFICATION_KINDS),
      specialStatus: z.enum(SPECIAL_STATUSES).nullable(),
      receivedAt: instant(),
      endedAt: instant().nullable(),
    }),
  ]),
);

/** The kinds of record an as-of view folds (stream-folders.ts), each with its state. */
export const recordState = [
  { kind: 'complaint', state: complaintState },
  { kind: 'customer-notification', state: customerNotificationState },
  { kind: 'return', state: returnState },
  { kind: 'survey', state: surveyState },
  { kind: 'delivery', state: deliveryState },
] as const;

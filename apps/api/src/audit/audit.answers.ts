import type { EightDReport, StoreVerification } from '@qms/audit';
import { ACTION_KINDS, type ComplaintState } from '@qms/complaint-domain';
import type { ReturnState } from '@qms/return-domain';
import type { SurveyState } from '@qms/survey-domain';
import type { JsonObject } from '@qms/event-store';
import { z } from 'zod';
import { answer, count, describing, instant, logPosition } from '../http/response-schemas';
import type { AsOfView, HistoryPage } from './audit-trail';
import { complaintState, documentRevision, recordState, returnState, surveyState } from './as-of/record-states.answers';
import type { ComplaintExport } from './export/complaint-export';
import type { StreamVerificationView } from './verify/verify.controller';

/** An event's data as it was written: any JSON object (its shape is the event type's, in its schema version). */
const eventData = () => z.record(z.string(), z.unknown()) as unknown as z.ZodType<JsonObject>;
const revision = () => z.int().nonnegative();
const text = () => z.string().nullable();

const actor = () => z.strictObject({ userId: z.string(), role: z.string(), department: z.string().optional() });

const historyEntry = () =>
  z.strictObject({
    revision: revision(),
    position: logPosition(),
    eventId: z.string(),
    type: z.string(),
    occurredAt: z.string().nullable().meta({ description: 'Business time (data.occurredAt) as written; null for records that carry none' }),
    recordedAt: instant().meta({ description: 'When the store committed the event' }),
    actor: actor().nullable(),
    correlationId: text(),
    causationId: text(),
    idempotencyKey: text(),
    commandType: text(),
    schemaVersion: z.number().nullable().meta({ description: 'The schema version the event was written in, as its metadata says' }),
    previousHash: text(),
    hash: text(),
    data: eventData(),
  });

export const HistoryPageAnswer = answer(
  'AuditHistoryPage',
  describing<HistoryPage>()(
    z.strictObject({
      streamId: z.string(),
      page: z.int().min(1),
      pageSize: z.int().min(1),
      total: count().meta({ description: 'Events in the stream when the page was read' }),
      totalPages: count(),
      items: z.array(historyEntry()),
    }),
  ),
  'One page of a stream’s events in revision order, as an auditor reads them',
);

const firstBadEvent = () =>
  z
    .strictObject({
      revision: revision(),
      eventId: z.string(),
      position: logPosition().optional(),
      reason: z.string(),
    })
    .nullable();

export const StreamVerificationAnswer = answer(
  'StreamVerification',
  describing<StreamVerificationView>()(
    z.strictObject({
      streamId: z.string(),
      ok: z.boolean(),
      eventCount: count(),
      lastRevision: z.int().min(-1),
      unchained: z.boolean().meta({ description: 'Kept outside the hash chain by design (idempotency records): only revisions were checked' }),
      firstBadEvent: firstBadEvent().meta({ description: 'The first event whose link does not hold; later events are not trusted either' }),
    }),
  ),
);

export const StoreVerificationAnswer = answer(
  'StoreVerification',
  describing<StoreVerification>()(
    z.strictObject({
      ok: z.boolean(),
      streamsChecked: count(),
      eventsChecked: count(),
      unchainedStreams: count(),
      breaks: z.array(z.strictObject({ streamId: z.string(), revision: revision(), eventId: z.string(), position: logPosition().optional(), reason: z.string() })),
      headPosition: logPosition(),
    }),
  ),
);

const asOfView = {
  streamId: z.string(),
  kind: z.string().meta({ description: 'complaint, customer-notification, return, survey or delivery' }),
  asOf: z.union([z.strictObject({ revision: revision() }), z.strictObject({ at: instant(), basis: z.enum(['recorded', 'business']) })]),
  revision: z.int().min(-1).meta({ description: 'Highest revision included; -1 when the record did not exist yet' }),
  eventCount: count(),
  currentRevision: revision().meta({ description: 'Revision of the stream today, for comparison' }),
  backdatedRevisions: z.array(revision()).meta({ description: 'Business basis: included events entered after the instant' }),
};

/** Any record: the state's shape is its kind's. */
export const AsOfAnswer = answer(
  'AuditAsOf',
  z.union(recordState.map(({ kind, state }) => z.strictObject({ ...asOfView, kind: z.literal(kind), state }))),
  'A record’s state as of a revision or an instant, as its decider folds it',
);

export const ReturnAsOfAnswer = answer(
  'AuditReturnAsOf',
  describing<Omit<AsOfView, 'state'> & { state: ReturnState }>()(z.strictObject({ ...asOfView, state: returnState })),
  'A return’s state as of a revision or an instant',
);

export const SurveyAsOfAnswer = answer(
  'AuditSurveyAsOf',
  describing<Omit<AsOfView, 'state'> & { state: SurveyState }>()(z.strictObject({ ...asOfView, state: surveyState })),
  'A survey period’s state as of a revision or an instant',
);

// ---------------------------------------------------------------------------------------------
// The 8D record laid out D0–D8 (eight-d-report.ts): each step with who did it, when (business
// and recorded time) and at which revision.
// ---------------------------------------------------------------------------------------------

const trace = {
  revision: revision(),
  occurredAt: z.string().nullable(),
  recordedAt: instant(),
  by: actor().nullable(),
};
const kind = () => z.enum(ACTION_KINDS);
const actionRecord = () =>
  z.strictObject({
    ...trace,
    actionId: z.string(),
    kind: kind(),
    description: z.string(),
    owner: z.string(),
    plannedDueAt: instant(),
    currentDueAt: instant(),
    status: z.enum(['open', 'completed', 'verified']),
  });
export const EightDReportAnswer = answer(
  'EightDReport',
  describing<EightDReport>()(
    z.strictObject({
      complaintNumber: text(),
      D0: z.strictObject({
        title: z.string(),
        registration: z.strictObject({ ...trace, receivedAt: instant(), channel: z.string(), severity: z.string() }).nullable(),
        reopenedFrom: text(),
        emergencyResponse: z.strictObject({ customerProductionAffected: z.boolean().nullable(), returnNeeded: z.boolean().nullable(), containmentDueAt: instant().nullable() }),
        deadlines: z.strictObject({
          containmentDueAt: instant().nullable(),
          actionReplyDueAt: instant().nullable(),
          customerDeadline: instant().nullable(),
          deadlinePolicyId: text(),
          timeZone: text(),
        }),
      }),
      D1: z.strictObject({
        title: z.string(),
        responsibleDepartment: text(),
        assignments: z.array(z.strictObject({ ...trace, department: z.string(), previousDepartment: text() })),
        members: z.array(z.strictObject({ userId: z.string(), role: z.string(), department: z.string().optional(), steps: count() })),
      }),
      D2: z.strictObject({
        title: z.string(),
        customerId: text(),
        customerContact: text(),
        partNo: text(),
        lot: text(),
        defectDescription: text(),
        quantityReported: count().nullable(),
        quantityConfirmed: count().nullable(),
        receivedAt: instant().nullable(),
      }),
      D3: z.strictObject({
        title: z.string(),
        containmentDueAt: instant().nullable(),
        containments: z.array(z.strictObject({ ...trace, description: z.string(), quantitySecured: count().nullable(), onTime: z.boolean().nullable() })),
      }),
      D4: z.strictObject({
        title: z.string(),
        analyses: z.array(
          z.strictObject({
            ...trace,
            category: z.string(),
            method: z.string(),
            description: z.string(),
            departmentExplanation: z.string(),
            escapeDescription: text(),
            current: z.boolean(),
          }),
        ),
        responsibility: z.strictObject({ ...trace, responsibility: z.string(), explanation: z.string(), quantityAffected: count() }).nullable(),
      }),
      D5: z.strictObject({
        title: z.string(),
        correctiveActions: z.array(actionRecord()),
        planSubmissions: z.array(
          z.strictObject({
            ...trace,
            correctiveActionIds: z.array(z.string()),
            preventiveActionIds: z.array(z.string()),
            preventiveWaiverRequested: z.boolean(),
            onTime: z.boolean().nullable(),
          }),
        ),
        decisions: z.array(z.strictObject({ ...trace, outcome: z.enum(['approved', 'rejected']), decidedBy: z.string(), text: z.string() })),
      }),
      D6: z.strictObject({
        title: z.string(),
        implementation: z.array(
          z.strictObject({
            ...trace,
            actionId: z.string(),
            kind: kind(),
            step: z.enum(['completed', 'verified_effective', 'rescheduled']),
            detail: z.string(),
            previousDueAt: instant().nullable(),
            newDueAt: instant().nullable(),
          }),
        ),
      }),
      D7: z.strictObject({
        title: z.string(),
        preventiveActions: z.array(actionRecord()),
        waiver: z.array(z.strictObject({ ...trace, step: z.enum(['requested', 'approved', 'rejected']), text: text() })),
        systemic: z.array(
          z.strictObject({
            actionId: z.string(),
            kind: kind(),
            similarProductsCovered: z.array(z.string()),
            similarProcessesCovered: z.array(z.string()),
            noSimilarItemsReason: text(),
            pfmea: documentRevision(),
            controlPlan: documentRevision(),
          }),
        ),
      }),
      D8: z.strictObject({
        title: z.string(),
        customerReplies: z.array(z.strictObject({ ...trace, message: z.string() })),
        closures: z.array(z.strictObject({ ...trace, result: z.string(), remarks: text() })),
        recognition: z.strictObject({ team: z.array(z.string()), remarks: text() }),
        reopenings: z.array(z.strictObject({ ...trace, reopenedAs: z.string(), reason: z.string() })),
      }),
    }),
  ),
  'A complaint’s 8D record, D0–D8, each step traced to its event',
);

export const ComplaintAsOfAnswer = answer(
  'AuditComplaintAsOf',
  describing<Omit<AsOfView, 'state'> & { state: ComplaintState; eightD: EightDReport }>()(
    z.strictObject({ ...asOfView, state: complaintState, eightD: EightDReportAnswer }),
  ),
  'A complaint’s state and 8D record as of a revision or an instant',
);

export const ComplaintExportAnswer = answer(
  'ComplaintExport',
  describing<ComplaintExport>()(
    z.strictObject({
      format: z.literal('qms.complaint-8d-export/1'),
      complaintNumber: z.string(),
      streamId: z.string(),
      exportedAt: instant(),
      exportedBy: z.strictObject({ userId: z.string(), role: z.string() }),
      revision: z.int().min(-1),
      position: logPosition(),
      status: z.string(),
      links: z.strictObject({ reopenedFrom: text(), reopenedAs: z.array(z.string()) }),
      integrity: z.strictObject({
        ok: z.boolean(),
        firstBadEvent: z.strictObject({ revision: revision(), eventId: z.string(), reason: z.string() }).nullable(),
      }),
      eightD: EightDReportAnswer,
      history: z.array(historyEntry()),
    }),
  ),
  'One complaint’s whole 8D record with its full history and hash-chain check (format=json)',
);

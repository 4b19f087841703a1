import { ACTION_KINDS, ANALYSIS_METHODS, CAUSE_CATEGORIES, CHANNELS, CLOSE_RESULTS, RESCHEDULE_REASONS, RESPONSIBILITIES, SEVERITIES } from '@qms/complaint-domain';
import type { ActionView, DeadlineView, MasterListRow, TrackingListRow } from '@qms/reporting';
import { z } from 'zod';
import { answer, count, describing, instant, logPosition } from '../../http/response-schemas';
import { ReadModelStandingAnswer } from '../read-side.answers';
import type { ComplaintListsController } from './complaint-lists.controller';

type Served<M extends 'masterList' | 'trackingList' | 'row'> = Awaited<ReturnType<ComplaintListsController[M]>>;

const complaintNumber = () => z.string().meta({ example: 'CC-2026-0001' });
const status = () => z.enum(['open', 'closed']);
const nullableText = () => z.string().nullable();

const deadline = {
  dueAt: instant(),
  doneAt: instant().nullable(),
  state: z.enum(['met', 'not_met', 'pending']).meta({ description: 'met or not_met once done; before that pending until the deadline passes, then not_met' }),
};
const deadlineView = () => describing<DeadlineView>()(z.strictObject(deadline));

export const MasterListRowAnswer = answer(
  'ComplaintMasterListRow',
  describing<MasterListRow>()(
    z.strictObject({
      number: complaintNumber(),
      receivedAt: instant(),
      customerId: z.string(),
      customerContact: nullableText().meta({ description: 'Null on a complaint projected before the list showed contacts' }),
      channel: z.enum(CHANNELS),
      partNo: z.string(),
      lot: z.string(),
      description: z.string(),
      quantity: count(),
      severity: z.enum(SEVERITIES),
      status: status(),
      department: nullableText(),
      containmentAt: instant().nullable(),
      actionReplyAt: instant().nullable(),
      customerRepliedAt: z.array(instant()),
      result: z.enum(CLOSE_RESULTS).nullable(),
      closedAt: instant().nullable(),
      reopenedFrom: nullableText(),
      reopenedAs: z.array(complaintNumber()),
      daysOpen: z.number().nonnegative().meta({ description: 'Full precision; rounding is for display' }),
      overdueNow: z.boolean(),
    }),
  ),
  'One row of the complaint master list (客户抱怨处理总表)',
);

const actionRound = z.strictObject({
  setAt: instant(),
  dueAt: instant(),
  reason: z.enum(['planned', ...RESCHEDULE_REASONS]),
  completedAt: instant().nullable(),
});

const actionView = describing<ActionView>()(
  z.strictObject({
    actionId: z.string(),
    kind: z.enum(ACTION_KINDS),
    description: z.string(),
    owner: z.string(),
    originalDueAt: instant(),
    dueAt: instant(),
    reschedules: z.array(actionRound).meta({ description: 'Every reschedule, oldest first' }),
    completedAt: instant().nullable(),
    verification: z.enum(['effective', ...RESCHEDULE_REASONS]).nullable(),
    verifiedAt: instant().nullable(),
    deadline: deadlineView(),
  }),
);

export const TrackingListRowAnswer = answer(
  'ComplaintTrackingListRow',
  describing<TrackingListRow>()(
    z.strictObject({
      number: complaintNumber(),
      receivedAt: instant(),
      customerId: z.string(),
      partNo: z.string(),
      severity: z.enum(SEVERITIES),
      status: status(),
      department: nullableText(),
      causeCategory: z.enum(CAUSE_CATEGORIES).nullable(),
      rootCause: z
        .strictObject({
          category: z.enum(CAUSE_CATEGORIES),
          method: z.enum(ANALYSIS_METHODS),
          description: z.string(),
        })
        .nullable(),
      responsibility: z
        .strictObject({
          decision: z.enum(RESPONSIBILITIES),
          quantityAffected: count(),
          decidedAt: instant(),
        })
        .nullable(),
      containment: z.strictObject({ ...deadline, description: nullableText() }),
      actionReply: deadlineView(),
      correctiveActions: z.array(actionView),
      preventiveActions: z.array(actionView),
      waiver: z
        .strictObject({
          status: z.enum(['requested', 'approved', 'rejected']),
          reason: z.string(),
          requestedAt: instant(),
          decidedAt: instant().nullable(),
          decidedBy: nullableText(),
        })
        .nullable(),
      eightDDecision: z
        .strictObject({
          status: z.enum(['approved', 'rejected']),
          decidedAt: instant(),
          decidedBy: z.string(),
          rejections: count(),
        })
        .nullable(),
      daysOpen: z.number().nonnegative(),
      overdueNow: z.boolean(),
      overdueSteps: z.array(z.string()).meta({ description: 'Steps past their deadline and not done as of asOf' }),
    }),
  ),
  'One row of the complaint tracking list (追踪一览表)',
);

/** What every list answer says of the read model it was read from. */
const readFrom = {
  position: logPosition().meta({ description: 'The read model includes every event up to this position of the log' }),
  asOf: instant().meta({ description: 'The instant deadlines, overdue steps and days open are judged at' }),
  readModel: ReadModelStandingAnswer,
};

const page = <Row extends z.ZodType>(row: Row) =>
  z.strictObject({
    ...readFrom,
    items: z.array(row),
    nextCursor: z.string().nullable().meta({ description: 'Pass as cursor= for the next page; null on the last page' }),
  });

export const MasterListPageAnswer = answer('ComplaintMasterListPage', describing<Served<'masterList'>>()(page(MasterListRowAnswer)));
export const TrackingListPageAnswer = answer('ComplaintTrackingListPage', describing<Served<'trackingList'>>()(page(TrackingListRowAnswer)));

export const ComplaintRowsAnswer = answer(
  'ComplaintRows',
  describing<Served<'row'>>()(z.strictObject({ ...readFrom, master: MasterListRowAnswer, tracking: TrackingListRowAnswer })),
  "One complaint's master-list and tracking-list rows",
);

/**
 * Long, random but VALID histories for the replay specs: a sequence of command attempts is played
 * against the real deciders of every context, and only what a decider accepts becomes events.
 * Business time moves forward from attempt to attempt (some facts are back-dated within what the
 * deciders allow: a complaint received hours before it is logged, a delivery corrected to an
 * earlier day), so the history crosses many month boundaries.
 */
import {
  CAUSE_CATEGORIES,
  COMPLAINT_COMMAND_ROLES,
  complaintStreamId,
  complaintYear,
  createComplaintDecider,
  createCustomerNotificationDecider,
  customerNotificationStreamId,
  formatComplaintNumber,
  isRegistered,
  NOTIFICATION_KINDS,
  registrationForReopen,
  SPECIAL_STATUSES,
  type Complaint,
  type ComplaintCommand,
  type ComplaintState,
  type CustomerNotificationCommand,
  type CustomerNotificationState,
} from '@qms/complaint-domain';
import { createDeliveryDecider, deliveryStreamId, type DeliveryCommand, type DeliveryState } from '@qms/delivery-domain';
import type { Actor, DomainEvent, Role } from '@qms/domain-kernel';
import { defaultEventCatalogue } from '@qms/event-catalogue';
import type { JsonObject, RecordedEvent } from '@qms/event-store';
import {
  createReturnDecider,
  RETURN_COMMAND_ROLES,
  returnStreamId,
  undispositionedQuantity,
  type ReturnCommand,
  type ReturnState,
} from '@qms/return-domain';
import {
  createSurveyDecider,
  SURVEY_COMMAND_ROLES,
  SURVEY_DIMENSIONS,
  surveyStreamId,
  type SurveyCommand,
  type SurveyState,
} from '@qms/survey-domain';
import fc from 'fast-check';

/** One command attempt, as small numbers the interpreter turns into a command for the world as it stands. */
export interface Attempt {
  /** Which kind of command (see KINDS). */
  readonly kind: number;
  /** Which existing record it aims at. */
  readonly pick: number;
  /** Business minutes elapsed since the previous attempt. */
  readonly minutes: number;
  /** Free choices: enum members, a result, a sign. */
  readonly variant: number;
  readonly amount: number;
}

export const attemptArbitrary: fc.Arbitrary<Attempt> = fc.record({
  kind: fc.nat({ max: 999 }),
  pick: fc.nat({ max: 999 }),
  // Mostly hours, sometimes days: a few hundred attempts span a year or more.
  minutes: fc.oneof({ weight: 3, arbitrary: fc.integer({ min: 0, max: 600 }) }, { weight: 1, arbitrary: fc.integer({ min: 600, max: 4 * 1440 }) }),
  variant: fc.nat({ max: 999 }),
  amount: fc.integer({ min: 1, max: 5000 }),
});

export interface HistoryEvent {
  readonly streamId: string;
  readonly type: string;
  readonly data: JsonObject;
  /** What the application writes: the schema version (so the catalogue decodes it as current) and the actor. */
  readonly metadata: JsonObject;
}

export interface History {
  readonly events: readonly HistoryEvent[];
  readonly accepted: number;
  readonly rejected: number;
  readonly eventTypes: Readonly<Record<string, number>>;
}

/** A deterministic stream of attempts from a seed, for histories too long to draw with fast-check. */
export function seededAttempts(seed: number, length: number): Attempt[] {
  let state = seed >>> 0 || 1;
  const next = (max: number): number => {
    // xorshift32: reproducible across runs and machines.
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) % (max + 1);
  };
  return Array.from({ length }, () => ({
    kind: next(999),
    pick: next(999),
    minutes: next(3) === 0 ? 600 + next(3 * 1440) : next(600),
    variant: next(999),
    amount: 1 + next(4999),
  }));
}

const CUSTOMERS = ['ACME', 'BOSCH-CN', 'CATL'] as const;
const PARTS = ['P-100', 'P-200', 'P-300'] as const;
const DEPARTMENTS = ['assembly', 'molding'] as const;
const START = Date.UTC(2025, 0, 6, 1, 0, 0);
const HOUR = 3_600_000;

const at = <T>(items: readonly T[], index: number): T => items[index % items.length] as T;

interface Stream<S> {
  readonly id: string;
  state: S;
}

type Kind = (world: World, attempt: Attempt) => void;

/** Weighted: the complaint lifecycle most, since the reports are mostly about complaints. */
const KINDS: readonly [number, Kind][] = [
  [6, (w, a) => w.registerComplaint(a)],
  [30, (w, a) => w.advanceComplaint(a)],
  [3, (w, a) => w.stirComplaint(a)],
  [2, (w, a) => w.reopenComplaint(a)],
  [2, (w, a) => w.notification(a)],
  [8, (w, a) => w.delivery(a)],
  [3, (w, a) => w.returnStep(a)],
  [2, (w, a) => w.survey(a)],
];
const TOTAL_WEIGHT = KINDS.reduce((sum, [weight]) => sum + weight, 0);

function kindOf(value: number): Kind {
  let rest = value % TOTAL_WEIGHT;
  for (const [weight, kind] of KINDS) {
    if (rest < weight) return kind;
    rest -= weight;
  }
  return (KINDS[0] as [number, Kind])[1];
}

/** Plays the attempts against the deciders; returns the accepted events in order. */
export function historyFrom(attempts: readonly Attempt[]): History {
  const world = new World();
  for (const attempt of attempts) {
    world.now += attempt.minutes * 60_000;
    kindOf(attempt.kind)(world, attempt);
  }
  return { events: world.events, accepted: world.accepted, rejected: world.rejected, eventTypes: world.eventTypes };
}

class World {
  now = START;
  readonly events: HistoryEvent[] = [];
  accepted = 0;
  rejected = 0;
  readonly eventTypes: Record<string, number> = {};
  private readonly catalogue = defaultEventCatalogue();
  private readonly complaintDecider = createComplaintDecider();
  private readonly notificationDecider = createCustomerNotificationDecider();
  private readonly deliveryDecider = createDeliveryDecider();
  private readonly returnDecider = createReturnDecider();
  private readonly surveyDecider = createSurveyDecider();
  private readonly complaints: Stream<ComplaintState>[] = [];
  private readonly sequences = new Map<number, number>();
  private readonly notifications: Stream<CustomerNotificationState>[] = [];
  private readonly deliveries: (Stream<DeliveryState> & { orderNo: string; lineNo: string })[] = [];
  private readonly returns: Stream<ReturnState>[] = [];
  private readonly surveys = new Map<string, Stream<SurveyState>>();

  private iso(offsetMs = 0): string {
    return new Date(this.now + offsetMs).toISOString();
  }

  /** Decides; on acceptance evolves the stream and records the events. */
  private attempt<C, E extends DomainEvent, S>(
    decider: { decide(command: C, state: S, context: { now: Date; actor: Actor }): E[]; evolve(state: S, event: E): S },
    stream: Stream<S>,
    command: C,
    actor: Actor,
  ): E[] {
    let events: E[];
    try {
      events = decider.decide(command, stream.state, { now: new Date(this.now), actor });
    } catch {
      this.rejected++;
      return [];
    }
    this.accepted++;
    for (const event of events) {
      stream.state = decider.evolve(stream.state, event);
      this.eventTypes[event.type] = (this.eventTypes[event.type] ?? 0) + 1;
      this.events.push({
        streamId: stream.id,
        type: event.type,
        data: event.data as JsonObject,
        metadata: {
          schemaVersion: this.catalogue.schemaVersion(event.type),
          actor: { userId: actor.userId, role: actor.role, ...(actor.department === undefined ? {} : { department: actor.department }) },
        },
      });
    }
    return events;
  }

  private actor(roles: readonly Role[], department: string | null, variant: number): Actor {
    const role = at(roles, variant);
    return role === 'department'
      ? { userId: `u-${department ?? 'none'}`, role, department: department ?? 'assembly' }
      : { userId: `u-${role}`, role };
  }

  // ---- complaints --------------------------------------------------------------------------

  registerComplaint(a: Attempt): void {
    // Received up to two days before it is logged: often in the previous month near a month end.
    const receivedAt = this.iso(-((a.variant % 49) * HOUR));
    const year = complaintYear(receivedAt, 'Asia/Shanghai');
    const sequence = (this.sequences.get(year) ?? 0) + 1;
    const number = formatComplaintNumber(year, sequence);
    const stream: Stream<ComplaintState> = { id: complaintStreamId(number), state: this.complaintDecider.initialState() };
    const command: ComplaintCommand = {
      type: 'RegisterComplaint',
      data: {
        complaintNumber: number,
        customerId: at(CUSTOMERS, a.pick),
        customerContact: 'Ms. Li',
        partNo: at(PARTS, a.pick >> 2),
        lot: `L-${a.amount % 17}`,
        defectDescription: 'burr on the flange',
        quantityAffected: 1 + (a.amount % 300),
        severity: a.variant % 5 === 0 ? 'urgent' : 'normal',
        channel: at(['phone', 'email', 'visit', 'portal'] as const, a.variant >> 3),
        receivedAt,
        returnNeeded: a.variant % 2 === 0,
        customerProductionAffected: a.variant % 7 === 0,
        customerDeadline: a.variant % 11 === 0 ? this.iso(3 * 24 * HOUR) : null,
        occurredAt: this.iso(),
      },
    };
    if (this.attempt(this.complaintDecider, stream, command, { userId: 'u-sales', role: 'sales' }).length > 0) {
      this.sequences.set(year, sequence);
      this.complaints.push(stream);
    }
  }

  private pickComplaint(a: Attempt, open: boolean): (Stream<ComplaintState> & { state: Complaint }) | undefined {
    const candidates = this.complaints.filter(
      (stream) => isRegistered(stream.state) && (stream.state.status === 'closed') !== open,
    ) as (Stream<ComplaintState> & { state: Complaint })[];
    return candidates.length === 0 ? undefined : at(candidates, a.pick);
  }

  private complaintCommand(stream: Stream<ComplaintState> & { state: Complaint }, command: ComplaintCommand, variant: number): void {
    const roles = COMPLAINT_COMMAND_ROLES[command.type];
    this.attempt(this.complaintDecider, stream, command, this.actor(roles, stream.state.department, variant));
  }

  /** The next step of an open complaint's 8D, with the choices an attempt makes. */
  advanceComplaint(a: Attempt): void {
    const stream = this.pickComplaint(a, true);
    if (stream === undefined) return this.registerComplaint(a);
    const c = stream.state;
    const base = { complaintNumber: c.number, occurredAt: this.iso() };
    const due = (days: number) => this.iso(days * 24 * HOUR);
    const v = a.variant;
    let command: ComplaintCommand;
    if (c.department === null) {
      command = { type: 'AssignComplaint', data: { ...base, department: at(DEPARTMENTS, v) } };
    } else if (c.containmentRecordedAt === null && v % 3 !== 0) {
      command = { type: 'RecordContainment', data: { ...base, description: 'sorted at the warehouse', quantitySecured: a.amount } };
    } else {
      switch (c.status) {
        case 'registered':
        case 'assigned':
          command = {
            type: 'RecordRootCause',
            data: { ...base, category: at(CAUSE_CATEGORIES, v), method: v % 2 === 0 ? 'five_why' : 'ishikawa', description: 'worn tool', departmentExplanation: 'tool life not watched', escapeDescription: null },
          };
          break;
        case 'root_cause_recorded':
          command = {
            type: 'DecideResponsibility',
            data: { ...base, responsibility: v % 4 === 0 ? 'not_ours' : 'ours', explanation: 'checked', quantityAffected: v % 3 === 0 ? a.amount % 200 : null },
          };
          break;
        case 'action_planning': {
          const corrective = c.actions.filter((action) => action.kind === 'corrective').length;
          const preventive = c.actions.filter((action) => action.kind === 'preventive').length;
          if (corrective === 0 || (v % 5 === 0 && corrective < 3)) {
            command = {
              type: 'PlanCorrectiveAction',
              data: {
                ...base,
                description: 'tool life counter',
                owner: 'Wang',
                dueAt: due(1 + (v % 20)),
                similarProductsCovered: v % 2 === 0 ? ['P-101'] : [],
                similarProcessesCovered: [],
                noSimilarItemsReason: v % 2 === 0 ? null : 'single product line',
                pfmea: { revised: true, revision: 'rev C' },
                controlPlan: { revised: false, reason: 'already covered' },
              },
            };
          } else if (preventive === 0 && c.waiver !== 'requested' && c.waiver !== 'approved' && v % 4 === 1) {
            command = { type: 'RequestPreventiveActionWaiver', data: { ...base, reason: 'nothing similar' } };
          } else if (c.waiver === 'requested') {
            command =
              v % 3 === 0
                ? { type: 'RejectPreventiveActionWaiver', data: { ...base, reason: 'look again' } }
                : { type: 'ApprovePreventiveActionWaiver', data: { ...base, comment: null } };
          } else if (preventive === 0 && c.waiver !== 'approved') {
            command = { type: 'PlanPreventiveAction', data: { ...base, description: 'all stations', owner: 'Zhao', dueAt: due(2 + (v % 30)) } };
          } else {
            command = { type: 'SubmitActionPlan', data: base };
          }
          break;
        }
        case 'plan_submitted':
          command =
            c.waiver === 'requested'
              ? { type: 'ApprovePreventiveActionWaiver', data: { ...base, comment: null } }
              : v % 6 === 0
                ? { type: 'RejectEightDDecision', data: { ...base, reason: 'plan too thin' } }
                : { type: 'ApproveEightDDecision', data: { ...base, decision: 'carry out the plan' } };
          break;
        case 'decision_approved': {
          const action = c.actions.find((candidate) => candidate.status !== 'verified');
          if (action === undefined) {
            command =
              c.customerRepliedAt === null
                ? { type: 'ReplyToCustomer', data: { ...base, message: '8D sent' } }
                : { type: 'CloseComplaint', data: { ...base, remarks: null } };
          } else if (action.status === 'open' && v % 5 !== 0) {
            command = { type: 'CompleteAction', data: { ...base, actionId: action.actionId, evidence: 'photo' } };
          } else {
            const result = action.status === 'open' ? 'not_completed' : v % 4 === 0 ? 'not_effective' : 'effective';
            command = {
              type: 'VerifyAction',
              data: { ...base, actionId: action.actionId, result, newDueAt: result === 'effective' ? null : due(1 + (v % 10)), comment: null },
            };
          }
          break;
        }
        case 'not_ours':
          command =
            c.customerRepliedAt === null
              ? { type: 'ReplyToCustomer', data: { ...base, message: 'not ours, explained' } }
              : { type: 'CloseComplaint', data: { ...base, remarks: 'not ours' } };
          break;
        case 'closed':
          return;
      }
    }
    this.complaintCommand(stream, command, v);
  }

  /** Steps out of the usual order: reassignment, a second root cause, an early close (mostly refused). */
  stirComplaint(a: Attempt): void {
    const stream = this.pickComplaint(a, true);
    if (stream === undefined) return;
    const base = { complaintNumber: stream.state.number, occurredAt: this.iso() };
    const commands: ComplaintCommand[] = [
      { type: 'AssignComplaint', data: { ...base, department: at(DEPARTMENTS, a.variant + 1) } },
      {
        type: 'RecordRootCause',
        data: { ...base, category: at(CAUSE_CATEGORIES, a.variant >> 1), method: 'five_why', description: 'second look', departmentExplanation: 'revised', escapeDescription: null },
      },
      { type: 'CloseComplaint', data: { ...base, remarks: null } },
      { type: 'RecordContainment', data: { ...base, description: 'late containment', quantitySecured: null } },
    ];
    this.complaintCommand(stream, at(commands, a.variant), a.variant);
  }

  reopenComplaint(a: Attempt): void {
    const stream = this.pickComplaint(a, false);
    if (stream === undefined) return this.advanceComplaint(a);
    const occurredAt = this.iso();
    const reopened = this.attempt(
      this.complaintDecider,
      stream,
      { type: 'ReopenComplaint', data: { complaintNumber: stream.state.number, occurredAt, reason: 'customer not satisfied' } },
      { userId: 'u-sales', role: 'sales' },
    );
    const event = reopened[0];
    if (event === undefined || event.type !== 'ComplaintReopened') return;
    const number = event.data.reopenedAs;
    const next: Stream<ComplaintState> = { id: complaintStreamId(number), state: this.complaintDecider.initialState() };
    const registration = registrationForReopen(stream.state, number, occurredAt);
    if (this.attempt(this.complaintDecider, next, registration, { userId: 'u-sales', role: 'sales' }).length > 0) {
      this.complaints.push(next);
    }
  }

  // ---- customer notifications ---------------------------------------------------------------

  notification(a: Attempt): void {
    const active = this.notifications.filter((stream) => stream.state.status === 'active');
    const sales: Actor = { userId: 'u-sales', role: 'sales' };
    if (active.length > 0 && a.variant % 3 === 0) {
      const stream = at(active, a.pick);
      if (stream.state.status === 'none') return;
      const command: CustomerNotificationCommand = {
        type: 'EndCustomerNotification',
        data: { notificationId: stream.state.notificationId, remarks: null, occurredAt: this.iso() },
      };
      this.attempt(this.notificationDecider, stream, command, sales);
      return;
    }
    const notificationId = `N-${this.notifications.length + 1}`;
    const kind = at(NOTIFICATION_KINDS, a.variant);
    const stream: Stream<CustomerNotificationState> = { id: customerNotificationStreamId(notificationId), state: this.notificationDecider.initialState() };
    const command: CustomerNotificationCommand = {
      type: 'RecordCustomerNotification',
      data: {
        notificationId,
        customerId: at(CUSTOMERS, a.pick),
        kind,
        specialStatus: kind === 'special_status' ? at(SPECIAL_STATUSES, a.variant >> 2) : null,
        description: 'controlled shipping announced',
        receivedAt: this.iso(-((a.variant % 30) * HOUR)),
        complaintNumber: null,
        occurredAt: this.iso(),
      },
    };
    if (this.attempt(this.notificationDecider, stream, command, sales).length > 0) this.notifications.push(stream);
  }

  // ---- deliveries ---------------------------------------------------------------------------

  delivery(a: Attempt): void {
    const actor: Actor = { userId: 'u-planning', role: a.variant % 2 === 0 ? 'sales' : 'planning' };
    const localDate = (offsetDays: number) => new Date(this.now + 8 * HOUR + offsetDays * 24 * HOUR).toISOString().slice(0, 10);
    if (this.deliveries.length > 0 && a.variant % 5 === 0) {
      const stream = at(this.deliveries, a.pick);
      const changes =
        a.variant % 3 === 0
          ? { deliveredAt: this.iso(-((a.amount % 240) * HOUR)) }
          : a.variant % 3 === 1
            ? { quantity: a.amount }
            : { promisedDate: localDate(-(a.amount % 5)), premiumFreight: a.amount % 2 === 0 };
      const command: DeliveryCommand = { type: 'CorrectDelivery', orderNo: stream.orderNo, lineNo: stream.lineNo, changes, reason: 'ERP correction', occurredAt: this.iso() };
      this.attempt(this.deliveryDecider, stream, command, actor);
      return;
    }
    const orderNo = `SO-${this.deliveries.length + 1}`;
    const lineNo = String(1 + (a.pick % 3));
    const stream = { id: deliveryStreamId(orderNo, lineNo), state: this.deliveryDecider.initialState(), orderNo, lineNo };
    const command: DeliveryCommand = {
      type: 'RecordDelivery',
      customerId: at(CUSTOMERS, a.pick),
      orderNo,
      lineNo,
      partNo: at(PARTS, a.variant),
      quantity: a.amount * 10,
      promisedDate: localDate((a.variant % 7) - 3),
      deliveredAt: this.iso(-((a.variant % 12) * HOUR)),
      premiumFreight: a.variant % 13 === 0,
    };
    if (this.attempt(this.deliveryDecider, stream, command, actor).length > 0) this.deliveries.push(stream);
  }

  // ---- returns ------------------------------------------------------------------------------

  returnStep(a: Attempt): void {
    const received = this.returns.filter((stream) => stream.state.status === 'received');
    const stream = received.length === 0 || a.variant % 4 === 0 ? undefined : at(received, a.pick);
    const occurredAt = this.iso();
    if (stream === undefined || stream.state.status !== 'received') {
      const returnId = `R-${this.returns.length + 1}`;
      const fresh: Stream<ReturnState> = { id: returnStreamId(returnId), state: this.returnDecider.initialState() };
      const complaint = this.pickComplaint(a, true);
      const items = Array.from({ length: 1 + (a.variant % 2) }, (_, index) => ({ itemNo: index + 1, materialNo: at(PARTS, a.pick + index), quantity: 1 + ((a.amount >> index) % 400) }));
      const command: ReturnCommand = {
        type: 'ReceiveReturn',
        returnId,
        occurredAt,
        receivingNoteNo: `RN-${returnId}`,
        customerId: complaint?.state.customerId ?? at(CUSTOMERS, a.pick),
        items,
        complaintNumber: a.variant % 3 === 0 ? null : (complaint?.state.number ?? null),
        periodicBulk: a.variant % 10 === 0,
        urgentNeed: a.variant % 6 === 0,
      };
      if (this.attempt(this.returnDecider, fresh, command, this.actor(RETURN_COMMAND_ROLES.ReceiveReturn, null, 0)).length > 0) this.returns.push(fresh);
      return;
    }
    const r = stream.state;
    const v = a.variant;
    let command: ReturnCommand;
    if (r.inspection === null) {
      const defective = v % 4 !== 0;
      command = {
        type: 'InspectReturn',
        returnId: r.returnId,
        occurredAt,
        items: r.items.map((item) => ({ itemNo: item.itemNo, defectiveQuantity: defective ? Math.min(item.quantity, 1 + (a.amount % item.quantity)) : 0 })),
        responsibility: defective ? at(['ours', 'customer', 'supplier', 'undetermined'] as const, v >> 2) : null,
        findings: defective ? 'burr confirmed' : 'no trouble found',
      };
    } else {
      const item = at(r.items, a.pick);
      const open = undispositionedQuantity(r, item.itemNo, 'received');
      const reworkToIssue = r.dispositions.find((d) => d.disposition === 'rework' && d.reworkOrderNo === null);
      const reworkToFinish = r.dispositions.find((d) => d.reworkOrderNo !== null && d.reworkResult === null);
      const check = r.stockChecks[0];
      const choice = v % 8;
      if (open > 0 && choice < 3) {
        const disposition = at(['rework', 'scrap', 'use_as_is', 'sort', 'return_to_customer'] as const, v >> 3);
        command = {
          type: 'DispositionReturnItem',
          returnId: r.returnId,
          occurredAt,
          itemNo: item.itemNo,
          quantity: Math.max(1, Math.min(open, a.amount % (open + 1))),
          disposition,
          reworkInstruction: disposition === 'rework' ? 'rework' : null,
          concessionReference: disposition === 'use_as_is' ? 'CON-1' : null,
          nonconformingReportNo: disposition === 'scrap' ? 'NCR-1' : null,
        };
      } else if (reworkToIssue !== undefined && choice < 5) {
        command = { type: 'IssueReworkOrder', returnId: r.returnId, occurredAt, dispositionNo: reworkToIssue.dispositionNo, reworkOrderNo: `RW-${reworkToIssue.dispositionNo}` };
      } else if (reworkToFinish !== undefined && choice < 6) {
        const failed = a.amount % (reworkToFinish.quantity + 1);
        command = { type: 'CompleteRework', returnId: r.returnId, occurredAt, dispositionNo: reworkToFinish.dispositionNo, passedQuantity: reworkToFinish.quantity - failed, failedQuantity: failed };
      } else if (check === undefined && choice === 6) {
        command = { type: 'CheckStock', returnId: r.returnId, occurredAt, materialNo: item.materialNo, requiredQuantity: item.quantity, availableQuantity: a.amount % item.quantity };
      } else if (check !== undefined && check.confirmedAvailableQuantity === null && choice === 6) {
        command = { type: 'ConfirmStock', returnId: r.returnId, occurredAt, materialNo: check.materialNo, confirmedAvailableQuantity: check.availableQuantity };
      } else if (check !== undefined && !check.emergencyRequested && choice === 6) {
        command = { type: 'RequestEmergencyProduction', returnId: r.returnId, occurredAt, materialNo: check.materialNo, neededBy: null };
      } else if (v % 2 === 0) {
        command = { type: 'ArchiveFailureAnalysis', returnId: r.returnId, occurredAt, reportReference: `FA-${r.analysisReports.length + 1}`, conclusion: 'burr from worn tool' };
      } else {
        command = { type: 'CreditReturn', returnId: r.returnId, occurredAt, creditNoteNo: `CN-${r.returnId}`, creditedQuantity: 1 + (a.amount % item.quantity) };
      }
    }
    this.attempt(this.returnDecider, stream, command, this.actor(RETURN_COMMAND_ROLES[command.type], null, 0));
  }

  // ---- satisfaction surveys -----------------------------------------------------------------

  survey(a: Attempt): void {
    const year = new Date(this.now).getUTCFullYear();
    const periodId = `${year}-${new Date(this.now).getUTCMonth() < 6 ? 'H1' : 'H2'}`;
    const stream = this.surveys.get(periodId) ?? { id: surveyStreamId(periodId), state: this.surveyDecider.initialState() };
    const s = stream.state;
    const occurredAt = this.iso();
    const v = a.variant;
    let command: SurveyCommand;
    if (s.status === 'none') {
      command = { type: 'IssueSurvey', periodId, occurredAt, customers: CUSTOMERS.map((customerId, index) => ({ customerId, relationshipStart: `${2015 + index * 5}-03-01` })) };
    } else {
      const customer = at(s.customers, a.pick);
      const scores = Object.fromEntries(SURVEY_DIMENSIONS.map((dimension, index) => [dimension, 1 + ((v >> index) % 5)]));
      const responded = s.responses.some((response) => response.customerId === customer?.customerId);
      const uncovered = s.responses.flatMap((response) =>
        response.dissatisfiedDimensions
          .filter((dimension) => !s.countermeasures.some((cm) => cm.customerId === response.customerId && cm.dimension === dimension))
          .map((dimension) => ({ customerId: response.customerId, dimension })),
      );
      const unapproved = s.countermeasures.find((cm) => !cm.approved);
      if (customer !== undefined && !responded) {
        command = { type: 'RecordSurveyResponse', periodId, occurredAt, customerId: customer.customerId, scores, respondent: { name: 'Li Wei' } };
      } else if (customer !== undefined && v % 7 === 0) {
        command = { type: 'CorrectSurveyResponse', periodId, occurredAt, customerId: customer.customerId, scores, respondent: { name: 'Li Wei' }, reason: 'typo' };
      } else if (uncovered[0] !== undefined) {
        command = { type: 'AssignCountermeasure', periodId, occurredAt, ...uncovered[0], department: 'quality', description: 'faster replies', dueDate: new Date(this.now + 30 * 24 * HOUR).toISOString().slice(0, 10) };
      } else if (unapproved !== undefined) {
        command = { type: 'ApproveCountermeasure', periodId, occurredAt, countermeasureNo: unapproved.countermeasureNo };
      } else {
        command = { type: 'CloseSurveyPeriod', periodId, occurredAt };
      }
    }
    const roles = SURVEY_COMMAND_ROLES[command.type].filter((role) => role !== 'department');
    if (this.attempt(this.surveyDecider, stream, command, this.actor(roles, null, 0)).length > 0) this.surveys.set(periodId, stream);
  }
}

/** A seeded valid history as the event store would hand it back: positions from 1, one commit time. */
export function recordedHistory(seed: number, attempts: number): RecordedEvent[] {
  return historyFrom(seededAttempts(seed, attempts)).events.map((event, index) => ({
    ...event,
    id: String(index + 1),
    position: index + 1,
    revision: 0,
    recordedAt: new Date(Date.UTC(2026, 0, 1)),
  }));
}

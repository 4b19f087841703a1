import {
  complaintStreamId,
  formatComplaintNumber,
  nextReopenNumber,
  registrationForReopen,
  type Complaint,
  type ComplaintCommand,
  type ComplaintEvent,
  type ComplaintState,
  type DocumentRevision,
} from '@qms/complaint-domain';
import type { Actor } from '@qms/domain-kernel';
import type { Case } from './history-writer';
import { customerNotification } from './notifications';
import { WeightedChoice } from './random';
import { returnOfComplaint } from './returns';
import { DAY, HOUR, MINUTE, type Process } from './simulation';
import {
  ACTIONS,
  BENCH_DEPARTMENTS,
  CONTAINMENTS,
  DEFECTS,
  EXPLANATIONS,
  NOT_OURS,
  PREVENTIVE,
  PROCESSES,
  REPLIES,
  ROOT_CAUSES,
  WAIVER_REASONS,
} from './vocabulary';
import { HISTORY_END, iso, localDate, type Customer, type World } from './world';

type ComplaintCase = Case<ComplaintCommand, ComplaintEvent, ComplaintState>;

const CHANNELS = new WeightedChoice([
  ['email', 0.45],
  ['phone', 0.25],
  ['portal', 0.2],
  ['visit', 0.1],
] as const);

/** Complaints received this long before the history ends and handled by the benchmark's departments wait in action planning. */
const POOL_WINDOW = 120 * DAY;

/** Linked returns and notifications: the share of complaints that bring one. */
export const RETURN_NEEDED_SHARE = 0.38;
export const RETURN_ARRIVES_SHARE = 0.9;

function newCase(world: World, number: string): ComplaintCase {
  return {
    cursor: world.writer.stream(complaintStreamId(number)),
    decider: world.deciders.complaint,
    state: world.deciders.complaint.initialState(),
  };
}

/** A customer complaint from intake (§6.1) to closure (§6.3), spawned when sales logs it. */
export function* complaintArrival(world: World, receivedAt: number, notificationShare: number): Process {
  const { random } = world;
  const customer = world.customerChoice.pick(random);
  const year = Number(localDate(receivedAt).slice(0, 4));
  const number = formatComplaintNumber(year, world.nextComplaintSequence(year));
  const record = newCase(world, number);
  const partNo = random.pick(customer.parts);
  world.writer.execute(
    record,
    {
      type: 'RegisterComplaint',
      data: {
        complaintNumber: number,
        occurredAt: iso(world.now),
        customerId: customer.id,
        customerContact: random.pick(customer.contacts),
        partNo,
        lot: `L${localDate(receivedAt - world.wait(5, 60)).replaceAll('-', '')}-${random.int(1, 9)}`,
        defectDescription: random.pick(DEFECTS),
        quantityAffected: Math.max(1, Math.floor(Math.exp(random.uniform(0, 7)))),
        severity: random.chance(0.25) ? 'urgent' : 'normal',
        channel: CHANNELS.pick(random),
        receivedAt: iso(receivedAt),
        returnNeeded: random.chance(RETURN_NEEDED_SHARE),
        customerProductionAffected: random.chance(0.15),
        customerDeadline: random.chance(0.1) ? iso(receivedAt + world.wait(2, 10)) : null,
      },
    },
    world.actors.sales(),
  );
  world.tally.complaintsRegistered += 1;
  const registered = record.state as Complaint;
  if (registered.returnNeeded && random.chance(RETURN_ARRIVES_SHARE)) {
    world.sim.spawn(world.now + world.wait(1, 10), returnOfComplaint(world, customer, number, partNo));
  }
  if (random.chance(notificationShare)) {
    world.sim.spawn(world.now + world.wait(0, 2), customerNotification(world, customer, number));
  }
  yield* handle(world, record, customer, true);
}

function* handle(world: World, record: ComplaintCase, customer: Customer, mayReopen: boolean): Process {
  const { random, writer, actors } = world;
  const complaint = () => record.state as Complaint;
  const number = complaint().number;
  const at = () => ({ complaintNumber: number, occurredAt: iso(world.now) });
  const step = (command: ComplaintCommand, actor: Actor) => writer.execute(record, command, actor);
  const until = (time: number) => Math.max(0, time - world.now);

  // D3 containment within 24 h most of the time; assignment in parallel with it.
  const received = Date.parse(complaint().receivedAt);
  const department = world.departmentChoice.pick(random);
  const containAt = Math.max(
    world.now + 5 * MINUTE,
    received + (random.chance(0.85) ? world.wait(2, 22, HOUR) : world.wait(25, 72, HOUR)),
  );
  const assignAt = world.now + world.wait(0.5, 24, HOUR);
  const contain = () =>
    step(
      {
        type: 'RecordContainment',
        data: {
          ...at(),
          description: random.pick(CONTAINMENTS),
          quantitySecured: random.chance(0.7) ? random.int(0, 5000) : null,
        },
      },
      actors.quality(),
    );
  if (containAt <= assignAt) {
    yield until(containAt);
    contain();
  }
  yield until(assignAt);
  step({ type: 'AssignComplaint', data: { ...at(), department } }, actors.quality());
  if (complaint().containmentRecordedAt === null) {
    yield until(containAt);
    contain();
  }

  // D4 root cause and the responsibility decision.
  yield world.wait(1, 4);
  const [category, description] = random.pick(ROOT_CAUSES);
  step(
    {
      type: 'RecordRootCause',
      data: {
        ...at(),
        category,
        method: random.chance(0.6) ? 'five_why' : 'ishikawa',
        description,
        departmentExplanation: random.pick(EXPLANATIONS),
      },
    },
    random.chance(0.7) ? actors.department(department) : actors.quality(),
  );
  yield world.wait(4, 48, HOUR);
  const ours = random.chance(0.78);
  step(
    {
      type: 'DecideResponsibility',
      data: {
        ...at(),
        responsibility: ours ? 'ours' : 'not_ours',
        explanation: ours ? random.pick(EXPLANATIONS) : random.pick(NOT_OURS),
      },
    },
    actors.quality(),
  );

  if (!ours) {
    yield world.wait(4, 72, HOUR);
    step({ type: 'ReplyToCustomer', data: { ...at(), message: random.pick(NOT_OURS) } }, actors.sales());
  } else {
    if (
      received >= HISTORY_END - POOL_WINDOW &&
      (BENCH_DEPARTMENTS as readonly string[]).includes(department)
    ) {
      const pool = world.actionPlanningPool.get(department) ?? [];
      pool.push(number);
      world.actionPlanningPool.set(department, pool);
      return;
    }
    yield* planActions(world, record, customer, department);
    yield* carryOutActions(world, record, department);
  }

  yield world.wait(4, 72, HOUR);
  step(
    {
      type: 'CloseComplaint',
      data: { ...at(), remarks: random.chance(0.2) ? 'Customer confirmed the effectiveness' : null },
    },
    actors.quality(),
  );
  world.tally.closed += 1;

  if (mayReopen && random.chance(0.02)) {
    yield world.wait(3, 30);
    const sales = actors.sales();
    const reopenedAs = nextReopenNumber(complaint());
    const reopened = newCase(world, reopenedAs);
    // As the API's reopen handler: the new complaint is claimed first, then the original records the link.
    writer.execute(reopened, registrationForReopen(complaint(), reopenedAs, iso(world.now)), sales);
    step(
      {
        type: 'ReopenComplaint',
        data: { ...at(), reason: 'The customer is not satisfied with the corrective action' },
      },
      sales,
    );
    world.tally.reopened += 1;
    world.tally.complaintsRegistered += 1;
    world.sim.spawn(world.now, handle(world, reopened, customer, false));
  }
}

/** D5–D6: corrective and preventive actions (or a waiver), the plan, management's 8D decision. */
function* planActions(world: World, record: ComplaintCase, customer: Customer, department: string): Process {
  const { random, writer, actors } = world;
  const complaint = () => record.state as Complaint;
  const at = () => ({ complaintNumber: complaint().number, occurredAt: iso(world.now) });
  const owner = `${department}.engineer`;
  const dueAt = () => localDate(world.now + world.wait(14, 45));
  const lead = actors.department(department);

  const correctiveCount = random.chance(0.65) ? 1 : random.chance(0.86) ? 2 : 3;
  for (let index = 0; index < correctiveCount; index++) {
    yield world.wait(2, 30, HOUR);
    const products = random.some(
      customer.parts.filter((part) => part !== complaint().partNo),
      random.int(0, 2),
    );
    const processes = random.some(PROCESSES, random.int(0, 2));
    writer.execute(
      record,
      {
        type: 'PlanCorrectiveAction',
        data: {
          ...at(),
          description: random.pick(ACTIONS),
          owner,
          dueAt: dueAt(),
          similarProductsCovered: products,
          similarProcessesCovered: processes,
          noSimilarItemsReason:
            products.length === 0 && processes.length === 0
              ? 'Unique tooling: no similar product or process'
              : null,
          pfmea: documentRevision(world, 'PFMEA', complaint().partNo),
          controlPlan: documentRevision(world, 'CP', complaint().partNo),
        },
      },
      lead,
    );
  }

  const planPreventive = () =>
    writer.execute(
      record,
      {
        type: 'PlanPreventiveAction',
        data: { ...at(), description: random.pick(PREVENTIVE), owner, dueAt: dueAt() },
      },
      lead,
    );
  if (random.chance(0.7)) {
    yield world.wait(2, 30, HOUR);
    planPreventive();
  } else {
    yield world.wait(2, 30, HOUR);
    writer.execute(
      record,
      { type: 'RequestPreventiveActionWaiver', data: { ...at(), reason: random.pick(WAIVER_REASONS) } },
      lead,
    );
    yield world.wait(4, 48, HOUR);
    if (random.chance(0.85)) {
      writer.execute(
        record,
        { type: 'ApprovePreventiveActionWaiver', data: { ...at(), comment: null } },
        actors.management(),
      );
    } else {
      writer.execute(
        record,
        {
          type: 'RejectPreventiveActionWaiver',
          data: { ...at(), reason: 'A preventive action is possible on the sister lines' },
        },
        actors.management(),
      );
      yield world.wait(1, 3);
      planPreventive();
    }
  }

  yield world.wait(2, 24, HOUR);
  writer.execute(record, { type: 'SubmitActionPlan', data: at() }, lead);
  yield world.wait(4, 72, HOUR);
  if (random.chance(0.08)) {
    writer.execute(
      record,
      { type: 'RejectEightDDecision', data: { ...at(), reason: 'Root cause not verified by a trial' } },
      actors.management(),
    );
    yield world.wait(1, 3);
    writer.execute(record, { type: 'SubmitActionPlan', data: at() }, lead);
    yield world.wait(4, 48, HOUR);
  }
  writer.execute(
    record,
    { type: 'ApproveEightDDecision', data: { ...at(), decision: 'Actions approved as planned' } },
    actors.management(),
  );
}

/** D7–D8: the reply to the customer, and each action completed and verified (rescheduled when it fails, §6.3.1). */
function* carryOutActions(world: World, record: ComplaintCase, department: string): Process {
  const { random, writer, actors } = world;
  const complaint = () => record.state as Complaint;
  const at = () => ({ complaintNumber: complaint().number, occurredAt: iso(world.now) });
  const agenda: { time: number; run: () => void }[] = [];
  const schedule = (time: number, run: () => void) => {
    agenda.push({ time, run });
    agenda.sort((a, b) => a.time - b.time);
  };
  const complete = (actionId: string, attempt: number) => () => {
    writer.execute(
      record,
      {
        type: 'CompleteAction',
        data: { ...at(), actionId, evidence: 'Photos, measurement report and updated documents attached' },
      },
      actors.department(department),
    );
    schedule(world.now + world.wait(1, 10), verify(actionId, attempt));
  };
  const verify = (actionId: string, attempt: number) => () => {
    const roll = random.next();
    if (attempt > 1 || roll < 0.9) {
      writer.execute(
        record,
        { type: 'VerifyAction', data: { ...at(), actionId, result: 'effective', comment: null } },
        actors.quality(),
      );
      return;
    }
    writer.execute(
      record,
      {
        type: 'VerifyAction',
        data: {
          ...at(),
          actionId,
          result: roll < 0.97 ? 'not_effective' : 'not_completed',
          newDueAt: localDate(world.now + world.wait(14, 30)),
          comment: 'Defect recurred in the audit lot',
        },
      },
      actors.quality(),
    );
    schedule(world.now + world.wait(5, 20), complete(actionId, attempt + 1));
  };

  for (const action of complaint().actions)
    schedule(world.now + world.wait(5, 45), complete(action.actionId, 1));
  schedule(world.now + world.wait(4, 48, HOUR), () =>
    writer.execute(
      record,
      { type: 'ReplyToCustomer', data: { ...at(), message: random.pick(REPLIES) } },
      actors.sales(),
    ),
  );
  for (let next = agenda.shift(); next !== undefined; next = agenda.shift()) {
    yield Math.max(0, next.time - world.now);
    next.run();
  }
}

function documentRevision(world: World, document: string, partNo: string): DocumentRevision {
  return world.random.chance(0.65)
    ? { revised: true, revision: `${document}-${partNo}-R${world.random.int(2, 9)}` }
    : { revised: false, reason: 'Failure mode and controls already covered; no rating changed' };
}

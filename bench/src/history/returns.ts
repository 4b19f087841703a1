import {
  returnStreamId,
  type ReturnCommand,
  type ReturnDisposition,
  type ReturnEvent,
  type ReturnState,
  type ReceivedReturnState,
} from '@qms/return-domain';
import type { Case } from './history-writer';
import { WeightedChoice } from './random';
import { HOUR, type Process } from './simulation';
import { FINDINGS } from './vocabulary';
import { localDate, type Customer, type World } from './world';

type ReturnCase = Case<ReturnCommand, ReturnEvent, ReturnState>;

const DISPOSITIONS = new WeightedChoice<ReturnDisposition>([
  ['rework', 0.4],
  ['scrap', 0.35],
  ['use_as_is', 0.05],
  ['sort', 0.1],
  ['return_to_customer', 0.1],
]);

const RESPONSIBILITIES = new WeightedChoice([
  ['ours', 0.6],
  ['customer', 0.15],
  ['supplier', 0.15],
  ['undetermined', 0.1],
] as const);

export function* returnOfComplaint(
  world: World,
  customer: Customer,
  complaintNumber: string,
  partNo: string,
): Process {
  yield* returnLifecycle(world, customer, { complaintNumber, partNo, periodicBulk: false });
}

/** A periodic/bulk return (统退货, §7.1) or a return not (yet) linked to a complaint. */
export function* unlinkedReturn(world: World): Process {
  const customer = world.customerChoice.pick(world.random);
  yield* returnLifecycle(world, customer, {
    complaintNumber: null,
    partNo: world.random.pick(customer.parts),
    periodicBulk: world.random.chance(0.7),
  });
}

/** §7: receipt, inspection, disposition, rework, analysis, credit; stock check and emergency production when urgent (§6.1.5). */
function* returnLifecycle(
  world: World,
  customer: Customer,
  origin: { complaintNumber: string | null; partNo: string; periodicBulk: boolean },
): Process {
  const { random, writer, actors } = world;
  const returnId = random.uuid();
  const record: ReturnCase = {
    cursor: writer.stream(returnStreamId(returnId)),
    decider: world.deciders.returns,
    state: world.deciders.returns.initialState(),
  };
  const current = () => record.state as ReceivedReturnState;
  const step = (command: ReturnCommand, actor = actors.quality()) => writer.execute(record, command, actor);

  const otherParts = random.some(
    customer.parts.filter((part) => part !== origin.partNo),
    origin.periodicBulk ? random.int(1, 3) : random.int(0, 1),
  );
  const items = [origin.partNo, ...otherParts].map((materialNo, index) => ({
    itemNo: index + 1,
    materialNo,
    quantity: random.int(1, 500),
  }));
  const urgentNeed = origin.complaintNumber !== null && random.chance(0.1);
  step(
    {
      type: 'ReceiveReturn',
      returnId,
      receivingNoteNo: `RN-${localDate(world.now).replaceAll('-', '')}-${world.next('receiving-note')}`,
      customerId: customer.id,
      items,
      complaintNumber: origin.complaintNumber,
      periodicBulk: origin.periodicBulk,
      urgentNeed,
    },
    actors.warehouse(),
  );
  world.tally.returns += 1;

  if (urgentNeed) {
    const item = items[0]!;
    yield world.wait(2, 24, HOUR);
    const available = random.int(0, item.quantity * 2);
    step(
      {
        type: 'CheckStock',
        returnId,
        materialNo: item.materialNo,
        requiredQuantity: item.quantity,
        availableQuantity: available,
      },
      actors.planning(),
    );
    yield world.wait(2, 24, HOUR);
    const confirmed = random.int(0, available);
    step({
      type: 'ConfirmStock',
      returnId,
      materialNo: item.materialNo,
      confirmedAvailableQuantity: confirmed,
    });
    if (confirmed < item.quantity) {
      yield world.wait(1, 24, HOUR);
      step(
        {
          type: 'RequestEmergencyProduction',
          returnId,
          materialNo: item.materialNo,
          neededBy: localDate(world.now + world.wait(3, 10)),
        },
        actors.planning(),
      );
    }
  }

  yield world.wait(1, 6);
  const noTroubleFound = random.chance(0.12);
  const inspected = items.map((item) => ({
    itemNo: item.itemNo,
    defectiveQuantity: noTroubleFound ? 0 : random.int(random.chance(0.2) ? 0 : 1, item.quantity),
  }));
  const defective = inspected.some((item) => item.defectiveQuantity > 0);
  step({
    type: 'InspectReturn',
    returnId,
    items: inspected,
    ...(defective ? { responsibility: RESPONSIBILITIES.pick(random) } : {}),
    findings: random.pick(FINDINGS),
  });

  const reworks: number[] = [];
  for (const item of inspected) {
    const received = items[item.itemNo - 1]!;
    const parts: [number, ReturnDisposition][] = [];
    if (item.defectiveQuantity > 0) parts.push([item.defectiveQuantity, DISPOSITIONS.pick(random)]);
    if (received.quantity > item.defectiveQuantity)
      parts.push([received.quantity - item.defectiveQuantity, 'return_to_customer']);
    for (const [quantity, disposition] of parts) {
      yield world.wait(2, 48, HOUR);
      const events = step({
        type: 'DispositionReturnItem',
        returnId,
        itemNo: item.itemNo,
        quantity,
        disposition,
        reworkInstruction:
          disposition === 'rework' ? (random.chance(0.7) ? 'rework' : 'full_inspection') : null,
        concessionReference: disposition === 'use_as_is' ? `CON-${world.next('concession')}` : null,
        nonconformingReportNo: disposition === 'scrap' ? `NCR-${world.next('ncr')}` : null,
      });
      const dispositioned = events[0];
      if (disposition === 'rework' && dispositioned?.type === 'ReturnItemDispositioned')
        reworks.push(dispositioned.data.dispositionNo);
    }
  }

  for (const dispositionNo of reworks) {
    yield world.wait(4, 48, HOUR);
    step(
      {
        type: 'IssueReworkOrder',
        returnId,
        dispositionNo,
        reworkOrderNo: `RW-${world.next('rework-order')}`,
      },
      actors.planning(),
    );
    yield world.wait(2, 10);
    const disposition = current().dispositions.find(
      (candidate) => candidate.dispositionNo === dispositionNo,
    )!;
    const failed = random.chance(0.3) ? random.int(0, Math.floor(disposition.quantity / 10)) : 0;
    step({
      type: 'CompleteRework',
      returnId,
      dispositionNo,
      passedQuantity: disposition.quantity - failed,
      failedQuantity: failed,
    });
    if (failed > 0) {
      yield world.wait(2, 24, HOUR);
      step({
        type: 'DispositionReturnItem',
        returnId,
        itemNo: disposition.itemNo,
        quantity: failed,
        disposition: 'scrap',
        source: 'failed_rework',
        nonconformingReportNo: `NCR-${world.next('ncr')}`,
      });
    }
  }

  yield world.wait(1, 10);
  step({
    type: 'ArchiveFailureAnalysis',
    returnId,
    reportReference: `FA-${world.next('failure-analysis')}`,
    conclusion: 'Root cause confirmed; see the 8D report',
  });
  const totalDefective = inspected.reduce((sum, item) => sum + item.defectiveQuantity, 0);
  if (totalDefective > 0 && random.chance(0.65)) {
    yield world.wait(2, 20);
    step(
      {
        type: 'CreditReturn',
        returnId,
        creditNoteNo: `CN-${world.next('credit-note')}`,
        creditedQuantity: totalDefective,
      },
      actors.sales(),
    );
  }
}

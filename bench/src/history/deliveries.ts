import {
  deliveryStreamId,
  type DeliveryCommand,
  type DeliveryEvent,
  type DeliveryState,
  type RecordedDeliveryState,
} from '@qms/delivery-domain';
import type { Case } from './history-writer';
import type { Process } from './simulation';
import { iso, localDate, type Customer, type World } from './world';

type DeliveryCase = Case<DeliveryCommand, DeliveryEvent, DeliveryState>;

/**
 * One delivered order line (the PPM and on-time denominators, DESIGN §6), recorded as the ERP
 * export reports it; about 1 % is corrected later with a reason.
 */
export function* deliveryLine(world: World, customer: Customer, orderNo: string, lineNo: number): Process {
  const { random, writer, actors } = world;
  const record: DeliveryCase = {
    cursor: writer.stream(deliveryStreamId(orderNo, String(lineNo))),
    decider: world.deciders.delivery,
    state: world.deciders.delivery.initialState(),
  };
  const today = world.now;
  const late = random.chance(0.08);
  const promised = late ? today - world.wait(1, 6) : today + world.wait(0, 4);
  const sender = random.chance(0.7) ? actors.sales() : actors.planning();
  writer.execute(
    record,
    {
      type: 'RecordDelivery',
      customerId: customer.id,
      orderNo,
      lineNo: String(lineNo),
      partNo: random.pick(customer.parts),
      quantity: random.int(1, 100) * 50,
      promisedDate: localDate(promised),
      deliveredAt: iso(today),
      premiumFreight: random.chance(late ? 0.2 : 0.01),
    },
    sender,
  );
  world.tally.deliveries += 1;
  if (!random.chance(0.01)) return;
  yield world.wait(1, 20);
  const recorded = record.state as RecordedDeliveryState;
  writer.execute(
    record,
    {
      type: 'CorrectDelivery',
      orderNo,
      lineNo: String(lineNo),
      changes: { quantity: Math.max(1, recorded.current.quantity - random.int(1, 5) * 10) },
      reason: 'Short delivery found at the customer goods receipt; ERP corrected',
    },
    sender,
  );
}

/** A sales order delivered in 1–3 lines at once; returns how many lines it spawned. */
export function spawnOrder(world: World, time: number, maxLines: number): number {
  const { random } = world;
  const customer = world.customerChoice.pick(random);
  const year = new Date(time).getUTCFullYear();
  const orderNo = `SO-${year}-${String(world.next(`order-${year}`)).padStart(6, '0')}`;
  const lines = Math.min(maxLines, random.chance(0.6) ? 1 : random.chance(0.7) ? 2 : 3);
  for (let line = 1; line <= lines; line++)
    world.sim.spawn(time, deliveryLine(world, customer, orderNo, line));
  return lines;
}

import {
  customerNotificationStreamId,
  SPECIAL_STATUSES,
  type CustomerNotificationCommand,
  type CustomerNotificationEvent,
  type CustomerNotificationState,
} from '@qms/complaint-domain';
import type { Case } from './history-writer';
import { HOUR, type Process } from './simulation';
import { NOTIFICATIONS } from './vocabulary';
import { iso, type Customer, type World } from './world';

type NotificationCase = Case<
  CustomerNotificationCommand,
  CustomerNotificationEvent,
  CustomerNotificationState
>;

/**
 * A customer notification (IATF 9.1.2.1 d): about a complaint, or on its own — a delivery
 * warning or a special status such as controlled shipping, which the customer lifts later.
 */
export function* customerNotification(
  world: World,
  customer: Customer,
  complaintNumber: string | null,
): Process {
  const { random, writer, actors } = world;
  const notificationId = random.uuid();
  const record: NotificationCase = {
    cursor: writer.stream(customerNotificationStreamId(notificationId)),
    decider: world.deciders.notification,
    state: world.deciders.notification.initialState(),
  };
  const kind = complaintNumber !== null ? 'quality' : random.chance(0.55) ? 'delivery' : 'special_status';
  writer.execute(
    record,
    {
      type: 'RecordCustomerNotification',
      data: {
        notificationId,
        customerId: customer.id,
        kind,
        specialStatus: kind === 'special_status' ? random.pick(SPECIAL_STATUSES) : null,
        description: random.pick(NOTIFICATIONS),
        receivedAt: iso(world.now - world.wait(0, 12, HOUR)),
        complaintNumber,
        occurredAt: iso(world.now),
      },
    },
    actors.sales(),
  );
  world.tally.notifications += 1;
  if (kind !== 'special_status') return;
  yield world.wait(20, 120);
  writer.execute(
    record,
    {
      type: 'EndCustomerNotification',
      data: { notificationId, remarks: 'Lifted by the customer after the audit', occurredAt: iso(world.now) },
    },
    actors.sales(),
  );
}

export function* independentNotification(world: World): Process {
  yield* customerNotification(world, world.customerChoice.pick(world.random), null);
}

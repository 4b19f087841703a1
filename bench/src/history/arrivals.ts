import { complaintArrival, RETURN_ARRIVES_SHARE, RETURN_NEEDED_SHARE } from './complaints';
import { spawnOrder } from './deliveries';
import { independentNotification } from './notifications';
import { unlinkedReturn } from './returns';
import { DAY, HOUR, type Process } from './simulation';
import { surveyPeriod, surveyPeriodsBetween } from './surveys';
import { HISTORY_END, HISTORY_START, type World } from './world';

/** Share of all customer notifications that concern a complaint (the rest come on their own). */
const LINKED_NOTIFICATIONS = 0.3;

/**
 * Spreads the history's totals over its days (weekdays busier than weekends) and spawns each
 * day's arrivals at their times; exact totals, because each day takes the rounded difference of
 * the cumulative share.
 */
export function* arrivals(world: World): Process {
  const { sizes, random } = world;
  const days = Math.round((HISTORY_END - HISTORY_START) / DAY);
  const weights = Array.from({ length: days }, (_, day) => {
    const weekday = new Date(HISTORY_START + day * DAY + 8 * HOUR).getUTCDay();
    return weekday === 0 ? 0.15 : weekday === 6 ? 0.3 : 1;
  });
  const totalWeight = weights.reduce((sum, weight) => sum + weight, 0);
  const expectedLinkedReturns = sizes.complaints * RETURN_NEEDED_SHARE * RETURN_ARRIVES_SHARE;
  const totals = {
    complaints: sizes.complaints,
    returns: Math.max(0, Math.round(sizes.returns - expectedLinkedReturns)),
    deliveries: sizes.deliveries,
    notifications: Math.round(sizes.notifications * (1 - LINKED_NOTIFICATIONS)),
  };
  const notificationShare = (sizes.notifications * LINKED_NOTIFICATIONS) / sizes.complaints;
  for (const { periodId, issueAt } of surveyPeriodsBetween(HISTORY_START, HISTORY_END)) {
    world.sim.spawn(issueAt, surveyPeriod(world, periodId));
  }

  let cumulative = 0;
  for (let day = 0; day < days; day++) {
    const midnight = HISTORY_START + day * DAY;
    const share = (total: number) =>
      Math.round(((cumulative + weights[day]!) / totalWeight) * total) -
      Math.round((cumulative / totalWeight) * total);
    // Mostly office hours, local time; some around the clock (portal, night shifts).
    const timeOfDay = () => (random.chance(0.9) ? world.wait(8, 19, HOUR) : world.wait(0, 24, HOUR));

    for (let n = share(totals.complaints); n > 0; n--) {
      const receivedAt = midnight + timeOfDay();
      world.sim.spawn(
        receivedAt + world.wait(0.2, 6, HOUR),
        complaintArrival(world, receivedAt, notificationShare),
      );
    }
    for (let n = share(totals.returns); n > 0; n--)
      world.sim.spawn(midnight + timeOfDay(), unlinkedReturn(world));
    for (let n = share(totals.notifications); n > 0; n--)
      world.sim.spawn(midnight + timeOfDay(), independentNotification(world));
    for (let lines = share(totals.deliveries); lines > 0;)
      lines -= spawnOrder(world, midnight + timeOfDay(), lines);
    cumulative += weights[day]!;
    yield DAY;
  }
}

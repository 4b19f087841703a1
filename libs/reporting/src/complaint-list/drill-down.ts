/**
 * The complaint-list filters that drill into a figure of the monthly report (DESIGN §8: the report
 * holds figures; "which complaints make up this figure" is a query on the list). Each is a
 * condition on an indexed field of the complaint document, so the list answers it with the same
 * paging as any other filter, and its count is exactly the figure:
 *
 * - overdueAtEndOf=M: `complaints.overdueAtEnd` of M (overdueMonths, see overdue-months.ts);
 * - repeatOf=M: `complaints.repeats` of M (received in M with `repeat`, see repeat-flags.ts);
 * - containmentLateIn=M: `complaints.received − complaints.containmentOnTime` of M (received in M
 *   whose containment was not recorded by its deadline: late, or not recorded at all).
 *
 * With `customerId` each gives the figure of that customer's section.
 */
import type { Filter } from '@qms/read-store';
import { calendarFor, type MonthKey } from '../kpi/calendar';
import type { ReportingConfig } from '../kpi/reporting-config';
import { overdueAtEndOfTokens } from './overdue-months';

export interface ComplaintDrillDown {
  readonly overdueAtEndOf?: MonthKey;
  readonly repeatOf?: MonthKey;
  readonly containmentLateIn?: MonthKey;
}

type Bounds = { gte?: string; lt?: string };

/** Both bounds at once: the later start and the earlier end. */
export function intersectRanges(a: Bounds | undefined, b: Bounds): Bounds {
  if (a === undefined) return b;
  const gte = a.gte === undefined ? b.gte : b.gte === undefined || a.gte > b.gte ? a.gte : b.gte;
  const lt = a.lt === undefined ? b.lt : b.lt === undefined || a.lt < b.lt ? a.lt : b.lt;
  return { ...(gte !== undefined ? { gte } : {}), ...(lt !== undefined ? { lt } : {}) };
}

/**
 * The drill-down's conditions, merged into `base` (whose own `receivedAt` range, if any, is
 * narrowed to the month rather than replaced).
 */
export function drillDownFilter(
  drill: ComplaintDrillDown,
  config: Pick<ReportingConfig, 'timeZone'>,
  base: Filter = {},
): Filter {
  const calendar = calendarFor(config.timeZone);
  const filter: Record<string, Filter[string]> = { ...base };
  const receivedIn = (month: MonthKey) => {
    const bounds = calendar.bounds(month);
    filter['receivedAt'] = intersectRanges(filter['receivedAt'] as Bounds | undefined, {
      gte: bounds.start,
      lt: bounds.end,
    });
  };
  if (drill.overdueAtEndOf !== undefined) filter['overdueMonths'] = { in: overdueAtEndOfTokens(drill.overdueAtEndOf) };
  if (drill.repeatOf !== undefined) {
    filter['repeat'] = { eq: true };
    receivedIn(drill.repeatOf);
  }
  if (drill.containmentLateIn !== undefined) {
    // met is null until containment is recorded, false when recorded after its deadline.
    filter['containment.met'] = { in: [false, null] };
    receivedIn(drill.containmentLateIn);
  }
  return filter;
}

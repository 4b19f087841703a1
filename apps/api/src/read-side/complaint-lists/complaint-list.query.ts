import type { Filter, FindQuery, SortKey } from '@qms/read-store';
import { drillDownFilter, type ReportingConfig } from '@qms/reporting';
import type { ComplaintListQueryDto } from './complaint-list.query.dto';

/**
 * Translates the whitelisted parameters into the read store's own typed query language. The
 * drill-down parameters (overdueAtEndOf, repeatOf, containmentLateIn) cut months in the
 * report's time zone, so that a list's count is exactly the monthly report's figure.
 */
export function complaintListQuery(dto: ComplaintListQueryDto, now: string, config: Pick<ReportingConfig, 'timeZone'>): FindQuery {
  const filter: Record<string, Filter[string]> = {};
  if (dto.customerId !== undefined) filter['customerId'] = { eq: dto.customerId };
  if (dto.status !== undefined) filter['status'] = { eq: dto.status };
  if (dto.severity !== undefined) filter['severity'] = { eq: dto.severity };
  if (dto.channel !== undefined) filter['channel'] = { eq: dto.channel };
  if (dto.department !== undefined) filter['department'] = { eq: dto.department };
  if (dto.partNo !== undefined) filter['partNo'] = { eq: dto.partNo };
  if (dto.receivedFrom !== undefined || dto.receivedTo !== undefined) {
    filter['receivedAt'] = {
      ...(dto.receivedFrom !== undefined ? { gte: new Date(dto.receivedFrom).toISOString() } : {}),
      ...(dto.receivedTo !== undefined ? { lt: new Date(dto.receivedTo).toISOString() } : {}),
    };
  }
  // nextDueAt is the earliest deadline of a step not yet done; null once closed or nothing pends.
  if (dto.overdue === 'true') filter['nextDueAt'] = { lt: now };
  const drillDown = {
    ...(dto.overdueAtEndOf !== undefined ? { overdueAtEndOf: dto.overdueAtEndOf } : {}),
    ...(dto.repeatOf !== undefined ? { repeatOf: dto.repeatOf } : {}),
    ...(dto.containmentLateIn !== undefined ? { containmentLateIn: dto.containmentLateIn } : {}),
  };
  return {
    filter: drillDownFilter(drillDown, config, filter),
    sort: [sortKey(dto.sort ?? '-receivedAt')],
    limit: dto.pageSize ?? 50,
    ...(dto.cursor !== undefined ? { after: dto.cursor } : {}),
  };
}

function sortKey(sort: NonNullable<ComplaintListQueryDto['sort']>): SortKey {
  const direction = sort.startsWith('-') ? 'desc' : 'asc';
  const name = sort.replace(/^-/, '');
  return { field: name === 'number' ? '_id' : name, direction };
}

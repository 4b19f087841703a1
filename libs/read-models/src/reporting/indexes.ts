import type { SortKey } from '../store';

/** The sort orders and filters the complaint lists serve from an index (`_id` is appended as tie-break). */
export const COMPLAINT_LIST_INDEXES = [
  [{ field: 'receivedAt', direction: 'desc' }],
  [{ field: 'nextDueAt', direction: 'asc' }],
  [{ field: 'closedAt', direction: 'desc' }],
  [{ field: 'customerId', direction: 'asc' }, { field: 'receivedAt', direction: 'desc' }],
  [{ field: 'status', direction: 'asc' }, { field: 'nextDueAt', direction: 'asc' }],
  [{ field: 'department', direction: 'asc' }, { field: 'receivedAt', direction: 'desc' }],
] as const satisfies readonly (readonly SortKey[])[];

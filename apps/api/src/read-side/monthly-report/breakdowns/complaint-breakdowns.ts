/**
 * Two questions the monthly meeting asks of the complaint list that the report's figures do not
 * answer: which defects, parts, customers and causes make up most complaints (a Pareto), and how
 * long the complaints still open at the month's end have been open. Pure: the controller reads
 * the complaints with indexed queries and passes them in.
 */
import { assertNever } from '@qms/domain-kernel';
import { DAY_MS, isOpenAt, NOT_ANALYSED, type ComplaintDocument } from '@qms/reporting';

export const PARETO_DIMENSIONS = ['defect', 'part', 'customer', 'cause'] as const;
export type ParetoDimension = (typeof PARETO_DIMENSIONS)[number];

export type ParetoComplaint = Pick<ComplaintDocument, 'customerId' | 'partNo' | 'description' | 'quantityAffected' | 'rootCause'>;

export interface ParetoItem {
  /** The defect description (whitespace collapsed), part number, customer id or cause category (`not_analysed` before the root cause). */
  readonly key: string;
  readonly complaints: number;
  readonly quantity: number;
  /** Complaints of this item and every item before it × 100 ÷ all complaints. */
  readonly cumulativePercent: number;
}

export interface Pareto {
  readonly complaints: number;
  readonly quantity: number;
  /** Sorted by complaints, then quantity (both descending), then key. */
  readonly items: readonly ParetoItem[];
  /** What the items beyond the limit add up to; null when every item is listed. */
  readonly others: { readonly items: number; readonly complaints: number; readonly quantity: number } | null;
}

export function paretoKey(complaint: ParetoComplaint, by: ParetoDimension): string {
  switch (by) {
    case 'defect':
      return complaint.description.trim().replace(/\s+/g, ' ');
    case 'part':
      return complaint.partNo;
    case 'customer':
      return complaint.customerId;
    case 'cause':
      return complaint.rootCause?.category ?? NOT_ANALYSED;
    default:
      return assertNever(by, 'Pareto dimension');
  }
}

export function pareto(complaints: Iterable<ParetoComplaint>, by: ParetoDimension, limit: number): Pareto {
  const groups = new Map<string, { complaints: number; quantity: number }>();
  let total = 0;
  let quantity = 0;
  for (const complaint of complaints) {
    const key = paretoKey(complaint, by);
    const group = groups.get(key) ?? { complaints: 0, quantity: 0 };
    group.complaints += 1;
    group.quantity += complaint.quantityAffected;
    groups.set(key, group);
    total += 1;
    quantity += complaint.quantityAffected;
  }
  const sorted = [...groups.entries()]
    .map(([key, group]) => ({ key, ...group }))
    .sort((a, b) => b.complaints - a.complaints || b.quantity - a.quantity || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  let running = 0;
  const items = sorted.slice(0, limit).map((item) => {
    running += item.complaints;
    return { ...item, cumulativePercent: (running * 100) / total };
  });
  const rest = sorted.slice(limit);
  const others =
    rest.length === 0
      ? null
      : { items: rest.length, complaints: rest.reduce((sum, item) => sum + item.complaints, 0), quantity: rest.reduce((sum, item) => sum + item.quantity, 0) };
  return { complaints: total, quantity, items, others };
}

/** Age buckets of open 8Ds in whole days: 0–7, 8–14, 15–30, more than 30. */
export const AGE_BUCKETS = [
  { bucket: '0-7', fromDays: 0, toDays: 7 },
  { bucket: '8-14', fromDays: 8, toDays: 14 },
  { bucket: '15-30', fromDays: 15, toDays: 30 },
  { bucket: '>30', fromDays: 31, toDays: null },
] as const;

export interface AgeBucket {
  readonly bucket: (typeof AGE_BUCKETS)[number]['bucket'];
  readonly fromDays: number;
  /** null: no upper bound. */
  readonly toDays: number | null;
  readonly complaints: number;
  /** Of those, urgent ones. */
  readonly urgent: number;
}

export type AgeComplaint = Pick<ComplaintDocument, 'receivedAt' | 'closedAt' | 'severity'>;

/**
 * Complaints open at `cutoff` (received before it and not closed by then, as the report's
 * "open at end of M") by whole days open at the cutoff.
 */
export function openAge(complaints: Iterable<AgeComplaint>, cutoff: string): AgeBucket[] {
  const buckets: AgeBucket[] = AGE_BUCKETS.map((bucket) => ({ ...bucket, complaints: 0, urgent: 0 }));
  const end = Date.parse(cutoff);
  for (const complaint of complaints) {
    if (!isOpenAt(complaint, cutoff)) continue;
    const days = Math.floor((end - Date.parse(complaint.receivedAt)) / DAY_MS);
    const index = AGE_BUCKETS.findIndex((bucket) => bucket.toDays === null || days <= bucket.toDays);
    const bucket = buckets[index];
    if (bucket === undefined) continue;
    buckets[index] = { ...bucket, complaints: bucket.complaints + 1, urgent: bucket.urgent + (complaint.severity === 'urgent' ? 1 : 0) };
  }
  return buckets;
}

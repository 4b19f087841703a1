import type { Page, StoredDocument } from '../read-store.port';
import type { Condition, NormalizedQuery, NormalizedSortKey } from '../query';
import { cursorAfter } from '../documents';
import { compareStrings, compareValues, sortValueAt, typeRank } from '../values';
import { compileMatcher, withinBound } from './matcher';
import { indexSignature, SortedIndex, type IndexEntry } from './sorted-index';

/** A run of index entries, in the order the query wants them. */
interface Scan {
  readonly index: SortedIndex;
  readonly entries: readonly IndexEntry[];
  readonly reverse: boolean;
  /** Number of leading index fields fixed by equality conditions. */
  readonly fixed: number;
  /** View coordinates: [start, end) of the entries that can match. */
  readonly start: number;
  readonly end: number;
  readonly servesSort: boolean;
}

/** A bounded run this short is sorted rather than walked in index order. */
const SMALL_RUN = 2048;

/**
 * One collection of the in-process store: documents by id plus sorted indexes. A query walks the
 * index whose order is the query's order (after fields fixed by equality), from the bound its
 * conditions and cursor allow, and stops once the page is full; without such an index it filters
 * every candidate and keeps the top of the page by partial sort.
 */
export class InMemoryCollection {
  readonly documents = new Map<string, StoredDocument>();
  private readonly indexes: SortedIndex[] = [new SortedIndex([])];

  addIndex(fields: readonly NormalizedSortKey[]): void {
    const signature = indexSignature(fields);
    if (this.indexes.some((index) => index.signature === signature)) return;
    const index = new SortedIndex(fields);
    for (const [id, document] of this.documents) index.put(id, document);
    this.indexes.push(index);
  }

  put(document: StoredDocument): void {
    this.documents.set(document._id, document);
    for (const index of this.indexes) index.put(document._id, document);
  }

  delete(id: string): void {
    if (!this.documents.delete(id)) return;
    for (const index of this.indexes) index.remove(id);
  }

  find<D extends StoredDocument>(query: NormalizedQuery): Page<D> {
    const matches = compileMatcher(query.conditions);
    const wanted = query.limit === null ? Number.POSITIVE_INFINITY : query.skip + query.limit + 1;
    const scans = this.plan(query.conditions, query.sort);
    const ordered = scans.find((scan) => scan.servesSort);
    const narrowest = [...scans].sort((a, b) => a.end - a.start - (b.end - b.start))[0];
    // Walking the ordered index stops when the page is full, unless the filter is selective and
    // the ordered index cannot bound it; then sorting a small bounded run is cheaper.
    const useOrdered =
      ordered !== undefined &&
      (narrowest === undefined ||
        narrowest === ordered ||
        narrowest.end - narrowest.start > SMALL_RUN ||
        ordered.end - ordered.start <= narrowest.end - narrowest.start);
    const found = useOrdered
      ? this.walk(ordered, query, matches, wanted)
      : this.filterAndSort(narrowest, query, matches, wanted);
    const page = found.slice(query.skip);
    if (query.limit === null || page.length <= query.limit) return { items: page as D[], nextCursor: null };
    const items = page.slice(0, query.limit);
    return { items: items as D[], nextCursor: cursorAfter(items[items.length - 1] as StoredDocument, query.sort) };
  }

  count(conditions: readonly Condition[]): number {
    if (conditions.length === 0) return this.documents.size;
    const matches = compileMatcher(conditions);
    const [scan] = this.plan(conditions, null);
    let total = 0;
    for (const document of this.candidates(scan)) if (matches(document)) total++;
    return total;
  }

  /** Usable scans, the best first: those that yield the query's order, then the narrowest. */
  private plan(conditions: readonly Condition[], sort: readonly NormalizedSortKey[] | null): Scan[] {
    const scans: Scan[] = [];
    for (const index of this.indexes) {
      const entries = index.sorted();
      let fixed = 0;
      while (fixed < index.fields.length && equalityOn(conditions, index.fields[fixed] as NormalizedSortKey) !== undefined) {
        fixed++;
      }
      let prefix = fixed;
      let order: 'forward' | 'reverse' | 'no' = 'no';
      if (sort !== null) {
        for (let candidate = fixed; candidate >= 0 && order === 'no'; candidate--) {
          order = matchOrder(index.fields.slice(candidate), sort);
          if (order !== 'no') prefix = candidate;
        }
      }
      // An index that cannot give the order may still narrow the candidates.
      if (order === 'no') prefix = fixed;
      const reverse = order === 'reverse';
      const [start, end] = index.scalarOnly ? bounds(index, entries, conditions, prefix, reverse) : [0, entries.length];
      scans.push({ index, entries, reverse, fixed: prefix, start, end, servesSort: order !== 'no' });
    }
    return scans.sort((a, b) => Number(b.servesSort) - Number(a.servesSort) || a.end - a.start - (b.end - b.start));
  }

  private walk(scan: Scan, query: NormalizedQuery, matches: (document: unknown) => boolean, wanted: number): StoredDocument[] {
    const at = (position: number): IndexEntry =>
      scan.entries[scan.reverse ? scan.entries.length - 1 - position : position] as IndexEntry;
    let position = scan.start;
    const after = query.after;
    if (after !== null) {
      // Past the cursor: the first entry that sorts after it in query order.
      const keyOffset = scan.fixed;
      position = firstWhere(scan.start, scan.end, (i) => compareToCursor(at(i), keyOffset, query.sort, after) > 0);
    }
    const found: StoredDocument[] = [];
    for (; position < scan.end && found.length < wanted; position++) {
      const document = this.documents.get(at(position).id);
      if (document !== undefined && matches(document)) found.push(document);
    }
    return found;
  }

  private filterAndSort(
    scan: Scan | undefined,
    query: NormalizedQuery,
    matches: (document: unknown) => boolean,
    wanted: number,
  ): StoredDocument[] {
    const keyed: { document: StoredDocument; key: unknown[] }[] = [];
    const compare = (a: { document: StoredDocument; key: unknown[] }, b: { document: StoredDocument; key: unknown[] }) =>
      compareKeys(a.key, b.key, query.sort);
    const after = query.after;
    for (const document of this.candidates(scan)) {
      if (!matches(document)) continue;
      const item = { document, key: query.sort.map((key) => sortValueAt(document, key.path)) };
      if (after !== null && compareKeys(item.key, after, query.sort) <= 0) continue;
      if (keyed.length < wanted) {
        keyed.push(item);
        if (keyed.length === wanted) keyed.sort(compare);
      } else if (compare(item, keyed[keyed.length - 1] as (typeof keyed)[number]) < 0) {
        // Keep only the best `wanted`: insert in place, drop the worst.
        keyed.splice(firstWhere(0, keyed.length, (i) => compare(keyed[i] as typeof item, item) > 0), 0, item);
        keyed.pop();
      }
    }
    if (keyed.length < wanted) keyed.sort(compare);
    return keyed.map((item) => item.document);
  }

  private *candidates(scan: Scan | undefined): Iterable<StoredDocument> {
    if (scan === undefined || (scan.start === 0 && scan.end === scan.entries.length)) {
      yield* this.documents.values();
      return;
    }
    for (let position = scan.start; position < scan.end; position++) {
      const entry = scan.entries[scan.reverse ? scan.entries.length - 1 - position : position] as IndexEntry;
      const document = this.documents.get(entry.id);
      if (document !== undefined) yield document;
    }
  }
}

function equalityOn(conditions: readonly Condition[], field: NormalizedSortKey): Condition | undefined {
  return conditions.find((condition) => condition.kind === 'eq' && condition.field === field.field);
}

/** Whether walking an index (without its fixed fields) gives the query's order, forwards or backwards. */
function matchOrder(fields: readonly NormalizedSortKey[], sort: readonly NormalizedSortKey[]): 'forward' | 'reverse' | 'no' {
  // The index's implicit last key is _id ascending.
  const keys = [...fields.map((field) => `${field.field}:${field.direction}`), '_id:asc'];
  const wanted = sort.map((key) => `${key.field}:${key.direction}`);
  if (keys.length !== wanted.length) return 'no';
  if (keys.every((key, i) => key === wanted[i])) return 'forward';
  const flipped = keys.map((key) => (key.endsWith(':asc') ? key.replace(/:asc$/, ':desc') : key.replace(/:desc$/, ':asc')));
  return flipped.every((key, i) => key === wanted[i]) ? 'reverse' : 'no';
}

/**
 * [start, end) in view order of the entries whose first `prefix` keys equal the query's equality
 * values and whose next key is within the query's range on that field (bounds of one type only).
 */
function bounds(
  index: SortedIndex,
  entries: readonly IndexEntry[],
  conditions: readonly Condition[],
  prefix: number,
  reverse: boolean,
): [number, number] {
  const values = index.fields.slice(0, prefix).map((field) => {
    const condition = equalityOn(conditions, field);
    return condition?.kind === 'eq' ? condition.value : null;
  });
  const next = index.fields[prefix];
  const range = next && conditions.find((condition) => condition.kind === 'range' && condition.field === next.field);
  const rangeBounds = range?.kind === 'range' && new Set(range.bounds.map((b) => typeRank(b.value))).size === 1 ? range.bounds : [];
  if (prefix === 0 && rangeBounds.length === 0) return [0, entries.length];
  const directions = index.fields.map((field) => (field.direction === 'asc' ? 1 : -1));

  /** -1 before the matching run, 0 inside, 1 after, in index order. */
  const place = (entry: IndexEntry): number => {
    for (let i = 0; i < prefix; i++) {
      const order = compareValues(entry.key[i], values[i]);
      if (order !== 0) return Math.sign(order) * (directions[i] ?? 1);
    }
    if (rangeBounds.length === 0) return 0;
    const value = entry.key[prefix];
    const rank = typeRank(rangeBounds[0]?.value);
    let side = 0;
    if (typeRank(value) !== rank) side = typeRank(value) < rank ? -1 : 1;
    else {
      for (const bound of rangeBounds) {
        if (withinBound(value, bound)) continue;
        side = bound.op === 'gt' || bound.op === 'gte' ? -1 : 1;
        break;
      }
    }
    return side * (directions[prefix] ?? 1);
  };
  const view = (i: number): IndexEntry => entries[reverse ? entries.length - 1 - i : i] as IndexEntry;
  const sign = reverse ? -1 : 1;
  const start = firstWhere(0, entries.length, (i) => place(view(i)) * sign >= 0);
  const end = firstWhere(start, entries.length, (i) => place(view(i)) * sign > 0);
  return [start, end];
}

/** Order of an index entry against a cursor, in query order; the entry's sort values start at `offset`. */
function compareToCursor(
  entry: IndexEntry,
  offset: number,
  sort: readonly NormalizedSortKey[],
  after: readonly unknown[],
): number {
  for (let i = 0; i < sort.length - 1; i++) {
    const order = compareValues(entry.key[offset + i], after[i]);
    if (order !== 0) return sort[i]?.direction === 'desc' ? -order : order;
  }
  const order = compareStrings(entry.id, after[sort.length - 1] as string);
  return sort[sort.length - 1]?.direction === 'desc' ? -order : order;
}

function compareKeys(a: readonly unknown[], b: readonly unknown[], sort: readonly NormalizedSortKey[]): number {
  for (let i = 0; i < sort.length; i++) {
    const order = compareValues(a[i], b[i]);
    if (order !== 0) return sort[i]?.direction === 'desc' ? -order : order;
  }
  return 0;
}

/** Smallest i in [low, high) with test(i), or high; test must be false then true along the range. */
function firstWhere(low: number, high: number, test: (i: number) => boolean): number {
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (test(middle)) high = middle;
    else low = middle + 1;
  }
  return low;
}

import type { Page, StoredDocument } from '../read-store.port';
import type { Condition, NormalizedQuery, NormalizedSortKey, RangeBound } from '../query';
import { cursorAfter } from '../documents';
import { accessorOf, compareStrings, typeRank } from '../values';
import { BEYOND_NATIVE_ORDER, firstById, idBefore } from './id-order';
import { compileMatcher } from './matcher';
import { encodeComponent, encodeId, typeEnd, typeStart } from './sort-key';
import { endOfPrefix, indexSignature, lowerBound, SortedIndex, type IndexEntry } from './sorted-index';

/** A run of one index's entries that holds every possible match, walked forwards or backwards. */
interface Scan {
  readonly entries: readonly IndexEntry[];
  readonly fields: readonly NormalizedSortKey[];
  readonly reverse: boolean;
  /** Leading index fields fixed by equality conditions, and their encoded values. */
  readonly fixed: number;
  readonly fixedKey: string;
  /** [start, end) in index order. */
  readonly start: number;
  readonly end: number;
  /** Whether walking the run yields the query's order. */
  readonly ordered: boolean;
  /** Whether every entry of the run matches every condition (each one fixed or bounded the run). */
  readonly exact: boolean;
}

const ID_ORDER: readonly NormalizedSortKey[] = [{ field: '_id', path: ['_id'], direction: 'asc' }];

/**
 * Filtering a run and sorting its matches by id costs about five times as much per document as
 * walking a run in id order (measured at 100,000 documents), so the run must be that much shorter.
 */
const SORT_RUN_ADVANTAGE = 5;

/** A bounded run this short is sorted rather than walked in index order. */
const SMALL_RUN = 2048;

/**
 * Testing an entry while walking in id order (fetch, match) costs at least this many times as
 * much as passing over an entry of another run that firstById rejects by its id (7 times with
 * small uniform documents, about 20 with the complaints of the benchmark's history, whose reads
 * are slower): it sets the walk's budget when a narrower run can answer a sort by id.
 */
const ID_WALK_COST = 8;
/** The walk in id order gets at least this many tests: a page found in them needs no other run. */
const MIN_ID_WALK = 64;

/**
 * One collection of the in-process store: documents by id plus sorted indexes. A query walks the
 * index whose order is the query's order (after the fields its equality conditions fix), from
 * the bound its conditions and cursor allow, and stops once the page is full; without such an
 * index it filters the narrowest candidate run and keeps the top of the page. A sort by id alone
 * with a narrower run than the id order's takes both ways in turn (findById).
 */
export class InMemoryCollection {
  readonly documents = new Map<string, StoredDocument>();
  private readonly indexes: SortedIndex[] = [new SortedIndex([])];
  /** Ids holding units ≥ U+D800: while there are none, ids compare natively (see id-order.ts). */
  private idsBeyondNativeOrder = 0;

  addIndex(fields: readonly NormalizedSortKey[]): void {
    const signature = indexSignature(fields);
    if (this.indexes.some((index) => index.signature === signature)) return;
    const index = new SortedIndex(fields);
    for (const [id, document] of this.documents) index.put(id, document);
    this.indexes.push(index);
  }

  put(document: StoredDocument): void {
    if (!this.documents.has(document._id) && BEYOND_NATIVE_ORDER.test(document._id))
      this.idsBeyondNativeOrder++;
    this.documents.set(document._id, document);
    for (const index of this.indexes) index.put(document._id, document);
  }

  delete(id: string): void {
    if (!this.documents.delete(id)) return;
    if (BEYOND_NATIVE_ORDER.test(id)) this.idsBeyondNativeOrder--;
    for (const index of this.indexes) index.remove(id);
  }

  /** End of a write batch. */
  settle(): void {
    for (const index of this.indexes) index.settle();
  }

  find<D extends StoredDocument>(query: NormalizedQuery): Page<D> {
    const matches = compileMatcher(query.conditions);
    const wanted = query.limit === null ? Number.POSITIVE_INFINITY : query.skip + query.limit + 1;
    const scans = this.plan(query.conditions, query.sort);
    const ordered = scans.find((scan) => scan.ordered);
    const narrowest = scans[0];
    let found: StoredDocument[];
    if (
      query.sort.length === 1 &&
      ordered !== undefined &&
      narrowest !== undefined &&
      size(narrowest) < size(ordered)
    ) {
      found = this.findById(ordered, narrowest, query, matches, wanted);
    } else if (
      // Walking the ordered run stops when the page is full; but when another index bounds the
      // matches to a short run, sorting that run is cheaper than walking a long unselective one.
      ordered !== undefined &&
      (narrowest === undefined || size(narrowest) > SMALL_RUN || size(ordered) <= size(narrowest))
    ) {
      found = this.walk(ordered, query, matches, wanted).found;
    } else {
      found = this.sortRun(narrowest, query, matches, wanted);
    }
    const page = found.slice(query.skip);
    if (query.limit === null || page.length <= query.limit) return { items: page as D[], nextCursor: null };
    const items = page.slice(0, query.limit);
    return {
      items: items as D[],
      nextCursor: cursorAfter(items[items.length - 1] as StoredDocument, query.sort),
    };
  }

  /**
   * Every match in `_id` order, for a stream without a sort, found in one pass: over a run in id
   * order (the `_id` index, or an index whose fields equality conditions all fix), or over a much
   * narrower run whose matches are then sorted by id. Paging through `find` instead walks the
   * `_id` index whenever the narrowest run is too long to sort per page, testing every document.
   * The answer is a snapshot: later writes do not change it.
   */
  matchesById(conditions: readonly Condition[]): StoredDocument[] {
    const matches = compileMatcher(conditions);
    const scans = this.plan(conditions, ID_ORDER);
    // The `_id` index always gives the order, so some scan is ordered.
    const ordered = scans.find((scan) => scan.ordered) as Scan;
    const narrowest = scans[0] as Scan;
    const found: StoredDocument[] = [];
    if (narrowest === ordered || size(narrowest) * SORT_RUN_ADVANTAGE > size(ordered)) {
      for (let i = ordered.start; i < ordered.end; i++) {
        const document = this.documents.get((ordered.entries[i] as IndexEntry).id);
        if (document !== undefined && matches(document)) found.push(document);
      }
      return found;
    }
    let nativeOrder = true;
    this.eachCandidate(narrowest, (document) => {
      if (matches(document)) {
        found.push(document);
        if (nativeOrder && BEYOND_NATIVE_ORDER.test(document._id)) nativeOrder = false;
      }
      return true;
    });
    return found.sort(
      nativeOrder
        ? (a, b) => (a._id < b._id ? -1 : a._id > b._id ? 1 : 0)
        : (a, b) => compareStrings(a._id, b._id),
    );
  }

  count(conditions: readonly Condition[]): number {
    if (conditions.length === 0) return this.documents.size;
    const matches = compileMatcher(conditions);
    let total = 0;
    this.eachCandidate(this.plan(conditions, null)[0], (document) => {
      if (matches(document)) total++;
      return true;
    });
    return total;
  }

  /** One scan per index, the narrowest first. */
  private plan(conditions: readonly Condition[], sort: readonly NormalizedSortKey[] | null): Scan[] {
    const scans: Scan[] = [];
    for (const index of this.indexes) {
      const entries = index.sorted();
      const { fields } = index;
      let fixed = 0;
      while (
        fixed < fields.length &&
        equalityOn(conditions, (fields[fixed] as NormalizedSortKey).field) !== undefined
      )
        fixed++;
      let prefix = fixed;
      let order: 'forward' | 'reverse' | 'no' = 'no';
      for (let candidate = fixed; sort !== null && candidate >= 0 && order === 'no'; candidate--) {
        order = matchOrder(fields.slice(candidate), sort);
        if (order !== 'no') prefix = candidate;
      }
      // An index that cannot give the order may still narrow the candidates.
      if (order === 'no') prefix = fixed;
      let fixedKey = '';
      for (let i = 0; i < prefix; i++) {
        const field = fields[i] as NormalizedSortKey;
        fixedKey += encodeComponent(equalityOn(conditions, field.field)?.value, field.direction);
      }
      const [start, end, ranged] = index.scalarOnly
        ? bounds(entries, fixedKey, fields[prefix], conditions)
        : [0, entries.length, false];
      // With scalar values only, keys compare exactly as the matcher's equality and ranges do.
      const exact =
        index.scalarOnly &&
        conditions.every((condition) =>
          condition.kind === 'eq'
            ? fields.slice(0, prefix).some((field) => field.field === condition.field)
            : ranged && condition.kind === 'range' && condition.field === fields[prefix]?.field,
        );
      scans.push({
        entries,
        fields,
        reverse: order === 'reverse',
        fixed: prefix,
        fixedKey,
        start,
        end,
        ordered: order !== 'no',
        exact,
      });
    }
    return scans.sort((a, b) => size(a) - size(b));
  }

  /**
   * A sort by id with a narrower run than the id-ordered one (a `receivedAt` range sorted by
   * number): where the matches lie in id order is unknown — a month of complaints is one stretch
   * of numbers, but it may start anywhere — so the walk in id order gets a budget about as costly
   * as passing over the narrow run once; when it runs out, the rest of the page is taken from the
   * narrow run after the last id walked. Either way the cost is at most about twice the cheaper.
   */
  private findById(
    ordered: Scan,
    narrowest: Scan,
    query: NormalizedQuery,
    matches: (document: unknown) => boolean,
    wanted: number,
  ): StoredDocument[] {
    const budget = Math.max(MIN_ID_WALK, Math.ceil(size(narrowest) / ID_WALK_COST));
    const { found, lastTested } = this.walk(ordered, query, matches, wanted, budget);
    if (lastTested === null) return found;
    const before = idBefore((query.sort[0] as NormalizedSortKey).direction, this.idsBeyondNativeOrder === 0);
    const { documents } = this;
    const rest = firstById(
      narrowest.entries,
      narrowest.start,
      narrowest.end,
      before,
      lastTested,
      wanted - found.length,
      narrowest.exact
        ? null
        : (id) => {
            const document = documents.get(id);
            return document !== undefined && matches(document);
          },
      (id) => documents.get(id) as StoredDocument,
    );
    return found.concat(rest);
  }

  /**
   * The first `wanted` matches in the scan's order after the cursor, testing at most `budget`
   * entries; `lastTested` is the id of the last one tested when the budget stopped the walk
   * before the page was full and the run was done, else null.
   */
  private walk(
    scan: Scan,
    query: NormalizedQuery,
    matches: (document: unknown) => boolean,
    wanted: number,
    budget = Number.POSITIVE_INFINITY,
  ): { found: StoredDocument[]; lastTested: string | null } {
    let { start, end } = scan;
    if (query.after !== null) {
      // The cursor as an index key: fixed values, then the sort values, then the id.
      let key = scan.fixedKey;
      for (let i = 0; i < query.sort.length - 1; i++) {
        key += encodeComponent(query.after[i], (scan.fields[scan.fixed + i] as NormalizedSortKey).direction);
      }
      key += encodeId(query.after[query.sort.length - 1] as string);
      const at = lowerBound(scan.entries, key, start, end);
      if (scan.reverse) end = at;
      else start = at < end && (scan.entries[at] as IndexEntry).key === key ? at + 1 : at;
    }
    const found: StoredDocument[] = [];
    const step = scan.reverse ? -1 : 1;
    let i = scan.reverse ? end - 1 : start;
    for (let tested = 0; i >= start && i < end && found.length < wanted && tested < budget; i += step) {
      tested++;
      const document = this.documents.get((scan.entries[i] as IndexEntry).id);
      if (document !== undefined && matches(document)) found.push(document);
    }
    const stopped = i >= start && i < end && found.length < wanted;
    return { found, lastTested: stopped ? (scan.entries[i - step] as IndexEntry).id : null };
  }

  /** Filters a run (or everything) and keeps the best `wanted` in query order: a partial sort. */
  private sortRun(
    scan: Scan | undefined,
    query: NormalizedQuery,
    matches: (document: unknown) => boolean,
    wanted: number,
  ): StoredDocument[] {
    const accessors = query.sort.map((key) => accessorOf(key.path));
    const keyOf = (values: (index: number) => unknown): string => {
      let key = '';
      for (let i = 0; i < query.sort.length; i++)
        key += encodeComponent(values(i), (query.sort[i] as NormalizedSortKey).direction);
      return key;
    };
    const after = query.after;
    const afterKey = after === null ? null : keyOf((i) => after[i]);
    const best: { document: StoredDocument; key: string }[] = [];
    const byKey = (a: { key: string }, b: { key: string }): number => (a.key < b.key ? -1 : 1);
    this.eachCandidate(scan, (document) => {
      if (!matches(document)) return true;
      const key = keyOf((i) => (accessors[i] as (document: unknown) => unknown)(document));
      if (afterKey !== null && key <= afterKey) return true;
      if (best.length < wanted) {
        best.push({ document, key });
        if (best.length === wanted) best.sort(byKey);
      } else if (key < (best[best.length - 1] as { key: string }).key) {
        let low = 0;
        let high = best.length;
        while (low < high) {
          const middle = (low + high) >>> 1;
          if ((best[middle] as { key: string }).key < key) low = middle + 1;
          else high = middle;
        }
        best.splice(low, 0, { document, key });
        best.pop();
      }
      return true;
    });
    if (best.length < wanted) best.sort(byKey);
    return best.map((item) => item.document);
  }

  private eachCandidate(scan: Scan | undefined, visit: (document: StoredDocument) => boolean): void {
    if (scan === undefined || (scan.start === 0 && scan.end === scan.entries.length)) {
      for (const document of this.documents.values()) if (!visit(document)) return;
      return;
    }
    for (let i = scan.start; i < scan.end; i++) {
      const document = this.documents.get((scan.entries[i] as IndexEntry).id);
      if (document !== undefined && !visit(document)) return;
    }
  }
}

function size(scan: Scan): number {
  return scan.end - scan.start;
}

function equalityOn(
  conditions: readonly Condition[],
  field: string,
): Extract<Condition, { kind: 'eq' }> | undefined {
  for (const condition of conditions)
    if (condition.kind === 'eq' && condition.field === field) return condition;
  return undefined;
}

/** Whether walking index fields (and the implicit `_id` ascending) gives the query's order, or its reverse. */
function matchOrder(
  fields: readonly NormalizedSortKey[],
  sort: readonly NormalizedSortKey[],
): 'forward' | 'reverse' | 'no' {
  if (fields.length + 1 !== sort.length) return 'no';
  const keys = [...fields, { field: '_id', direction: 'asc' as const }];
  let forward = true;
  let reverse = true;
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i] as { field: string; direction: string };
    const wanted = sort[i] as NormalizedSortKey;
    if (key.field !== wanted.field) return 'no';
    if (key.direction === wanted.direction) reverse = false;
    else forward = false;
  }
  return forward ? 'forward' : reverse ? 'reverse' : 'no';
}

/**
 * [start, end) in index order of the entries that start with the fixed key and, when the next
 * field has a range condition with bounds of one type, whose value there is within the range;
 * then whether that range bounded the run.
 */
function bounds(
  entries: readonly IndexEntry[],
  fixedKey: string,
  next: NormalizedSortKey | undefined,
  conditions: readonly Condition[],
): [number, number, boolean] {
  let start = fixedKey === '' ? 0 : lowerBound(entries, fixedKey);
  let end = fixedKey === '' ? entries.length : endOfPrefix(entries, fixedKey, start);
  const range =
    next && conditions.find((condition) => condition.kind === 'range' && condition.field === next.field);
  if (next === undefined || range?.kind !== 'range' || range.bounds.length === 0) return [start, end, false];
  const rank = typeRank(range.bounds[0]?.value);
  if (range.bounds.some((bound) => typeRank(bound.value) !== rank)) return [start, end, false];

  const { direction } = next;
  const within = (key: string) => fixedKey + key;
  const atOrAfter = (key: string) => lowerBound(entries, within(key), start, end);
  const after = (key: string) => endOfPrefix(entries, within(key), start, end);
  // In a descending index the upper value bounds come first.
  const leading = (bound: RangeBound) => (direction === 'asc') === (bound.op === 'gt' || bound.op === 'gte');
  const inclusive = (bound: RangeBound) => bound.op === 'gte' || bound.op === 'lte';

  let from = atOrAfter(typeStart(rank, direction));
  let to = atOrAfter(typeEnd(rank, direction));
  for (const bound of range.bounds) {
    const key = encodeComponent(bound.value, direction);
    if (leading(bound)) from = Math.max(from, inclusive(bound) ? atOrAfter(key) : after(key));
    else to = Math.min(to, inclusive(bound) ? after(key) : atOrAfter(key));
  }
  start = from;
  end = Math.max(from, to);
  return [start, end, true];
}

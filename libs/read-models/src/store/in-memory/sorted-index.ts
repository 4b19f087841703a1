import type { NormalizedSortKey } from '../query';
import { compareStrings, compareValues, isScalar, sortValueAt } from '../values';

export interface IndexEntry {
  readonly id: string;
  /** Sort values of the index fields (missing as null); `id` is the implicit last key, ascending. */
  readonly key: readonly unknown[];
  readonly scalar: boolean;
  dead: boolean;
  placed: boolean;
}

/** Below this many changes since the last read, splicing beats re-merging the whole array. */
const SPLICE_LIMIT = 16;

/**
 * A sorted array of (key, id), kept in step with the collection lazily: writes only queue
 * changes, the next read applies them (a few by binary-search splices, many by one merge). So a
 * rebuild writing 100,000 documents pays one sort, not 100,000 array insertions, and a write that
 * does not change the sort fields costs nothing here.
 */
export class SortedIndex {
  private entries: IndexEntry[] = [];
  private readonly byId = new Map<string, IndexEntry>();
  private pending: IndexEntry[] = [];
  private deadPlaced: IndexEntry[] = [];
  private nonScalarEntries = 0;
  private readonly directions: readonly number[];

  constructor(readonly fields: readonly NormalizedSortKey[]) {
    this.directions = fields.map((field) => (field.direction === 'asc' ? 1 : -1));
  }

  get signature(): string {
    return indexSignature(this.fields);
  }

  /** False while some indexed value is an object or array: then bounds derived from keys are not safe. */
  get scalarOnly(): boolean {
    return this.nonScalarEntries === 0;
  }

  put(id: string, document: unknown): void {
    const key = this.fields.map((field) => sortValueAt(document, field.path));
    const current = this.byId.get(id);
    if (current !== undefined && sameKey(current.key, key)) return;
    if (current !== undefined) this.kill(current);
    const entry: IndexEntry = { id, key, scalar: key.every(isScalar), dead: false, placed: false };
    if (!entry.scalar) this.nonScalarEntries++;
    this.byId.set(id, entry);
    this.pending.push(entry);
  }

  remove(id: string): void {
    const current = this.byId.get(id);
    if (current === undefined) return;
    this.kill(current);
    this.byId.delete(id);
  }

  /** The entries in index order, with every queued change applied. */
  sorted(): readonly IndexEntry[] {
    if (this.pending.length === 0 && this.deadPlaced.length === 0) return this.entries;
    const added = this.pending.filter((entry) => !entry.dead);
    if (added.length + this.deadPlaced.length <= SPLICE_LIMIT) {
      for (const dead of this.deadPlaced) this.entries.splice(this.lowerBound(dead), 1);
      for (const entry of added) this.entries.splice(this.lowerBound(entry), 0, entry);
    } else {
      added.sort(this.compare);
      const kept = this.deadPlaced.length === 0 ? this.entries : this.entries.filter((entry) => !entry.dead);
      this.entries = merge(kept, added, this.compare);
    }
    for (const entry of added) entry.placed = true;
    this.pending = [];
    this.deadPlaced = [];
    return this.entries;
  }

  /** Index order: the fields with their directions, then the id ascending. */
  readonly compare = (a: IndexEntry, b: IndexEntry): number => {
    for (let i = 0; i < this.directions.length; i++) {
      const order = compareValues(a.key[i], b.key[i]);
      if (order !== 0) return order * (this.directions[i] ?? 1);
    }
    return compareStrings(a.id, b.id);
  };

  private kill(entry: IndexEntry): void {
    entry.dead = true;
    if (!entry.scalar) this.nonScalarEntries--;
    if (entry.placed) this.deadPlaced.push(entry);
  }

  private lowerBound(target: IndexEntry): number {
    let low = 0;
    let high = this.entries.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (this.compare(this.entries[middle] as IndexEntry, target) < 0) low = middle + 1;
      else high = middle;
    }
    return low;
  }
}

export function indexSignature(fields: readonly NormalizedSortKey[]): string {
  return fields.map((field) => `${field.field}:${field.direction}`).join(',');
}

function sameKey(a: readonly unknown[], b: readonly unknown[]): boolean {
  for (let i = 0; i < a.length; i++) {
    if (a[i] !== b[i] && compareValues(a[i], b[i]) !== 0) return false;
  }
  return true;
}

function merge<T>(left: readonly T[], right: readonly T[], compare: (a: T, b: T) => number): T[] {
  const merged = new Array<T>(left.length + right.length);
  let i = 0;
  let j = 0;
  let k = 0;
  while (i < left.length && j < right.length) {
    merged[k++] = compare(left[i] as T, right[j] as T) <= 0 ? (left[i++] as T) : (right[j++] as T);
  }
  while (i < left.length) merged[k++] = left[i++] as T;
  while (j < right.length) merged[k++] = right[j++] as T;
  return merged;
}

import type { NormalizedSortKey } from '../query';
import { accessorOf, isScalar } from '../values';
import { encodeComponent, encodeId } from './sort-key';

export interface IndexEntry {
  readonly id: string;
  /** The index fields then the id, encoded so that `<` on strings is the index order. */
  readonly key: string;
  readonly scalar: boolean;
  dead: boolean;
  placed: boolean;
}

/** Below this many removals and insertions since the last read, splicing beats rebuilding. */
const SPLICE_LIMIT = 16;

/**
 * A sorted array of entries, kept in step with the collection lazily: writes only queue changes,
 * the next read applies them (a few by binary-search splices, many by one merge pass). So a
 * rebuild writing 100,000 documents pays one sort, not 100,000 array insertions, and a write that
 * does not change the indexed fields costs nothing here.
 */
export class SortedIndex {
  private entries: IndexEntry[] = [];
  private readonly byId = new Map<string, IndexEntry>();
  private pending: IndexEntry[] = [];
  private deadPlaced = 0;
  private nonScalarEntries = 0;
  private readonly accessors: readonly ((document: unknown) => unknown)[];

  constructor(readonly fields: readonly NormalizedSortKey[]) {
    this.accessors = fields.map((field) => accessorOf(field.path));
  }

  get signature(): string {
    return indexSignature(this.fields);
  }

  /** False while some indexed value is an object or array: then bounds derived from keys are not safe. */
  get scalarOnly(): boolean {
    return this.nonScalarEntries === 0;
  }

  put(id: string, document: unknown): void {
    let key = '';
    let scalar = true;
    for (let i = 0; i < this.fields.length; i++) {
      const value = (this.accessors[i] as (document: unknown) => unknown)(document);
      if (value !== undefined && !isScalar(value)) scalar = false;
      key += encodeComponent(value, (this.fields[i] as NormalizedSortKey).direction);
    }
    key += encodeId(id);
    const current = this.byId.get(id);
    if (current !== undefined && current.key === key) return;
    if (current !== undefined) this.kill(current);
    const entry: IndexEntry = { id, key, scalar, dead: false, placed: false };
    if (!scalar) this.nonScalarEntries++;
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
    if (this.pending.length === 0 && this.deadPlaced === 0) return this.entries;
    const added = this.pending.filter((entry) => !entry.dead);
    if (added.length + this.deadPlaced <= SPLICE_LIMIT) {
      if (this.deadPlaced > 0) {
        for (let i = this.entries.length - 1; i >= 0; i--) if ((this.entries[i] as IndexEntry).dead) this.entries.splice(i, 1);
      }
      for (const entry of added) this.entries.splice(lowerBound(this.entries, entry.key), 0, entry);
    } else {
      added.sort((a, b) => (a.key < b.key ? -1 : 1));
      const kept = this.deadPlaced === 0 ? this.entries : this.entries.filter((entry) => !entry.dead);
      this.entries = mergeSorted(kept, added);
    }
    for (const entry of added) entry.placed = true;
    this.pending = [];
    this.deadPlaced = 0;
    return this.entries;
  }

  private kill(entry: IndexEntry): void {
    entry.dead = true;
    if (!entry.scalar) this.nonScalarEntries--;
    if (entry.placed) this.deadPlaced++;
  }
}

export function indexSignature(fields: readonly NormalizedSortKey[]): string {
  return fields.map((field) => `${field.field}:${field.direction}`).join(',');
}

/** First position whose key is ≥ `key`. */
export function lowerBound(entries: readonly IndexEntry[], key: string, low = 0, high = entries.length): number {
  while (low < high) {
    const middle = (low + high) >>> 1;
    if ((entries[middle] as IndexEntry).key < key) low = middle + 1;
    else high = middle;
  }
  return low;
}

/** First position whose key neither starts with `prefix` nor sorts before it. */
export function endOfPrefix(entries: readonly IndexEntry[], prefix: string, low = 0, high = entries.length): number {
  while (low < high) {
    const middle = (low + high) >>> 1;
    const key = (entries[middle] as IndexEntry).key;
    if (key < prefix || key.startsWith(prefix)) low = middle + 1;
    else high = middle;
  }
  return low;
}

/** Merges a few sorted additions into a long sorted array: binary search per addition, bulk copies between. */
function mergeSorted(kept: readonly IndexEntry[], added: readonly IndexEntry[]): IndexEntry[] {
  const merged: IndexEntry[] = new Array<IndexEntry>(kept.length + added.length);
  let from = 0;
  let to = 0;
  for (const entry of added) {
    const at = lowerBound(kept, entry.key, from);
    for (let i = from; i < at; i++) merged[to++] = kept[i] as IndexEntry;
    merged[to++] = entry;
    from = at;
  }
  for (let i = from; i < kept.length; i++) merged[to++] = kept[i] as IndexEntry;
  return merged;
}

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

/** Up to this many removals and insertions, native splices beat one pass over the array. */
const SPLICE_LIMIT = 128;
/** Queued changes are merged without waiting for a read once they reach this many… */
const QUEUE_LIMIT = 4_096;
/** …or this share of the entries (one pass over the array then costs little per change). */
const QUEUE_RATIO = 8;

/**
 * A sorted array of entries. Writes queue their changes; the next read applies them (a few
 * spliced in, many merged in one pass), and a queue grown long is merged after its batch. A splice
 * moves the whole tail of the array, so applying each live command's change as it is written cost
 * a quarter of the API's CPU at 10,000 complaints under command load; queued, the changes between
 * two reads share one apply. A rebuild writing 100,000 documents pays one sort, and a write that
 * leaves the indexed fields alone costs nothing.
 */
export class SortedIndex {
  private entries: IndexEntry[] = [];
  private readonly byId = new Map<string, IndexEntry>();
  private pending: IndexEntry[] = [];
  private deadPlaced: IndexEntry[] = [];
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
    if (this.pending.length > 0 || this.deadPlaced.length > 0) this.apply();
    return this.entries;
  }

  /** Called after each write batch: see the class comment. */
  settle(): void {
    const changes = this.pending.length + this.deadPlaced.length;
    if (changes >= QUEUE_LIMIT || (changes > 0 && changes * QUEUE_RATIO >= this.entries.length)) this.apply();
  }

  private apply(): void {
    const added = this.pending.filter((entry) => !entry.dead);
    added.sort((a, b) => (a.key < b.key ? -1 : 1));
    if (added.length + this.deadPlaced.length <= SPLICE_LIMIT) {
      // Removals first: a dead entry may share its key with a re-added one.
      for (const dead of this.deadPlaced) this.entries.splice(lowerBound(this.entries, dead.key), 1);
      for (const entry of added) this.entries.splice(lowerBound(this.entries, entry.key), 0, entry);
    } else {
      this.entries = mergeLive(this.entries, added);
    }
    for (const entry of added) entry.placed = true;
    this.pending = [];
    this.deadPlaced = [];
  }

  private kill(entry: IndexEntry): void {
    entry.dead = true;
    if (!entry.scalar) this.nonScalarEntries--;
    if (entry.placed) this.deadPlaced.push(entry);
  }
}

export function indexSignature(fields: readonly NormalizedSortKey[]): string {
  return fields.map((field) => `${field.field}:${field.direction}`).join(',');
}

/** First position in [low, high) whose key is ≥ `key`. */
export function lowerBound(
  entries: readonly IndexEntry[],
  key: string,
  low = 0,
  high = entries.length,
): number {
  while (low < high) {
    const middle = (low + high) >>> 1;
    if ((entries[middle] as IndexEntry).key < key) low = middle + 1;
    else high = middle;
  }
  return low;
}

/** First position in [low, high) whose key neither starts with `prefix` nor sorts before it. */
export function endOfPrefix(
  entries: readonly IndexEntry[],
  prefix: string,
  low = 0,
  high = entries.length,
): number {
  while (low < high) {
    const middle = (low + high) >>> 1;
    const key = (entries[middle] as IndexEntry).key;
    if (key < prefix || key.startsWith(prefix)) low = middle + 1;
    else high = middle;
  }
  return low;
}

/**
 * One pass: the live entries of a sorted array with sorted additions merged in. Each addition
 * finds its place by binary search, so the pass compares a few keys, not all of them.
 */
function mergeLive(entries: readonly IndexEntry[], added: readonly IndexEntry[]): IndexEntry[] {
  const merged: IndexEntry[] = [];
  let from = 0;
  const copyLive = (to: number): void => {
    for (let i = from; i < to; i++) {
      const entry = entries[i] as IndexEntry;
      if (!entry.dead) merged.push(entry);
    }
    from = to;
  };
  for (const entry of added) {
    copyLive(lowerBound(entries, entry.key, from));
    merged.push(entry);
  }
  copyLive(entries.length);
  return merged;
}

import type { SortDirection, StoredDocument } from '../read-store.port';
import { compareStrings } from '../values';
import type { IndexEntry } from './sorted-index';

/** Ids with such units may order differently by UTF-16 unit (`<`) than by code point (MongoDB). */
export const BEYOND_NATIVE_ORDER = /[\ud800-\uffff]/;

/** Whether id `a` comes before id `b` in a sort on `_id` alone. */
export type IdBefore = (a: string, b: string) => boolean;

/** Native comparison is several times faster, and exact while no id holds a unit ≥ U+D800. */
export function idBefore(direction: SortDirection, nativeOrder: boolean): IdBefore {
  if (nativeOrder) return direction === 'asc' ? (a, b) => a < b : (a, b) => a > b;
  return direction === 'asc' ? (a, b) => compareStrings(a, b) < 0 : (a, b) => compareStrings(a, b) > 0;
}

/** Positions sampled to guess in which direction a run's ids mostly rise. */
const DIRECTION_SAMPLES = 17;

/**
 * The first `wanted` matches, in id order, among the entries [start, end) of an index in some
 * other order (a `receivedAt` range when the list is sorted by number), only those after `after`.
 * Ids are compared before anything else: once the page is full, an entry that would not enter it
 * costs one comparison, and only those that would are tested (`accepts`; null when every entry of
 * the run matches). The run is read in the direction in which its ids mostly come in the wanted
 * order — complaint numbers rise with receipt, except where a reopened complaint or the step
 * from CC-2026-9999 to CC-2026-10000 breaks the string order — so that the page fills at once
 * and the rest of the run is passed over; any order gives the same answer, only slower.
 */
export function firstById(
  entries: readonly IndexEntry[],
  start: number,
  end: number,
  before: IdBefore,
  after: string | null,
  wanted: number,
  accepts: ((id: string) => boolean) | null,
  resolve: (id: string) => StoredDocument,
): StoredDocument[] {
  if (end <= start || wanted <= 0) return [];
  const idAt = (i: number) => (entries[i] as IndexEntry).id;
  const best: string[] = [];
  if (wanted >= end - start) {
    // Every match is wanted: one sort, not an insertion per match.
    for (let i = start; i < end; i++) {
      const id = idAt(i);
      if ((after === null || before(after, id)) && (accepts === null || accepts(id))) best.push(id);
    }
    return best.sort((a, b) => (before(a, b) ? -1 : 1)).map(resolve);
  }
  const step = risesForwards(idAt, start, end, before) ? 1 : -1;
  for (let i = step === 1 ? start : end - 1; i >= start && i < end; i += step) {
    const id = idAt(i);
    if (after !== null && !before(after, id)) continue;
    const full = best.length >= wanted;
    if (full && !before(id, best[best.length - 1] as string)) continue;
    if (accepts !== null && !accepts(id)) continue;
    if (best.length === 0 || before(best[best.length - 1] as string, id)) {
      best.push(id);
    } else {
      let low = 0;
      let high = best.length;
      while (low < high) {
        const middle = (low + high) >>> 1;
        if (before(best[middle] as string, id)) low = middle + 1;
        else high = middle;
      }
      best.splice(low, 0, id);
    }
    if (best.length > wanted) best.pop();
  }
  return best.map(resolve);
}

/** A vote of consecutive pairs among evenly spaced samples: one stray id at an end cannot decide. */
function risesForwards(idAt: (i: number) => string, start: number, end: number, before: IdBefore): boolean {
  const samples = Math.min(DIRECTION_SAMPLES, end - start);
  if (samples < 2) return true;
  const at = (j: number) => start + Math.floor((j * (end - start - 1)) / (samples - 1));
  let rising = 0;
  for (let j = 1; j < samples; j++) if (before(idAt(at(j - 1)), idAt(at(j)))) rising++;
  return rising * 2 >= samples - 1;
}

/**
 * Keeps `repeat` of every complaint document equal to DESIGN §8's definition, so that the list can
 * filter the repeats of a month with an index (`repeat = true` and received in the month) and
 * give exactly the report's figure.
 *
 * Whether a complaint repeats another depends on the other complaints of its series (same
 * customer, part and cause category), which no single event names: the flag is therefore derived
 * after each batch from the documents as written, for the series the batch touched. Each flag is
 * a function of the stored complaints alone, so any batching of the same events ends with the
 * same flags, and a batch run again sets the same ones.
 */
import type { ChangeFields, DocumentChange } from '@qms/projection-engine';
import type { FindQuery, Page, StoredDocument } from '@qms/read-store';
import { COMPLAINTS_COLLECTION, type ComplaintDocument } from './complaint.document';
import { DAY_MS } from '../kpi/calendar';
import { REPEAT_SERIES_INDEX } from '../reporting/indexes';

type SeriesFacts = Pick<ComplaintDocument, '_id' | 'customerId' | 'partNo' | 'rootCause' | 'receivedAt' | 'reopenedFrom'>;

/**
 * All updateRepeatFlags reads of a change: the complaint's place in its series. Most events (an
 * action, a step done) leave it as it was and give the flags nothing to do.
 */
export const REPEAT_FLAG_READS: ChangeFields = {
  fields: ['customerId', 'partNo', 'rootCause', 'receivedAt', 'reopenedFrom'] satisfies (keyof SeriesFacts)[],
  ignoreUnchanged: true,
};

export interface RepeatFlagStore {
  getMany<D extends StoredDocument = StoredDocument>(collection: string, ids: readonly string[]): Promise<Map<string, D>>;
  find<D extends StoredDocument = StoredDocument>(collection: string, query?: FindQuery): Promise<Page<D>>;
  stream<D extends StoredDocument = StoredDocument>(collection: string, query?: FindQuery): AsyncIterable<D>;
  bulkWrite<D extends StoredDocument>(collection: string, batch: { upserts?: readonly D[] }): Promise<void>;
}

/** Receipt order within a series: time, then number (the report's order too). */
export function byReceipt(a: Pick<SeriesFacts, '_id' | 'receivedAt'>, b: Pick<SeriesFacts, '_id' | 'receivedAt'>): number {
  if (a.receivedAt !== b.receivedAt) return a.receivedAt < b.receivedAt ? -1 : 1;
  return a._id < b._id ? -1 : a._id > b._id ? 1 : 0;
}

/** The complaint follows `previous` (the one before it in its series) within the window. */
export function repeatsPrevious(complaint: Pick<SeriesFacts, 'receivedAt'>, previous: Pick<SeriesFacts, 'receivedAt'> | undefined, windowDays: number): boolean {
  return previous !== undefined && Date.parse(complaint.receivedAt) - Date.parse(previous.receivedAt) <= windowDays * DAY_MS;
}

const seriesOf = (c: SeriesFacts): string | null =>
  c.rootCause === null ? null : JSON.stringify([c.customerId, c.partNo, c.rootCause.category]);

const changedSeries = (before: SeriesFacts | null, after: SeriesFacts | null): boolean =>
  before === null ||
  after === null ||
  before.receivedAt !== after.receivedAt ||
  seriesOf(before) !== seriesOf(after) ||
  before.reopenedFrom !== after.reopenedFrom;

/**
 * Recomputes the flags that the batch's complaint changes can affect: around each place a
 * complaint entered or left a series, the complaints received from then to one window later (a
 * later complaint's predecessor may have changed) — each judged against its predecessor, which
 * lies in the window before it or does not count.
 */
export async function updateRepeatFlags(changes: readonly DocumentChange[], store: RepeatFlagStore, windowDays: number): Promise<void> {
  const windowMs = windowDays * DAY_MS;
  const places = new Map<string, SeriesFacts & { readonly rootCause: NonNullable<SeriesFacts['rootCause']> }>();
  for (const change of changes) {
    if (change.collection !== COMPLAINTS_COLLECTION) continue;
    const before = change.before as SeriesFacts | null;
    const after = change.after as SeriesFacts | null;
    if (!changedSeries(before, after)) continue;
    // Without a cause category a complaint is in no series: its flag (reopened or not) is set
    // when it is registered.
    for (const complaint of [before, after]) {
      if (complaint === null || complaint.rootCause === null) continue;
      places.set(`${seriesOf(complaint) ?? ''}\u0000${complaint.receivedAt}`, { ...complaint, rootCause: complaint.rootCause });
    }
  }
  const updated = new Map<string, ComplaintDocument>();
  for (const place of places.values()) {
    const from = place.receivedAt;
    const { items } = await store.find<ComplaintDocument>(COMPLAINTS_COLLECTION, {
      filter: {
        customerId: { eq: place.customerId },
        receivedAt: { gte: new Date(Date.parse(from) - windowMs).toISOString(), lte: new Date(Date.parse(from) + windowMs).toISOString() },
        partNo: { eq: place.partNo },
        'rootCause.category': { eq: place.rootCause.category },
      },
      // The order of the series index: one bounded run of it, whatever the store.
      sort: [{ field: 'receivedAt', direction: 'desc' }],
    });
    const series = [...items].sort(byReceipt);
    series.forEach((complaint, index) => {
      if (complaint.receivedAt < from) return;
      const repeat = complaint.reopenedFrom !== null || repeatsPrevious(complaint, series[index - 1], windowDays);
      if (complaint.repeat !== repeat) updated.set(complaint._id, { ...complaint, repeat });
    });
  }
  // One bulk write, however long the series: a read store in FerretDB mode splits it itself.
  if (updated.size > 0) await store.bulkWrite(COMPLAINTS_COLLECTION, { upserts: [...updated.values()].sort(byReceipt) });
}

/** Flags written per bulk write while the whole store is walked. */
const DERIVED_FLAGS_PER_WRITE = 1_000;

/** What the walk reads of each complaint: its series, receipt and flag, not its texts and steps. */
type SeriesEntry = SeriesFacts & Pick<ComplaintDocument, 'repeat'>;
const SERIES_FIELDS = ['customerId', 'partNo', 'rootCause', 'receivedAt', 'reopenedFrom', 'repeat'] satisfies (keyof SeriesEntry)[];

/**
 * Every flag at once, as updateRepeatFlags after every batch would have left it (the projection's
 * afterReplay): the complaints with a cause category walked series by series along the series
 * index, each judged against the one before it; only the complaints whose flag changes are read
 * whole and written. Complaints without one keep the flag set when they were registered, as they
 * do batch by batch. Writes never move a complaint within the walk.
 */
export async function deriveAllRepeatFlags(store: RepeatFlagStore, windowDays: number): Promise<number> {
  let changed = 0;
  let pending = new Map<string, boolean>();
  const write = async () => {
    if (pending.size === 0) return;
    const whole = await store.getMany<ComplaintDocument>(COMPLAINTS_COLLECTION, [...pending.keys()]);
    const flagged = [...whole.values()].map((complaint) => ({ ...complaint, repeat: pending.get(complaint._id) as boolean }));
    await store.bulkWrite(COMPLAINTS_COLLECTION, { upserts: flagged.sort(byReceipt) });
    changed += flagged.length;
    pending = new Map();
  };
  const judge = (series: SeriesEntry[]) => {
    series.sort(byReceipt).forEach((complaint, index) => {
      const repeat = complaint.reopenedFrom !== null || repeatsPrevious(complaint, series[index - 1], windowDays);
      if (complaint.repeat !== repeat) pending.set(complaint._id, repeat);
    });
  };
  let series: SeriesEntry[] = [];
  let seriesKey: string | null = null;
  const walk = store.stream<SeriesEntry & StoredDocument>(COMPLAINTS_COLLECTION, {
    filter: { 'rootCause.category': { gte: '' } },
    sort: [...REPEAT_SERIES_INDEX],
    fields: SERIES_FIELDS,
  });
  for await (const complaint of walk) {
    const key = seriesOf(complaint);
    if (key !== seriesKey) {
      judge(series);
      series = [];
      seriesKey = key;
      if (pending.size >= DERIVED_FLAGS_PER_WRITE) await write();
    }
    series.push(complaint);
  }
  judge(series);
  await write();
  return changed;
}

import type { DomainEvent } from '@qms/domain-kernel';
import { defaultEventCatalogue } from '@qms/event-catalogue';
import type { RecordedEvent } from '@qms/event-store';
import { applyBatch, journalName } from '@qms/projection-engine';
import { SqliteReadStore } from '@qms/read-store';
import {
  createComplaintListProjection,
  cutoffAfter,
  type ComplaintDocument,
  COMPLAINTS_COLLECTION,
  COMPLAINT_ACTIONS_COLLECTION,
  isOverdueAt,
  type StoredComplaint,
  toMasterListRow,
  withActions,
  withActionsOf,
} from '../complaint-list';
import { ACTION_EVENT_TYPES } from '../complaint-list/complaint-list.projection';
import { COMPLAINT_LISTS_PROJECTION, createComplaintListsProjection } from './complaint-lists.projection';
import { REPORTING_CONFIG } from './__fixtures__/replay-harness';
import { recordedHistory } from './__fixtures__/valid-history';

const catalogue = defaultEventCatalogue();
const decode = (recorded: RecordedEvent): DomainEvent => catalogue.decode(recorded);
const target = { physical: (collection: string) => collection, checkpointName: COMPLAINT_LISTS_PROJECTION, journal: journalName(COMPLAINT_LISTS_PROJECTION) };

/** Each complaint as the single-document rules (createComplaintListProjection) leave it after `events`. */
function wholeDocuments(events: readonly RecordedEvent[]): Map<string, Compared> {
  return new Map([...evolvedDocuments(events)].map(([id, document]) => [id, compared(document)]));
}

function evolvedDocuments(events: readonly RecordedEvent[]): Map<string, ComplaintDocument> {
  const rules = createComplaintListProjection(REPORTING_CONFIG);
  const handled = new Set<string>(rules.eventTypes);
  const documents = new Map<string, ComplaintDocument>();
  for (const recorded of events) {
    if (!handled.has(recorded.type)) continue;
    const event = decode(recorded) as Parameters<typeof rules.evolve>[1];
    const [id] = rules.documentIds(event);
    if (id === undefined) continue;
    const next = rules.evolve(documents.get(id) ?? null, event);
    if (next === null) documents.delete(id);
    else documents.set(id, next);
  }
  return documents;
}

type Compared = Omit<ComplaintDocument, 'repeat'>;

/** The repeat flag is left out: afterBatch derives it across a series (repeat-flags.ts has its own specs). */
const compared = ({ repeat: _repeat, ...document }: ComplaintDocument): Compared => document;

async function storedComplaints(store: SqliteReadStore): Promise<Map<string, Compared>> {
  const rows = (await store.find<StoredComplaint>(COMPLAINTS_COLLECTION)).items;
  const joined = await withActions(store, rows);
  return new Map(joined.map(({ _position: _ignored, ...document }: ComplaintDocument & { _position?: number }) => [document._id, compared(document)]));
}

/**
 * The lists keep a complaint in two parts, its row and its actions (complaint.document.ts). Joined
 * they must be exactly the single document the lists' rules describe, however the events are
 * batched; and an action that moves neither the next due date nor the overdue months must not
 * write the row, which is what the split is for.
 */
describe('the complaint lists stored in two parts', () => {
  it.each([1, 7, 200])('joined, equal the whole documents after every batch of %i events', async (batchSize) => {
    const projection = createComplaintListsProjection(REPORTING_CONFIG);
    for (const seed of [3, 17]) {
      const events = recordedHistory(seed, 400);
      const store = SqliteReadStore.open({ path: ':memory:' });
      try {
        for (let start = 0; start < events.length; start += batchSize) {
          const batch = events.slice(start, start + batchSize);
          await applyBatch(projection, batch, store, target, decode);
          if (start % (batchSize * 25) === 0 || start + batchSize >= events.length) {
            expect(await storedComplaints(store)).toEqual(wholeDocuments(events.slice(0, start + batchSize)));
          }
        }
        expect((await storedComplaints(store)).size).toBeGreaterThan(20);
      } finally {
        await store.close();
      }
    }
  });

  it("writes the complaint's row for an action only when its next due date or overdue months move", async () => {
    const projection = createComplaintListsProjection(REPORTING_CONFIG);
    const events = recordedHistory(29, 600);
    const store = SqliteReadStore.open({ path: ':memory:' });
    const rules = createComplaintListProjection(REPORTING_CONFIG);
    const whole = new Map<string, ComplaintDocument>();
    let rowLeft = 0;
    let rowWritten = 0;
    try {
      for (const recorded of events) {
        await applyBatch(projection, [recorded], store, target, decode);
        if (!(rules.eventTypes as readonly string[]).includes(recorded.type)) continue;
        const event = decode(recorded) as Parameters<typeof rules.evolve>[1];
        const id = event.data.complaintNumber;
        const before = whole.get(id) ?? null;
        const after = rules.evolve(before, event);
        if (after !== null) whole.set(id, after);
        if (before === null || after === null || !ACTION_EVENT_TYPES.has(event.type)) continue;
        const row = await store.get<StoredComplaint & { _position: number }>(COMPLAINTS_COLLECTION, id);
        const actions = await store.get<{ _id: string; _position: number }>(COMPLAINT_ACTIONS_COLLECTION, id);
        const moved = before.nextDueAt !== after.nextDueAt || JSON.stringify(before.overdueMonths) !== JSON.stringify(after.overdueMonths);
        if (moved) {
          expect(row?._position).toBe(recorded.position);
          rowWritten += 1;
        } else {
          expect(row?._position).toBeLessThan(recorded.position);
          if (actions !== null && after.actions !== before.actions) expect(actions._position).toBe(recorded.position);
          rowLeft += 1;
        }
      }
    } finally {
      await store.close();
    }
    // Both cases occur in the history, or the spec proves nothing.
    expect(rowLeft).toBeGreaterThan(20);
    expect(rowWritten).toBeGreaterThan(5);
  });
});

describe('reading a complaint whole (withActions)', () => {
  it('takes the actions document, or the actions a row stored before the split still carries', async () => {
    const documents = [...evolvedDocuments(recordedHistory(7, 300)).values()].filter((document) => document.actions.length > 0);
    const [split, older] = documents;
    if (split === undefined || older === undefined) throw new Error('the history has fewer than two complaints with actions');
    const store = SqliteReadStore.open({ path: ':memory:' });
    try {
      const { actions, ...row } = split;
      await store.bulkWrite(COMPLAINTS_COLLECTION, { upserts: [row, older] });
      await store.bulkWrite(COMPLAINT_ACTIONS_COLLECTION, { upserts: [{ _id: split._id, actions }] });
      const read = await withActions(store, [row, older, { ...row, _id: 'CC-NONE' }]);
      expect(read.map((document) => document.actions)).toEqual([split.actions, older.actions, []]);
      expect((await withActionsOf(store, older)).actions).toEqual(older.actions);
      expect((await withActionsOf(store, row)).actions).toEqual(split.actions);
    } finally {
      await store.close();
    }
  });
});

/**
 * The master list reads no action: its "overdue now" comes from the row's earliest pending
 * deadline. Asked as of any time no later fact is known at, it must say what judging every step
 * says (complaint-timeline.ts).
 */
describe("the master list's overdue now, from the row alone", () => {
  it('agrees with every step judged, as of times after the last known fact', () => {
    const events = recordedHistory(41, 600);
    const documents = evolvedDocuments(events);
    const times = events.map((event) => event.data['occurredAt']).filter((time): time is string => typeof time === 'string');
    const latest = Date.parse(times.reduce((a, b) => (a > b ? a : b)));
    let overdue = 0;
    let compared = 0;
    for (const days of [0, 3, 20, 90]) {
      const asOf = new Date(latest + days * 86_400_000).toISOString();
      for (const document of documents.values()) {
        const { actions: _actions, ...row } = document;
        const judged = isOverdueAt(document, cutoffAfter(asOf));
        expect([document._id, asOf, toMasterListRow(row, asOf).overdueNow]).toEqual([document._id, asOf, judged]);
        if (judged) overdue += 1;
        compared += 1;
      }
    }
    // Both answers occur, or the comparison proves nothing.
    expect(overdue).toBeGreaterThan(10);
    expect(compared - overdue).toBeGreaterThan(10);
  });
});

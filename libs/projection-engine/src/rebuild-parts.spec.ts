import type { JsonObject, RecordedEvent } from '@qms/event-store';
import { SqliteReadStore, type ReadStore, type StoredDocument } from '@qms/read-store';
import { FakeEventStore } from '../../testing/src/fake-event-store';
import { ProjectionEngine } from './projection-engine';
import type { ProjectedDocument, Projection, ProjectionStore } from './projection';
import { assertReplayParts, partCheckpointName } from './rebuild-parts';

// ---------------------------------------------------------------------------------------------
// A projection in two replay parts: tallies per key ('Counted', 'Removed') and notes per key
// ('Noted'), which share no event type and no document, and a summary that afterBatch and
// afterReplay derive from both.
// ---------------------------------------------------------------------------------------------

type PartsEvent =
  | { readonly type: 'Counted'; readonly data: { readonly key: string; readonly amount: number } }
  | { readonly type: 'Removed'; readonly data: { readonly key: string } }
  | { readonly type: 'Noted'; readonly data: { readonly key: string; readonly text: string } };

interface Tally extends ProjectedDocument {
  readonly total: number;
}

interface Note extends ProjectedDocument {
  readonly texts: readonly string[];
}

const summarise = async (store: ProjectionStore): Promise<void> => {
  let total = 0;
  let notes = 0;
  for await (const tally of store.stream<Tally>('tallies')) total += tally.total;
  for await (const note of store.stream<Note>('notes')) notes += note.texts.length;
  await store.bulkWrite('summary', { upserts: [{ _id: 'all', total, notes }] });
};

function partsProjection(overrides: Partial<Projection<PartsEvent>> = {}): Projection<PartsEvent> {
  return {
    name: 'ledger',
    eventTypes: ['Counted', 'Removed', 'Noted'],
    collections: [{ name: 'tallies' }, { name: 'notes' }, { name: 'summary' }],
    replayParts: [
      { name: 'counts', eventTypes: ['Counted', 'Removed'], collections: ['tallies'] },
      { name: 'notes', eventTypes: ['Noted'], collections: ['notes'] },
    ],
    documentIds: (event) => [{ collection: event.type === 'Noted' ? 'notes' : 'tallies', id: event.data.key }],
    evolve(document, event, id): ProjectedDocument | null {
      switch (event.type) {
        case 'Counted': {
          const tally: Tally = { _id: id, total: ((document as Tally | null)?.total ?? 0) + event.data.amount };
          return tally;
        }
        case 'Removed':
          return null;
        case 'Noted': {
          const note: Note = { _id: id, texts: [...((document as Note | null)?.texts ?? []), event.data.text] };
          return note;
        }
      }
    },
    async afterBatch(changes, store) {
      if (changes.length > 0) await summarise(store);
    },
    afterReplay: summarise,
    ...overrides,
  };
}

const decode = (recorded: RecordedEvent): PartsEvent => ({ type: recorded.type, data: recorded.data }) as unknown as PartsEvent;

const RETRY = { initialDelayMs: 1, maxDelayMs: 2 };

describe('a rebuild in replay parts', () => {
  let events: FakeEventStore;
  let store: ReadStore;
  const engines: ProjectionEngine<PartsEvent>[] = [];

  const engineOn = (readStore: ReadStore): ProjectionEngine<PartsEvent> => {
    const engine = new ProjectionEngine<PartsEvent>({ eventStore: events, readStore, projections: [partsProjection()], decodeEvent: decode, batchSize: 4, retry: RETRY });
    engines.push(engine);
    return engine;
  };

  async function append(count: number, seed: number): Promise<void> {
    for (let index = 0; index < count; index++) {
      const n = seed + index;
      const key = `k${n % 5}`;
      const event: { type: string; data: JsonObject } =
        n % 7 === 6 ? { type: 'Removed', data: { key } } : n % 3 === 0 ? { type: 'Noted', data: { key, text: `note ${n}` } } : { type: 'Counted', data: { key, amount: n } };
      await events.append(`stream-${n % 4}`, event);
    }
  }

  /** Every collection of the projection, as a plain rebuild into a store of its own leaves it. */
  async function plainRebuild(): Promise<Record<string, readonly StoredDocument[]>> {
    const other = SqliteReadStore.open({ path: ':memory:' });
    try {
      await engineOn(other).rebuild('ledger');
      return await contents(other);
    } finally {
      await other.close();
    }
  }

  async function contents(readStore: ReadStore): Promise<Record<string, readonly StoredDocument[]>> {
    const result: Record<string, readonly StoredDocument[]> = {};
    for (const name of ['tallies', 'notes', 'summary']) result[name] = (await readStore.find(name, { sort: [{ field: '_id', direction: 'asc' }] })).items;
    return result;
  }

  beforeEach(() => {
    events = new FakeEventStore({ positionStep: 3 });
    store = SqliteReadStore.open({ path: ':memory:' });
  });

  afterEach(async () => {
    for (const engine of engines.splice(0)) await engine.stop();
    await store.close();
  });

  it('replays each part in an engine of its own, then joins them into the copy a plain rebuild makes, swapped in', async () => {
    await append(60, 0);
    const [counts, notes, whole] = [engineOn(store), engineOn(store), engineOn(store)];
    const prepared = await whole.prepareRebuildParts('ledger');
    expect(prepared).toEqual({ resumed: false, positions: new Map([['counts', 0], ['notes', 0]]) });

    const [countsResult, notesResult] = await Promise.all([counts.rebuildTogether(['ledger:counts']), notes.rebuildTogether(['ledger:notes'])]);
    const head = await events.headPosition();
    expect(countsResult).toEqual([expect.objectContaining({ projection: 'ledger', part: 'counts', position: head, eventsProcessed: 43 })]);
    expect(notesResult).toEqual([expect.objectContaining({ projection: 'ledger', part: 'notes', position: head, eventsProcessed: 17 })]);
    // Stored, not live: nothing is swapped in until the whole is rebuilt.
    expect(await store.getCheckpoint('ledger')).toBeNull();
    expect(await store.count('tallies__rebuild')).toBeGreaterThan(0);

    expect(await whole.joinRebuildParts('ledger')).toBe(head);
    await whole.rebuild('ledger');
    expect(await contents(store)).toEqual(await plainRebuild());
    expect(await store.listCheckpoints()).toEqual(new Map([['ledger', { position: head, version: 1 }]]));
  });

  it('joins at the lowest part, and the whole replays what the part behind lacks', async () => {
    await append(30, 0);
    const engine = engineOn(store);
    await engine.prepareRebuildParts('ledger');
    await engine.rebuildTogether(['ledger:counts']);
    const countsAt = await events.headPosition();
    // Appended after the counts were stored: only the notes' replay and the whole see these.
    await append(30, 30);
    await engine.rebuildTogether(['ledger:notes']);

    expect(await engine.joinRebuildParts('ledger')).toBe(countsAt);
    await engine.rebuild('ledger');
    expect(await contents(store)).toEqual(await plainRebuild());
  });

  it('resumes each part from its own checkpoint, or the whole rebuild checkpoint where that is further', async () => {
    await append(40, 0);
    const engine = engineOn(store);
    await engine.prepareRebuildParts('ledger');
    await engine.rebuildTogether(['ledger:notes']);
    const head = await events.headPosition();
    // As a stopped command leaves it: the notes stored, the counts never begun.
    expect(await engine.prepareRebuildParts('ledger')).toEqual({ resumed: true, positions: new Map([['counts', 0], ['notes', head]]) });
    await store.saveCheckpoint('ledger__rebuild', { position: 9, version: 1 });
    expect((await engine.prepareRebuildParts('ledger')).positions).toEqual(new Map([['counts', 9], ['notes', head]]));

    await engine.rebuildTogether(['ledger:counts']);
    await engine.joinRebuildParts('ledger');
    await engine.rebuild('ledger');
    expect(await contents(store)).toEqual(await plainRebuild());
  });

  it('refuses a part nobody prepared, and a plain rebuild from the first event removes what parts left', async () => {
    await append(20, 0);
    const engine = engineOn(store);
    await expect(engine.rebuildTogether(['ledger:counts'])).rejects.toThrow('The part counts of ledger has no checkpoint of version 1: prepare the parts first');
    await expect(engine.rebuildTogether(['ledger:sums'])).rejects.toThrow('ledger has no replay part named sums');

    await engine.prepareRebuildParts('ledger');
    await engine.rebuildTogether(['ledger:counts']);
    // A rebuild of another version starts afresh: the parts' copies and checkpoints are gone.
    await store.saveCheckpoint('ledger__rebuild', { position: 0, version: 2 });
    await engine.rebuild('ledger');
    expect([...(await store.listCheckpoints()).keys()]).toEqual(['ledger']);
    expect(await store.getCheckpoint(partCheckpointName('ledger', 'counts'))).toBeNull();
    expect(await contents(store)).toEqual(await plainRebuild());
  });
});

describe('assertReplayParts', () => {
  const parts = (replayParts: Projection<PartsEvent>['replayParts'], overrides: Partial<Projection<PartsEvent>> = {}) => () =>
    assertReplayParts(partsProjection({ replayParts, ...overrides }));

  it('accepts parts that cover every event type once, each with collections of its own', () => {
    expect(parts(partsProjection().replayParts)).not.toThrow();
  });

  it('names what is wrong with the parts declared', () => {
    const counts = { name: 'counts', eventTypes: ['Counted', 'Removed'], collections: ['tallies'] };
    expect(parts([counts])).toThrow('The replay parts of ledger: no part handles Noted');
    expect(parts([counts, { name: 'notes', eventTypes: ['Noted', 'Removed'], collections: ['notes'] }])).toThrow('Removed belongs to counts and notes');
    expect(parts([counts, { name: 'notes', eventTypes: ['Noted'], collections: ['tallies'] }])).toThrow('tallies belongs to counts and notes');
    expect(parts([counts, { name: 'notes', eventTypes: ['Noted'], collections: ['remarks'] }])).toThrow('notes names remarks, which is not one of its collections');
    expect(parts([counts, { name: 'notes', eventTypes: ['Noted', 'Shouted'], collections: ['notes'] }])).toThrow('the projection does not handle Shouted');
    expect(parts([counts, { name: 'Notes-1', eventTypes: ['Noted'], collections: ['notes'] }])).toThrow('"Notes-1" is named twice or not in lower case letters, digits and _');
    expect(parts(partsProjection().replayParts, { afterReplay: undefined })).toThrow('a projection with afterBatch needs afterReplay to be replayed in parts');
  });

  it('is checked when an engine is built', () => {
    expect(
      () =>
        new ProjectionEngine<PartsEvent>({
          eventStore: new FakeEventStore(),
          readStore: SqliteReadStore.open({ path: ':memory:' }),
          projections: [partsProjection({ replayParts: [{ name: 'counts', eventTypes: ['Counted', 'Removed'], collections: ['tallies'] }] })],
          decodeEvent: decode,
        }),
    ).toThrow('The replay parts of ledger: no part handles Noted');
  });
});

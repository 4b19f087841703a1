import type { RecordedEvent } from '@qms/event-store';
import { SqliteReadStore } from '@qms/read-store';
import type { ProjectionTarget } from './apply-batch';
import type { Projection, ProjectedDocument } from './projection';
import { ReplayWorkingSet } from './replay-working-set';

interface Tally extends ProjectedDocument {
  readonly total: number;
  readonly events: number;
}

interface Counted {
  readonly type: 'Counted' | 'CountedTwice';
  readonly data: { readonly counter: string; readonly by: number };
}

/** Tallies per counter; a CountedTwice event names its counter twice. */
const tallies: Projection<Counted> = {
  name: 'tallies',
  eventTypes: ['Counted', 'CountedTwice'],
  documentIds: (event) => (event.type === 'CountedTwice' ? [event.data.counter, event.data.counter] : [event.data.counter]),
  evolve: (document, event, id) => {
    const tally = document as Tally | null;
    return { _id: id, total: (tally?.total ?? 0) + event.data.by, events: (tally?.events ?? 0) + 1 } satisfies Tally;
  },
};

const target: ProjectionTarget = { physical: (collection) => collection, checkpointName: 'tallies__rebuild', journal: 'tallies__journal', freezeEvolved: 'deep' };

let position = 0;
function recorded(type: Counted['type'], counter: string, by: number): RecordedEvent {
  position += 1;
  return { id: `e${position}`, streamId: `counter-${counter}`, type, data: { counter, by }, metadata: {}, revision: 0, position, recordedAt: new Date(0) };
}

const decode = (event: RecordedEvent): Counted => ({ type: event.type as Counted['type'], data: event.data as unknown as Counted['data'] });

describe('ReplayWorkingSet', () => {
  beforeEach(() => {
    position = 0;
  });

  it('stores each document once per commit with its id and the position of the last event applied to it', async () => {
    const store = SqliteReadStore.open({ path: ':memory:' });
    const set = new ReplayWorkingSet(tallies, store, target, decode, 0);
    await set.apply([recorded('Counted', 'a', 2), recorded('Counted', 'b', 5), recorded('Counted', 'a', 3)], new Set());
    await set.commit();
    expect(await store.get('tallies', 'a')).toEqual({ _id: 'a', _position: 3, total: 5, events: 2 });
    expect(await store.get('tallies', 'b')).toEqual({ _id: 'b', _position: 2, total: 5, events: 1 });
    expect(await store.getCheckpoint('tallies__rebuild')).toMatchObject({ position: 3 });
    await store.close();
  });

  it('skips the events a stored document has already reached (a commit whose checkpoint did not follow)', async () => {
    const store = SqliteReadStore.open({ path: ':memory:' });
    const events = [recorded('Counted', 'a', 1), recorded('Counted', 'a', 10), recorded('Counted', 'a', 100)];
    // The first two were stored, the checkpoint stayed at 0: the replay runs them again.
    await store.bulkWrite<Tally>('tallies', { upserts: [{ _id: 'a', _position: 2, total: 11, events: 2 }] });
    const set = new ReplayWorkingSet(tallies, store, target, decode, 0);
    await set.apply(events, new Set());
    await set.commit();
    expect(await store.get('tallies', 'a')).toEqual({ _id: 'a', _position: 3, total: 111, events: 3 });
    await store.close();
  });

  it('evolves a document an event names twice once for that event, across commits as well', async () => {
    const store = SqliteReadStore.open({ path: ':memory:' });
    const set = new ReplayWorkingSet(tallies, store, target, decode, 0);
    await set.apply([recorded('CountedTwice', 'a', 4)], new Set());
    await set.commit();
    await set.apply([recorded('CountedTwice', 'a', 6)], new Set());
    await set.commit();
    expect(await store.get('tallies', 'a')).toEqual({ _id: 'a', _position: 2, total: 10, events: 2 });
    await store.close();
  });
});

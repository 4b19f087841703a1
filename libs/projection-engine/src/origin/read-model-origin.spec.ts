import { randomUUID } from 'node:crypto';
import { SqliteEventStore } from '@qms/event-store';
import { SqliteReadStore } from '@qms/read-store';
import { checkReadModelOrigin, ReadModelOriginError } from './read-model-origin';

const NOW = new Date('2026-12-06T08:00:00.000Z');

async function logWith(events: number): Promise<SqliteEventStore> {
  const store = SqliteEventStore.inMemory();
  for (let i = 0; i < events; i++) {
    await store.appendToStream(`complaint-${i}`, [
      { id: randomUUID(), type: 'ComplaintRegistered', data: { n: i }, metadata: {} },
    ]);
  }
  return store;
}

describe('the read-model origin check', () => {
  const opened: { close(): Promise<void> }[] = [];
  const track = <T extends { close(): Promise<void> }>(store: T): T => {
    opened.push(store);
    return store;
  };
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((store) => store.close()));
  });

  const check = (
    eventStore: SqliteEventStore,
    readStore: SqliteReadStore,
    onMismatch: 'refuse' | 'rebuild' = 'refuse',
  ) =>
    checkReadModelOrigin({
      eventStore,
      readStore,
      onMismatch,
      readStoreName: 'the read models in test.db',
      remedy: 'Delete test.db to rebuild them from this log.',
      now: () => NOW,
    });

  it('records the log an empty read store is built from, then finds it matching', async () => {
    const log = track(await logWith(2));
    const readStore = track(SqliteReadStore.open({ path: ':memory:' }));
    const [first] = await log.readAll({ maxCount: 1 });

    expect(await check(log, readStore)).toEqual({ outcome: 'new' });
    expect(await readStore.getOrigin()).toEqual({
      firstEventId: first?.id,
      firstPosition: 1,
      recordedAt: NOW.toISOString(),
    });
    await readStore.saveCheckpoint('complaintLists', { position: 2, version: 1 });
    expect(await check(log, readStore)).toEqual({ outcome: 'matches' });
  });

  it('waits for the first event of an empty log before recording anything', async () => {
    const log = track(await logWith(0));
    const readStore = track(SqliteReadStore.open({ path: ':memory:' }));

    expect(await check(log, readStore)).toEqual({ outcome: 'pending' });
    expect(await readStore.getOrigin()).toBeNull();
    await log.appendToStream('complaint-1', [
      { id: randomUUID(), type: 'ComplaintRegistered', data: {}, metadata: {} },
    ]);
    expect(await check(log, readStore)).toEqual({ outcome: 'new' });
  });

  it('adopts a store of the previous version whose checkpoints are within the log, and refuses one beyond it', async () => {
    const log = track(await logWith(3));
    const within = track(SqliteReadStore.open({ path: ':memory:' }));
    await within.saveCheckpoint('complaintLists', { position: 3, version: 1 });
    expect(await check(log, within)).toEqual({ outcome: 'adopted' });
    expect(await within.getOrigin()).not.toBeNull();

    const beyond = track(SqliteReadStore.open({ path: ':memory:' }));
    await beyond.saveCheckpoint('complaintLists', { position: 3, version: 1 });
    await beyond.saveCheckpoint('monthlyReport', { position: 9, version: 1 });
    await expect(check(log, beyond)).rejects.toThrow(
      'The read models in test.db have read up to position 9 (monthlyReport) but this event log ends at position 3',
    );
    expect(await beyond.getOrigin()).toBeNull();
  });

  it('refuses a store built from another log, naming both logs and the remedy, and changes nothing', async () => {
    const logA = track(await logWith(5));
    const logB = track(await logWith(8));
    const readStore = track(SqliteReadStore.open({ path: ':memory:' }));
    await check(logA, readStore);
    await readStore.commit({
      writes: [{ collection: 'complaints', upserts: [{ _id: 'c1' }] }],
      checkpoint: { name: 'complaintLists', checkpoint: { position: 5, version: 1 } },
    });
    const [firstA] = await logA.readAll({ maxCount: 1 });
    const [firstB] = await logB.readAll({ maxCount: 1 });

    const refused = check(logB, readStore);
    await expect(refused).rejects.toBeInstanceOf(ReadModelOriginError);
    await expect(refused).rejects.toThrow(
      `The read models in test.db were built from another event log (its first event ${firstA?.id} at position 1, recorded ${NOW.toISOString()}; ` +
        `this log's first event is ${firstB?.id} at position 1): serving them would show that history's figures, and this log's events below their checkpoints would never be applied. Delete test.db to rebuild them from this log.`,
    );
    expect(await readStore.getCheckpoint('complaintLists')).toEqual({ position: 5, version: 1 });
    expect(await readStore.count('complaints')).toBe(1);
  });

  it('refuses a store whose log has become empty (the events file deleted)', async () => {
    const logA = track(await logWith(1));
    const readStore = track(SqliteReadStore.open({ path: ':memory:' }));
    await check(logA, readStore);
    await expect(check(track(await logWith(0)), readStore)).rejects.toThrow(/this event log is empty/);
  });

  it('refuses a store ahead of its own log (the log restored from an older backup)', async () => {
    const log = track(await logWith(2));
    const readStore = track(SqliteReadStore.open({ path: ':memory:' }));
    await check(log, readStore);
    await readStore.saveCheckpoint('complaintLists', { position: 4, version: 1 });
    await expect(check(log, readStore)).rejects.toThrow(
      /up to position 4 \(complaintLists\) but this event log ends at position 2: they were built from a longer copy of this event log/,
    );
  });

  it('with policy rebuild, clears a store of another log and records this one', async () => {
    const logA = track(await logWith(5));
    const logB = track(await logWith(2));
    const readStore = track(SqliteReadStore.open({ path: ':memory:' }));
    await check(logA, readStore);
    await readStore.commit({
      writes: [{ collection: 'complaints', upserts: [{ _id: 'c1' }] }],
      checkpoint: { name: 'complaintLists', checkpoint: { position: 5, version: 1 } },
    });
    const [firstB] = await logB.readAll({ maxCount: 1 });

    const result = await check(logB, readStore, 'rebuild');

    expect(result.outcome).toBe('rebuilt');
    expect(result.mismatch).toMatch(/^were built from another event log/);
    expect(await readStore.listCheckpoints()).toEqual(new Map());
    expect(await readStore.count('complaints')).toBe(0);
    expect(await readStore.getOrigin()).toEqual({
      firstEventId: firstB?.id,
      firstPosition: 1,
      recordedAt: NOW.toISOString(),
    });
    expect(await check(logB, readStore)).toEqual({ outcome: 'matches' });
  });
});

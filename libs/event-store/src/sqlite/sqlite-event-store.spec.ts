import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Worker } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { StoreUnavailableError } from '@qms/domain-kernel';
import { describeEventStoreContract } from '@qms/testing';
import { IdempotencyConflictError, WrongExpectedVersionError } from '../errors';
import type { EventToAppend, RecordedEvent } from '../event-store.port';
import { SqliteEventStore, type SqliteWriterKind } from './sqlite-event-store';

const folder = mkdtempSync(join(tmpdir(), 'qms-event-store-'));
let files = 0;
/** A path in a folder that does not exist yet: opening must create it. */
const freshPath = (): string => join(folder, `store-${++files}`, 'events.db');

afterAll(() => rmSync(folder, { recursive: true, force: true }));

describeEventStoreContract('SQLite file, writer thread', async () =>
  opened(SqliteEventStore.open(freshPath(), { pollIntervalMs: 50 }), 'worker'),
);
describeEventStoreContract('SQLite file, writing on the main thread', async () =>
  opened(SqliteEventStore.open(freshPath(), { pollIntervalMs: 50, writer: 'main-thread' }), 'main-thread'),
);
describeEventStoreContract('SQLite in memory', async () => SqliteEventStore.inMemory());

/** A contract run must not pass by silently testing the other writer. */
function opened(store: SqliteEventStore, writer: SqliteWriterKind): SqliteEventStore {
  expect(store.writerKind).toBe(writer);
  return store;
}

const event = (type = 'ThingHappened', data = {}): EventToAppend => ({
  id: randomUUID(),
  type,
  data,
  metadata: {},
});

describe('SqliteEventStore', () => {
  it('keeps every event, position and commit time after closing and reopening the file', async () => {
    const path = freshPath();
    const first = SqliteEventStore.open(path);
    await first.appendToStream('complaint-1', [event('A', { n: 1 }), event('B', { 文字: '中文 😀' })]);
    await first.appendToStream('complaint-2', [event('C')]);
    const written = await first.readAll();
    await first.close();

    const reopened = SqliteEventStore.open(path);
    expect(await reopened.readAll()).toEqual(written);
    expect(await reopened.headPosition()).toBe(written[2]?.position);
    const next = await reopened.appendToStream('complaint-1', [event()], { expectedRevision: 1 });
    expect(next.nextExpectedRevision).toBe(2);
    expect(next.position).toBeGreaterThan(written[2]!.position);
    await reopened.close();
  });

  it('stores in WAL mode', async () => {
    const path = freshPath();
    await SqliteEventStore.open(path).close();
    const raw = new Database(path, { readonly: true });
    expect(raw.pragma('journal_mode', { simple: true })).toBe('wal');
    raw.close();
  });

  it.each([
    ['a folder that is a file', () => join(writeFile('not-a-folder'), 'events.db')],
    ['a file that is not a database', () => writeFile('garbage.db')],
  ])('fails on %s with one line saying what to fix', (_, makePath) => {
    const path = makePath();
    let thrown: unknown;
    try {
      SqliteEventStore.open(path);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(StoreUnavailableError);
    const message = (thrown as Error).message;
    expect(message).toMatch(
      new RegExp(
        `^Cannot open the event store at ${escape(path)}: .+\\. Set EVENTS_DB_PATH to a writable file\\.$`,
      ),
    );
    expect(message).not.toContain('\n');
  });

  it('reports head position 0 when empty, then the last position exactly', async () => {
    const store = SqliteEventStore.inMemory();
    expect(await store.headPosition()).toBe(0);
    const result = await store.appendToStream('s', [event(), event()]);
    expect(await store.headPosition()).toBe(result.position);
    await store.close();
  });

  it('treats a retry with expected revision "any" as idempotent, EventStoreDB-style', async () => {
    const store = SqliteEventStore.inMemory();
    const [a, b] = [event(), event()];
    const original = await store.appendToStream('s', [a, b]);
    expect(await store.appendToStream('s', [a, b])).toEqual(original);
    await expect(store.appendToStream('s', [a, event()])).rejects.toBeInstanceOf(IdempotencyConflictError);
    await expect(store.appendToStream('other', [b])).rejects.toThrow(/already stored in stream s/);
    expect(await store.readAll()).toHaveLength(2);
    await store.close();
  });

  it('refuses an event id that is stored elsewhere or repeated, writing nothing', async () => {
    const store = SqliteEventStore.inMemory();
    const stored = event();
    await store.appendToStream('s', [stored], { expectedRevision: 'no_stream' });
    const repeated = event();

    await expect(
      store.appendToStream('t', [event(), stored], { expectedRevision: 'no_stream' }),
    ).rejects.toThrow(IdempotencyConflictError);
    await expect(
      store.appendToStream('t', [repeated, repeated], { expectedRevision: 'no_stream' }),
    ).rejects.toThrow(/new events need new ids/);
    expect(await store.readStream('t')).toEqual([]);
    await store.close();
  });

  it.each([
    ['writer thread', () => SqliteEventStore.open(freshPath())],
    ['main thread', () => SqliteEventStore.open(freshPath(), { writer: 'main-thread' })],
  ])(
    'in a batch (%s), refuses a write whose first or later event id is taken, keeping none of its events, and lands the others',
    async (_, open) => {
      const store = open();
      const stored = event();
      await store.appendToStream('s', [stored], { expectedRevision: 'no_stream' });
      const [a, c1, c2] = [event(), event(), event()];

      const outcomes = await store.appendToStreams([
        { streamId: 'a', events: [a], expectedRevision: 'no_stream' },
        { streamId: 'b', events: [event(), stored], expectedRevision: 'no_stream' },
        { streamId: 'c', events: [c1, c2] },
        { streamId: 'd', events: [stored], expectedRevision: 'no_stream' },
      ]);

      expect(outcomes.map((outcome) => outcome.ok)).toEqual([true, false, true, false]);
      expect(outcomes[1]).toMatchObject({ error: expect.any(IdempotencyConflictError) });
      expect(outcomes[3]).toMatchObject({ error: expect.any(IdempotencyConflictError) });
      const all = await store.readAll();
      expect(all.map((stored) => stored.id)).toEqual([stored.id, a.id, c1.id, c2.id]);
      expect(outcomes[0]).toEqual({
        ok: true,
        result: { nextExpectedRevision: 0, position: all[1]!.position },
      });
      expect(outcomes[2]).toEqual({
        ok: true,
        result: { nextExpectedRevision: 1, position: all[3]!.position },
      });
      await store.close();
    },
  );

  it('sees appends made through another connection to the same file: in its checks and, by polling, its subscriptions', async () => {
    const path = freshPath();
    const mine = SqliteEventStore.open(path, { pollIntervalMs: 20 });
    const theirs = SqliteEventStore.open(path);
    await mine.appendToStream('shared', [event()], { expectedRevision: 'no_stream' });
    const subscription = mine.subscribeToAll({ fromPosition: await mine.headPosition() });
    const iterator = subscription[Symbol.asyncIterator]();
    const nextBatch = iterator.next();

    const theirEvent = event('FromElsewhere');
    await theirs.appendToStream('shared', [theirEvent], { expectedRevision: 0 });

    const batch = await nextBatch;
    expect((batch.value as RecordedEvent[]).map((e) => e.id)).toEqual([theirEvent.id]);
    await expect(mine.appendToStream('shared', [event()], { expectedRevision: 0 })).rejects.toMatchObject({
      constructor: WrongExpectedVersionError,
      actual: 1,
    });
    await theirs.close();
    await mine.close();
  });

  it('at the head, waits for the next poll before reading again, so that appends made elsewhere meanwhile come as one batch', async () => {
    const path = freshPath();
    const mine = SqliteEventStore.open(path, { pollIntervalMs: 500 });
    // Commits on this thread: each append is stored by the time it resolves, well within the poll.
    const theirs = SqliteEventStore.open(path, { writer: 'main-thread' });
    const iterator = mine.subscribeToAll()[Symbol.asyncIterator]();
    const first = event();
    await theirs.appendToStream('shared', [first]);
    expect(((await iterator.next()).value as RecordedEvent[]).map((e) => e.id)).toEqual([first.id]);

    // Appended while the first batch was being handled, then after the subscription resumed.
    const second = event();
    await theirs.appendToStream('shared', [second]);
    const nextBatch = iterator.next();
    await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setImmediate(resolve));
    const third = event();
    await theirs.appendToStream('shared', [third]);

    expect(((await nextBatch).value as RecordedEvent[]).map((e) => e.id)).toEqual([second.id, third.id]);
    await theirs.close();
    await mine.close();
  });

  it('wakes a caught-up subscription at once on an append by this process, without waiting for the poll', async () => {
    const store = SqliteEventStore.inMemory({ pollIntervalMs: 60_000 });
    const iterator = store.subscribeToAll()[Symbol.asyncIterator]();
    const nextBatch = iterator.next();
    await new Promise((resolve) => setTimeout(resolve, 20));
    const appended = event();

    await store.appendToStream('s', [appended]);

    let timer: NodeJS.Timeout | undefined;
    const batch = await Promise.race([
      nextBatch,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error('not woken within 1 s')), 1_000);
      }),
    ]).finally(() => clearTimeout(timer));
    expect((batch.value as RecordedEvent[]).map((e) => e.id)).toEqual([appended.id]);
    await store.close();
  });

  it('ends open subscriptions when the store closes, and refuses calls afterwards', async () => {
    const store = SqliteEventStore.inMemory();
    const subscription = store.subscribeToAll();
    const consumed = (async () => {
      for await (const batch of subscription) void batch;
    })();
    await store.close();
    await expect(consumed).resolves.toBeUndefined();
    await expect(store.readAll()).rejects.toBeInstanceOf(StoreUnavailableError);
    await expect(store.checkHealth()).rejects.toThrow(/is closed/);
  });

  it('rejects malformed appends before touching the store', async () => {
    const store = SqliteEventStore.inMemory();
    await expect(store.appendToStream('s', [])).rejects.toThrow(RangeError);
    await expect(store.appendToStream('s', [{ ...event(), id: 'not-a-uuid' }])).rejects.toThrow(/UUID/);
    await expect(store.appendToStream('s', [event('$system')])).rejects.toThrow(/must not start with "\$"/);
    await expect(store.appendToStream('$s', [event()])).rejects.toThrow(/Stream id/);
    await expect(store.appendToStream('s', [event()], { expectedRevision: -1 })).rejects.toThrow(
      /non-negative/,
    );
    expect(await store.headPosition()).toBe(0);
    await store.close();
  });
});

describe('SqliteEventStore with its writer thread', () => {
  it('is the default for a file; an in-memory store writes on the main thread', async () => {
    const file = SqliteEventStore.open(freshPath());
    const memory = SqliteEventStore.inMemory({ writer: 'worker' });
    expect(file.writerKind).toBe('worker');
    expect(memory.writerKind).toBe('main-thread');
    await Promise.all([file.close(), memory.close()]);
  });

  it('keeps the process alive only while an append is pending, not while it idles', async () => {
    // What keeps the event loop from ending, as Node counts it: a writer thread's port among them while it is referenced.
    const ports = (): number => process.getActiveResourcesInfo().filter((resource) => resource === 'MessagePort').length;
    const before = ports();
    const store = SqliteEventStore.open(freshPath());
    try {
      expect(store.writerKind).toBe('worker');
      expect(ports()).toBe(before);
      const pending = store.appendToStream('kept-alive', [event()]);
      expect(ports()).toBe(before + 1);
      await pending;
      expect(ports()).toBe(before);
    } finally {
      await store.close();
    }
  });

  it('commits every append still pending when closed, before closing', async () => {
    const path = freshPath();
    const store = SqliteEventStore.open(path);
    const appends = Array.from({ length: 50 }, (_, index) =>
      store.appendToStream(`pending-${index % 5}`, [event('Pending', { index })]),
    );
    await store.close();

    const results = await Promise.all(appends);
    expect(new Set(results.map((result) => result.position)).size).toBe(50);
    await expect(store.appendToStream('late', [event()])).rejects.toThrow(/is closed/);
    const reopened = SqliteEventStore.open(path, { writer: 'main-thread' });
    expect(await reopened.readAll()).toHaveLength(50);
    await reopened.close();
  });

  it('gives each of many concurrent appends its own outcome, conflicts included, in one store order', async () => {
    const store = SqliteEventStore.open(freshPath());
    await store.appendToStream('contended', [event()], { expectedRevision: 'no_stream' });
    const fresh = Array.from({ length: 30 }, (_, index) =>
      store.appendToStream(`fresh-${index}`, [event(), event()], { expectedRevision: 'no_stream' }),
    );
    const contended = Array.from({ length: 10 }, () =>
      store.appendToStream('contended', [event()], { expectedRevision: 0 }),
    );
    const settled = await Promise.allSettled([...fresh, ...contended]);

    expect(settled.slice(0, 30).every((outcome) => outcome.status === 'fulfilled')).toBe(true);
    const lost = settled
      .slice(30)
      .flatMap((outcome) => (outcome.status === 'rejected' ? [outcome.reason] : []));
    expect(lost).toHaveLength(9);
    for (const error of lost)
      expect(error).toMatchObject({ constructor: WrongExpectedVersionError, actual: 1 });
    const all = await store.readAll();
    expect(all).toHaveLength(62);
    for (const outcome of settled.slice(0, 30)) {
      if (outcome.status !== 'fulfilled') continue;
      expect(all.find((stored) => stored.position === outcome.value.position)?.revision).toBe(1);
    }
    await store.close();
  });

  it('fails pending and later appends with StoreUnavailableError when the thread dies, and reports unhealthy', async () => {
    const store = SqliteEventStore.open(freshPath());
    await store.appendToStream('before', [event()]);
    const thread = (store as unknown as { writer: { worker: Worker } }).writer.worker;

    const stopped = thread.terminate();
    const pending = store.appendToStream('during', [event()]);
    await stopped;

    await expect(pending).rejects.toBeInstanceOf(StoreUnavailableError);
    await expect(pending).rejects.toThrow(/writer for .* stopped unexpectedly/);
    await expect(store.appendToStream('after', [event()])).rejects.toBeInstanceOf(StoreUnavailableError);
    await expect(store.checkHealth()).rejects.toThrow(/stopped unexpectedly/);
    expect((await store.readAll()).map((stored) => stored.streamId)).toEqual(['before']);
    await store.close();
  });

  it('reports a file the thread cannot open as unavailable, once, for appends and health', async () => {
    const path = freshPath();
    const store = SqliteEventStore.open(path);
    // The main thread's connection is already open; the thread's own open comes after this.
    writeFileSync(path, 'this is not an SQLite database, it is a plain text file of some length to be sure');
    rmSync(`${path}-wal`, { force: true });
    rmSync(`${path}-shm`, { force: true });

    const append = store.appendToStream('s', [event()]);

    await expect(append).rejects.toBeInstanceOf(StoreUnavailableError);
    await expect(append).rejects.toThrow(/^Cannot open the event store at .+: .+\. Set EVENTS_DB_PATH/);
    await expect(store.checkHealth()).rejects.toBeInstanceOf(StoreUnavailableError);
    await store.close();
  });
});

function writeFile(name: string): string {
  const path = join(folder, `${++files}-${name}`);
  writeFileSync(path, 'this is not an SQLite database, it is a plain text file of some length to be sure');
  return path;
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

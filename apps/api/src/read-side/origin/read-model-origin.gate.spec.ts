import { randomUUID } from 'node:crypto';
import { StoreUnavailableError } from '@qms/domain-kernel';
import { SqliteEventStore } from '@qms/event-store';
import { checkReadModelOrigin, ReadModelOriginError } from '@qms/projection-engine';
import { type ReadStore, SqliteReadStore } from '@qms/read-store';
import { ReadModelOriginGate } from './read-model-origin.gate';

const wording = { readStoreName: 'the read models in test.db', remedy: 'Delete test.db.' };

async function logWith(events: number): Promise<SqliteEventStore> {
  const store = SqliteEventStore.inMemory();
  for (let i = 0; i < events; i++) {
    await store.appendToStream(`complaint-${i}`, [
      { id: randomUUID(), type: 'ComplaintRegistered', data: {}, metadata: {} },
    ]);
  }
  return store;
}

/** A read store that cannot be reached until `up` is set. */
function flaky(inner: ReadStore): { store: ReadStore; up: boolean } {
  const state = { up: false, store: inner };
  state.store = new Proxy(inner, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) =>
        state.up
          ? (value as (...a: unknown[]) => unknown).apply(target, args)
          : Promise.reject(new StoreUnavailableError('read store down (test)'));
    },
  });
  return state;
}

async function until(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !condition(); i++) await new Promise((resolve) => setTimeout(resolve, 5));
}

describe('the API gate on the read models origin', () => {
  const logger = { log: jest.fn(), warn: jest.fn(), error: jest.fn() };
  afterEach(() => jest.clearAllMocks());

  it('starts the projections and serves once the store is known to be built from this log', async () => {
    const log = await logWith(1);
    const gate = new ReadModelOriginGate({
      eventStore: log,
      readStore: SqliteReadStore.open({ path: ':memory:' }),
      policy: 'refuse',
      wording,
      logger,
    });
    const start = jest.fn();

    await gate.open(start);

    expect(start).toHaveBeenCalledTimes(1);
    expect(() => gate.assertServing()).not.toThrow();
    expect(gate.health()).toEqual({ status: 'up', outcome: 'new' });
    gate.close();
    await log.close();
  });

  it('rejects at start with the refusal, starting nothing', async () => {
    const [logA, logB] = [await logWith(2), await logWith(2)];
    const readStore = SqliteReadStore.open({ path: ':memory:' });
    await checkReadModelOrigin({ eventStore: logA, readStore, onMismatch: 'refuse', ...wording });
    const gate = new ReadModelOriginGate({ eventStore: logB, readStore, policy: 'refuse', wording, logger });
    const start = jest.fn();

    await expect(gate.open(start)).rejects.toBeInstanceOf(ReadModelOriginError);

    expect(start).not.toHaveBeenCalled();
    expect(() => gate.assertServing()).toThrow(/were built from another event log/);
    expect(gate.health()).toMatchObject({
      status: 'down',
      reason: expect.stringMatching(/^The read models in test.db were built from another event log/),
    });
    gate.close();
    await Promise.all([logA.close(), logB.close(), readStore.close()]);
  });

  it('with a store down at start: not ready and no reads until it answers, then refuses a store of another log without starting', async () => {
    const [logA, logB] = [await logWith(2), await logWith(3)];
    const inner = SqliteReadStore.open({ path: ':memory:' });
    await checkReadModelOrigin({ eventStore: logA, readStore: inner, onMismatch: 'refuse', ...wording });
    const store = flaky(inner);
    const gate = new ReadModelOriginGate({
      eventStore: logB,
      readStore: store.store,
      policy: 'refuse',
      wording,
      logger,
      retryMs: 5,
    });
    const start = jest.fn();

    await gate.open(start);
    expect(start).not.toHaveBeenCalled();
    expect(() => gate.assertServing()).toThrow(StoreUnavailableError);
    expect(gate.health()).toMatchObject({
      status: 'down',
      reason: expect.stringMatching(/not been checked against the event log yet: read store down/),
    });

    store.up = true;
    await until(() => logger.error.mock.calls.length > 0);

    expect(start).not.toHaveBeenCalled();
    expect(logger.error).toHaveBeenCalledWith(
      expect.stringMatching(
        /^Refusing to serve the read models: The read models in test.db were built from another event log/,
      ),
    );
    expect(() => gate.assertServing()).toThrow(/were built from another event log/);
    expect(gate.health()).toMatchObject({ status: 'down' });
    gate.close();
    await Promise.all([logA.close(), logB.close(), inner.close()]);
  });

  it('on an empty log starts at once, and records the origin once the first event is there', async () => {
    const log = await logWith(0);
    const readStore = SqliteReadStore.open({ path: ':memory:' });
    const gate = new ReadModelOriginGate({
      eventStore: log,
      readStore,
      policy: 'refuse',
      wording,
      logger,
      retryMs: 5,
    });
    const start = jest.fn();

    await gate.open(start);
    expect(start).toHaveBeenCalledTimes(1);
    expect(gate.health()).toMatchObject({ status: 'up', outcome: 'pending' });

    await log.appendToStream('complaint-1', [
      { id: randomUUID(), type: 'ComplaintRegistered', data: {}, metadata: {} },
    ]);
    await until(() => (gate.health() as { outcome?: string }).outcome === 'new');

    expect(gate.health()).toEqual({ status: 'up', outcome: 'new' });
    expect((await readStore.getOrigin())?.firstPosition).toBe(1);
    expect(start).toHaveBeenCalledTimes(1);
    gate.close();
    await Promise.all([log.close(), readStore.close()]);
  });
});

import { randomUUID } from 'node:crypto';
import { START } from '@eventstore/db-client';
import { StoreUnavailableError } from '@qms/domain-kernel';
import { describeEventStoreContract } from '@qms/testing';
import { redactUrl } from './eventstoredb-errors';
import { EventStoreDbEventStore } from './eventstoredb-event-store';
import { isSystemEvent, toClientExpectedRevision, toReadPosition } from './eventstoredb-mapping';

const url = process.env['EVENTSTORE_URL'];

if (url) {
  describeEventStoreContract(`EventStoreDB at ${redactUrl(url)}`, async () => {
    const store = EventStoreDbEventStore.connect(url);
    await store.checkHealth();
    return store;
  });
} else {
  // Written straight to stderr (one line, no console stack) so that a CI log says it plainly.
  process.stderr.write(
    'EventStoreDB contract suite SKIPPED: EVENTSTORE_URL is not set (docker compose up -d eventstore && EVENTSTORE_URL=esdb://localhost:2113?tls=false npx jest libs/event-store)\n',
  );
  describe.skip('EventStore contract: EventStoreDB (SKIPPED: EVENTSTORE_URL is not set)', () => {
    it('runs against a real server', () => undefined);
  });
}

/** Nothing listens on port 1, so the connection is refused at once. */
const UNREACHABLE = 'esdb://localhost:1?tls=false';

describe('EventStoreDbEventStore without a server', () => {
  it.each([
    ['a health check', (store: EventStoreDbEventStore) => store.checkHealth()],
    [
      'an append',
      (store: EventStoreDbEventStore) =>
        store.appendToStream('s', [{ id: randomUUID(), type: 'T', data: {}, metadata: {} }]),
    ],
    ['a stream read', (store: EventStoreDbEventStore) => store.readStream('s')],
    ['an $all read', (store: EventStoreDbEventStore) => store.readAll({ maxCount: 1 })],
  ])('fails %s with one line naming EVENTSTORE_URL', async (_, call) => {
    const store = EventStoreDbEventStore.connect(UNREACHABLE);
    const error = await call(store).then(
      () => undefined,
      (thrown: unknown) => thrown,
    );
    await store.close();

    expect(error).toBeInstanceOf(StoreUnavailableError);
    expect((error as Error).message).toMatch(
      /^Cannot reach EventStoreDB at esdb:\/\/localhost:1\?tls=false: .*EVENTSTORE_URL/,
    );
    expect((error as Error).message).not.toContain('\n');
  });

  it('fails a subscription with the same error instead of hanging', async () => {
    const store = EventStoreDbEventStore.connect(UNREACHABLE);
    const subscription = store.subscribeToAll();
    const error = await (async () => {
      for await (const batch of subscription) void batch;
    })().then(
      () => undefined,
      (thrown: unknown) => thrown,
    );
    await store.close();

    expect(error).toBeInstanceOf(StoreUnavailableError);
  });

  it('refuses a malformed connection string, naming EVENTSTORE_URL', () => {
    expect(() => EventStoreDbEventStore.connect('http://localhost:2113')).toThrow(
      /^EVENTSTORE_URL is not a valid EventStoreDB connection string .*esdb:\/\/localhost:2113\?tls=false\.$/,
    );
  });

  it('keeps passwords out of messages', () => {
    expect(redactUrl('esdb://admin:changeit@db:2113?tls=false')).toBe('esdb://admin:***@db:2113?tls=false');
    expect(redactUrl('esdb://db:2113')).toBe('esdb://db:2113');
  });
});

describe('EventStoreDB mapping', () => {
  it('maps every expected revision to the client form', () => {
    expect(
      ['any', 'no_stream', 'stream_exists', 7].map((expected) => toClientExpectedRevision(expected as never)),
    ).toEqual(['any', 'no_stream', 'stream_exists', 7n]);
  });

  it('starts $all at the beginning for position 0 and at the commit = prepare position otherwise', () => {
    expect(toReadPosition(0)).toBe(START);
    expect(toReadPosition(1234)).toEqual({ commit: 1234n, prepare: 1234n });
  });

  it('recognises system events by stream or type', () => {
    expect(isSystemEvent({ streamId: '$stats-127.0.0.1:2113', type: '$statsCollected' })).toBe(true);
    expect(isSystemEvent({ streamId: '$$complaint-1', type: '$metadata' })).toBe(true);
    expect(isSystemEvent({ streamId: '$ce-complaint', type: 'ComplaintRegistered' })).toBe(true);
    expect(isSystemEvent({ streamId: 'complaint-1', type: 'ComplaintRegistered' })).toBe(false);
  });
});

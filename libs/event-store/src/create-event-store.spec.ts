import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StoreUnavailableError } from '@qms/domain-kernel';
import { createEventStore } from './create-event-store';
import { SqliteEventStore } from './sqlite/sqlite-event-store';

const folder = mkdtempSync(join(tmpdir(), 'qms-create-store-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

describe('createEventStore', () => {
  it.each([undefined, '', '  '])('uses the SQLite file when EVENTSTORE_URL is %p', async (eventStoreUrl) => {
    const sqlitePath = join(folder, randomUUID(), 'events.db');
    const store = await createEventStore({ eventStoreUrl, sqlitePath });
    expect(store).toBeInstanceOf(SqliteEventStore);
    await store.appendToStream('s', [{ id: randomUUID(), type: 'T', data: {}, metadata: {} }]);
    expect(await store.readStream('s')).toHaveLength(1);
    await store.close();
  });

  it.each(['worker', 'main-thread'] as const)('commits on the %s writer when asked to', async (sqliteWriter) => {
    const store = await createEventStore({ sqlitePath: join(folder, randomUUID(), 'events.db'), sqliteWriter });
    expect((store as SqliteEventStore).writerKind).toBe(sqliteWriter);
    await store.close();
  });

  it('fails at once, in one line saying what to fix, when EventStoreDB cannot be reached', async () => {
    const error = await createEventStore({
      eventStoreUrl: 'esdb://localhost:1?tls=false',
      sqlitePath: 'unused',
    }).catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(StoreUnavailableError);
    expect((error as Error).message).toMatch(
      /^Cannot reach EventStoreDB at esdb:\/\/localhost:1\?tls=false: .*EVENTSTORE_URL/,
    );
    expect((error as Error).message).toMatch(/Or unset EVENTSTORE_URL to use the embedded SQLite store\.$/);
    expect((error as Error).message).not.toContain('\n');
  });

  it('fails in one line naming EVENTS_DB_PATH when the SQLite path is unusable', async () => {
    const file = join(folder, 'a-file');
    writeFileSync(file, 'x');
    await expect(createEventStore({ sqlitePath: join(file, 'events.db') })).rejects.toThrow(
      /^Cannot open the event store at .*Set EVENTS_DB_PATH to a writable file\.$/,
    );
  });
});

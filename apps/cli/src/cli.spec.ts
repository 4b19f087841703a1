import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eventHash, GENESIS_HASH } from '@qms/audit';
import { StoreUnavailableError } from '@qms/domain-kernel';
import { type EventStore, SqliteEventStore } from '@qms/event-store';
import { ConfigurationError } from '../../api/src/config/app-config';
import { runCli } from './cli';
import { EXIT } from './exit-codes';
import { capturedIo } from './__fixtures__/captured-io';

async function seeded(): Promise<SqliteEventStore> {
  const store = SqliteEventStore.inMemory();
  let previousHash = GENESIS_HASH;
  for (let revision = 0; revision < 3; revision++) {
    const draft = { id: randomUUID(), type: 'Happened', data: { occurredAt: `2026-03-0${revision + 1}T00:00:00.000Z` }, metadata: { previousHash, actor: { userId: 'li', role: 'quality' } } };
    const hash = eventHash({ ...draft, streamId: 'complaint-CC-2026-0001', revision }, previousHash);
    await store.appendToStream('complaint-CC-2026-0001', [{ ...draft, metadata: { ...draft.metadata, hash } }]);
    previousHash = hash;
  }
  return store;
}

describe('the CLI dispatcher', () => {
  let store: SqliteEventStore;
  let closed: boolean;
  const open = async (): Promise<EventStore> =>
    Object.assign(Object.create(store) as EventStore, {
      close: async () => {
        closed = true;
      },
    });
  beforeEach(async () => {
    store = await seeded();
    closed = false;
  });
  afterEach(async () => {
    await store.close();
  });

  it('lists the commands on help and exits 2 without a command', async () => {
    const io = capturedIo();
    expect(await runCli([], io)).toBe(EXIT.USAGE);
    expect(io.out()).toMatch(/verify.*\n.*history/s);
    expect(await runCli(['help'], capturedIo())).toBe(EXIT.OK);
  });

  it('answers an unknown command or option with one line and exit 2', async () => {
    const unknown = capturedIo();
    expect(await runCli(['rebuld'], unknown)).toBe(EXIT.USAGE);
    expect(unknown.err().trim().split('\n')).toHaveLength(1);
    expect(unknown.err()).toContain('Commands: verify, history');
    const badOption = capturedIo();
    expect(await runCli(['verify', '--strem', 'x'], badOption, { openStore: open })).toBe(EXIT.USAGE);
    expect(badOption.err()).toMatch(/Unknown option '--strem'.*Usage: .* verify \[--stream <streamId>\]/);
  });

  it('verifies the store with progress on stderr and the result on stdout, then closes the store', async () => {
    const io = capturedIo();
    expect(await runCli(['verify'], io, { openStore: open })).toBe(EXIT.OK);
    expect(io.out()).toBe('OK: 3 events in 1 streams verified up to position 3.\n');
    expect(io.err()).toContain('verify: position 3/3, 3 events checked');
    expect(closed).toBe(true);
  });

  it('verifies one stream, and exits 5 for a stream that does not exist', async () => {
    const io = capturedIo();
    expect(await runCli(['verify', '--stream', 'complaint-CC-2026-0001'], io, { openStore: open })).toBe(EXIT.OK);
    expect(io.out()).toContain('revisions 0 to 2 verified');
    const missing = capturedIo();
    expect(await runCli(['verify', '--stream', 'complaint-CC-2026-0404'], missing, { openStore: open })).toBe(EXIT.NOT_FOUND);
    expect(missing.err()).toContain('has no events');
  });

  it('prints a history by complaint number, one line or one JSON object per event', async () => {
    const table = capturedIo();
    expect(await runCli(['history', 'CC-2026-0001'], table, { openStore: open })).toBe(EXIT.OK);
    expect(table.out().trim().split('\n')).toHaveLength(3);
    expect(table.out()).toContain('#1  recorded ');
    expect(table.out()).toContain('occurred 2026-03-02T00:00:00.000Z  Happened  by li (quality)');
    const json = capturedIo();
    await runCli(['history', 'complaint-CC-2026-0001', '--json'], json, { openStore: open });
    expect(json.out().trim().split('\n').map((line) => JSON.parse(line).revision)).toEqual([0, 1, 2]);
  });

  it('turns configuration and store failures into one line and their own exit codes', async () => {
    const config = capturedIo();
    const badConfig = async (): Promise<EventStore> => {
      throw new ConfigurationError('PORT=x is not a port number (0-65535).');
    };
    expect(await runCli(['verify'], config, { openStore: badConfig })).toBe(EXIT.CONFIGURATION);
    expect(config.err()).toBe('Configuration: PORT=x is not a port number (0-65535).\n');
    const down = capturedIo();
    const unavailable = async (): Promise<EventStore> => {
      throw new StoreUnavailableError('Cannot open the event store at /x: denied. Set EVENTS_DB_PATH to a writable file.');
    };
    expect(await runCli(['history', 'CC-2026-0001'], down, { openStore: unavailable })).toBe(EXIT.STORE_UNAVAILABLE);
    expect(down.err()).toContain('Set EVENTS_DB_PATH');
  });
});

describe('read-only commands on a missing event store', () => {
  let folder: string;
  beforeEach(() => {
    folder = mkdtempSync(join(tmpdir(), 'qms-cli-'));
  });
  afterEach(() => rmSync(folder, { recursive: true, force: true }));

  it.each([['verify'], ['history', 'CC-2026-0001'], ['compare-read-models', '--projection', 'complaint_lists']])(
    '%s exits non-zero with one line and creates no file',
    async (...argv) => {
      const path = join(folder, 'no', 'such', 'folder', 'events.db');
      // A read-model file of its own: an API running on the checkout's ./data must not change the answer.
      const io = { ...capturedIo(), env: { EVENTS_DB_PATH: path, READ_DB_PATH: join(folder, 'read-models.db'), NODE_ENV: 'development' } };
      const code = await runCli(argv, io);
      expect(code).toBe(EXIT.STORE_UNAVAILABLE);
      // compare-read-models first says where the embedded read models live; the error is one line.
      expect(io.err().split('\n').filter((line) => line.startsWith('No event store'))).toEqual([
        `No event store at ${path}: the file does not exist. Set EVENTS_DB_PATH to the API's event store file.`,
      ]);
      expect(existsSync(path)).toBe(false);
      expect(existsSync(join(folder, 'no'))).toBe(false);
    },
  );
});

import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApp } from '../bootstrap';
import { ConfigurationError, DEVELOPMENT_API_KEYS, loadAppConfig } from './app-config';

describe('configuration', () => {
  it('starts the embedded default with no settings, with one development key per role', () => {
    const config = loadAppConfig({});
    expect(config.eventStoreUrl).toBeUndefined();
    expect(config.mongoUrl).toBeUndefined();
    expect(config.eventsDbPath).toMatch(/data\/events\.db$/);
    expect(config.readDbPath).toMatch(/data\/read-models\.db$/);
    expect(config.mongoCompatibility).toBe('mongodb');
    expect(new Set(config.apiKeys.map((entry) => entry.role)).size).toBe(8);
  });

  it('commits SQLite appends from a worker thread unless EVENTS_DB_WRITER says main-thread, and names a bad value', () => {
    expect(loadAppConfig({}).eventsDbWriter).toBe('worker');
    expect(loadAppConfig({ EVENTS_DB_WRITER: 'main-thread' }).eventsDbWriter).toBe('main-thread');
    expect(() => loadAppConfig({ EVENTS_DB_WRITER: 'thread' })).toThrow(new ConfigurationError('EVENTS_DB_WRITER must be "worker" or "main-thread", not "thread".'));
  });

  it('reads MONGO_COMPATIBILITY as mongodb or ferretdb, and names a bad value', () => {
    expect(loadAppConfig({ MONGO_COMPATIBILITY: 'ferretdb' }).mongoCompatibility).toBe('ferretdb');
    expect(() => loadAppConfig({ MONGO_COMPATIBILITY: 'cosmos' })).toThrow(/MONGO_COMPATIBILITY must be "mongodb" or "ferretdb"/);
  });

  it('refuses to start in production without configured keys', () => {
    expect(() => loadAppConfig({ NODE_ENV: 'production' })).toThrow(ConfigurationError);
    expect(() => loadAppConfig({ NODE_ENV: 'production' })).toThrow(/API_KEYS_FILE/);
  });

  it('refuses the development keys in production', () => {
    const keys = JSON.stringify([DEVELOPMENT_API_KEYS[0]]);
    expect(() => loadAppConfig({ NODE_ENV: 'production', API_KEYS: keys })).toThrow(/refuses the development API keys/);
  });

  it('accepts hashed keys in production', () => {
    const keys = JSON.stringify([{ keySha256: 'a'.repeat(64), userId: 'li.wei', role: 'quality' }]);
    expect(loadAppConfig({ NODE_ENV: 'production', API_KEYS: keys }).apiKeys).toHaveLength(1);
  });

  it.each([
    [{ PORT: 'eighty' }, /PORT=eighty is not a port/],
    [{ API_KEYS: '[{"key":"short","userId":"u","role":"quality"}]' }, /exactly one of key/],
    [{ API_KEYS: '[{"key":"long-enough-key","userId":"u","role":"janitor"}]' }, /role janitor/],
    [{ QMS_POLICY_FILE: '/nonexistent/policy.json' }, /Cannot read QMS_POLICY_FILE/],
  ])('names what to fix in one line: %j', (env, message) => {
    let thrown: unknown;
    try {
      loadAppConfig(env);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(ConfigurationError);
    expect((thrown as Error).message).toMatch(message);
    expect((thrown as Error).message).not.toContain('\n');
  });

  it('stops start-up with one line when the data folder is not writable', async () => {
    const blocker = join(mkdtempSync(join(tmpdir(), 'qms-config-')), 'not-a-folder');
    writeFileSync(blocker, 'a file where the data folder should be');
    const config = loadAppConfig({ EVENTS_DB_PATH: join(blocker, 'events.db'), READ_DB_PATH: join(blocker, 'read-models.db') });
    const failure = await createApp(config).then(
      () => undefined,
      (error: unknown) => error as Error,
    );
    expect(failure?.message).toMatch(/EVENTS_DB_PATH/);
    expect(failure?.message).not.toContain('\n');
  });

  it('stops start-up with one line when the read-model file cannot be opened', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'qms-config-'));
    const blocker = join(folder, 'not-a-folder');
    writeFileSync(blocker, 'a file where the read-model folder should be');
    const config = loadAppConfig({ EVENTS_DB_PATH: join(folder, 'events.db'), READ_DB_PATH: join(blocker, 'read-models.db') });
    const failure = await createApp(config).then(
      (app) => app.close().then(() => undefined),
      (error: unknown) => error as Error,
    );
    expect(failure?.message).toMatch(/^Cannot open the read models at .+\. Set READ_DB_PATH to a writable file\.$/);
    expect(failure?.message).not.toContain('\n');
  });

  it('stops start-up with one line when EVENTSTORE_URL cannot be reached', async () => {
    const config = loadAppConfig({
      EVENTSTORE_URL: 'esdb://127.0.0.1:1?tls=false',
      READ_DB_PATH: join(mkdtempSync(join(tmpdir(), 'qms-config-')), 'read-models.db'),
    });
    const failure = await createApp(config).then(
      () => undefined,
      (error: unknown) => error as Error,
    );
    expect(failure?.message).toMatch(/EVENTSTORE_URL/);
    expect(failure?.message).not.toContain('\n');
  }, 20_000);
});

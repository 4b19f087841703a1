import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApp } from '../bootstrap';
import { ConfigurationError, DEVELOPMENT_API_KEYS, loadAppConfig } from './app-config';
import { reportingConfigFrom } from '../read-side/reporting-config.provider';
import { deliveryPolicyFrom } from './delivery-policy';
import { deadlinePolicyFrom } from './domain-policy';
import { surveyPolicyFrom } from './survey-policy';

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
    expect(() => loadAppConfig({ EVENTS_DB_WRITER: 'thread' })).toThrow(new ConfigurationError('EVENTS_DB_WRITER: expected "worker" or "main-thread", got "thread"'));
  });

  it('reads MONGO_COMPATIBILITY as mongodb or ferretdb, and names a bad value', () => {
    expect(loadAppConfig({ MONGO_COMPATIBILITY: 'ferretdb' }).mongoCompatibility).toBe('ferretdb');
    expect(() => loadAppConfig({ MONGO_COMPATIBILITY: 'cosmos' })).toThrow(new ConfigurationError('MONGO_COMPATIBILITY: expected "mongodb" or "ferretdb", got "cosmos"'));
  });

  it('runs the projections thread in SCHED_IDLE only with PROJECTIONS_SCHEDULING=idle, and names a bad value', () => {
    expect(loadAppConfig({}).projectionsScheduling).toBe('nice');
    expect(loadAppConfig({ PROJECTIONS_SCHEDULING: 'idle' }).projectionsScheduling).toBe('idle');
    expect(() => loadAppConfig({ PROJECTIONS_SCHEDULING: 'realtime' })).toThrow(/PROJECTIONS_SCHEDULING/);
  });

  it('lowers the projections thread to nice 10 unless PROJECTIONS_NICE says otherwise, and names a bad value', () => {
    expect(loadAppConfig({}).projectionsNice).toBe(10);
    expect(loadAppConfig({ PROJECTIONS_NICE: '0' }).projectionsNice).toBe(0);
    expect(() => loadAppConfig({ PROJECTIONS_NICE: '-5' })).toThrow(new ConfigurationError('PROJECTIONS_NICE: expected a whole number from 0 to 19, got "-5"'));
    expect(() => loadAppConfig({ PROJECTIONS_NICE: '20' })).toThrow(new ConfigurationError('PROJECTIONS_NICE: expected a whole number from 0 to 19'));
  });

  it('caps the projections thread at 160 MiB unless PROJECTIONS_HEAP_MB says otherwise, and names a bad value', () => {
    expect(loadAppConfig({}).projectionsHeapMb).toBe(160);
    expect(loadAppConfig({ PROJECTIONS_HEAP_MB: '512' }).projectionsHeapMb).toBe(512);
    expect(() => loadAppConfig({ PROJECTIONS_HEAP_MB: '16' })).toThrow(new ConfigurationError('PROJECTIONS_HEAP_MB: expected a whole number from 64 to 16384 (MiB)'));
    expect(() => loadAppConfig({ PROJECTIONS_HEAP_MB: 'lots' })).toThrow(ConfigurationError);
  });

  it('builds a workbook under a 192 MiB heap unless WORKBOOK_HEAP_MB says otherwise, and names a bad value', () => {
    expect(loadAppConfig({}).workbookHeapMb).toBe(192);
    expect(loadAppConfig({ WORKBOOK_HEAP_MB: '1024' }).workbookHeapMb).toBe(1024);
    expect(() => loadAppConfig({ WORKBOOK_HEAP_MB: '8' })).toThrow(new ConfigurationError('WORKBOOK_HEAP_MB: expected a whole number from 64 to 16384 (MiB)'));
  });

  it('gives the read-model writer a 32 MiB page cache and a reader 8 MiB unless READ_DB_CACHE_MB and READ_DB_READER_CACHE_MB say otherwise, and names a bad value', () => {
    expect(loadAppConfig({}).readDbCacheMb).toBe(32);
    expect(loadAppConfig({ READ_DB_CACHE_MB: '8' }).readDbCacheMb).toBe(8);
    expect(() => loadAppConfig({ READ_DB_CACHE_MB: '1' })).toThrow(new ConfigurationError('READ_DB_CACHE_MB: expected a whole number from 2 to 4096 (MiB)'));
    expect(loadAppConfig({}).readDbReaderCacheMb).toBe(8);
    expect(loadAppConfig({ READ_DB_READER_CACHE_MB: '16' }).readDbReaderCacheMb).toBe(16);
    expect(() => loadAppConfig({ READ_DB_READER_CACHE_MB: '1' })).toThrow(new ConfigurationError('READ_DB_READER_CACHE_MB: expected a whole number from 2 to 4096 (MiB)'));
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
    [{ PORT: 'eighty' }, /^PORT: expected a port number \(0-65535\), got "eighty"$/],
    [{ API_KEYS: '[{"key":"short","userId":"u","role":"quality"}]' }, /^API_KEYS: \[0\]\.key: expected a key of 8 or more characters$/],
    [{ API_KEYS: `[{"key":"long-enough-key","keySha256":"${'a'.repeat(64)}","userId":"u","role":"quality"}]` }, /exactly one of key/],
    [{ API_KEYS: '[{"key":"long-enough-key","userId":"u","role":"janitor"}]' }, /role janitor/],
    [{ API_KEYS: '[{"key":"long-enough-key","userId":"u","role":"quality","rights":"all"}]' }, /^API_KEYS: \[0\]: unknown key "rights"$/],
    [{ QMS_POLICY_FILE: '/nonexistent/policy.json' }, /Cannot read QMS_POLICY_FILE/],
    [{ LOG_FORMAT: 'colour' }, /^LOG_FORMAT: expected "json" or "pretty", got "colour"$/],
    [{ METRICS_PORT: '-1' }, /^METRICS_PORT: expected a port number/],
    [{ PORT: '99999', LOG_LEVEL: 'loud' }, /^PORT: .*; LOG_LEVEL: expected "fatal"/],
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

  describe('QMS_POLICY_FILE', () => {
    const policyFile = (policy: unknown): string => {
      const path = join(mkdtempSync(join(tmpdir(), 'qms-policy-')), 'policy.json');
      writeFileSync(path, JSON.stringify(policy));
      return path;
    };
    const failureOf = (policy: unknown): string => {
      try {
        loadAppConfig({ QMS_POLICY_FILE: policyFile(policy) });
      } catch (error) {
        expect(error).toBeInstanceOf(ConfigurationError);
        return (error as Error).message;
      }
      throw new Error('the policy was accepted');
    };

    it('accepts every section of the committed example', () => {
      const example = join(__dirname, '..', '..', '..', '..', 'config', 'policy.example.json');
      const config = loadAppConfig({ QMS_POLICY_FILE: example });
      expect(Object.keys(config.policy).sort()).toEqual(['deadlines', 'deliveries', 'reporting', 'surveys']);
      const deadlines = deadlinePolicyFrom(config);
      expect(deadlines.customers?.['CUST-OEM-A']?.containmentHours).toBe(12);
      expect(reportingConfigFrom(config, deadlines).customerTargets['CUST-OEM-A']).toEqual({ ppm: 25 });
      expect(surveyPolicyFrom(config).customers).toHaveLength(1);
      expect(deliveryPolicyFrom(config).csvDelimiter).toBe(',');
    });

    it('names a bad value with its path', () => {
      expect(failureOf({ deadlines: { default: { containmentHours: -4 } } })).toBe(
        'QMS_POLICY_FILE: deadlines.default.containmentHours: expected a positive number',
      );
    });

    it('refuses a misspelt key instead of ignoring it', () => {
      expect(failureOf({ deadlines: { default: { containmentHour: 12 } } })).toBe('QMS_POLICY_FILE: deadlines.default: unknown key "containmentHour"');
      expect(failureOf({ report: {} })).toBe('QMS_POLICY_FILE: unknown key "report"');
    });

    it('reports every bad value at once, on one line', () => {
      const message = failureOf({
        deliveries: { csvDelimiter: ':' },
        surveys: { requireApprovedCountermeasures: 'yes', customers: [{ customerId: 'c', relationshipStart: '2026-02-30' }] },
        reporting: { repeatWindowDays: 1.5 },
      });
      expect(message).toContain('deliveries.csvDelimiter: expected one of');
      expect(message).toContain('surveys.requireApprovedCountermeasures: expected true or false');
      expect(message).toContain('surveys.customers[0].relationshipStart: expected a date YYYY-MM-DD');
      expect(message).toContain('reporting.repeatWindowDays: expected a whole number of days');
      expect(message).not.toContain('\n');
    });

    it('passes rules across fields to the domain and reports them the same way', () => {
      const config = loadAppConfig({ QMS_POLICY_FILE: policyFile({ deadlines: { default: { timeZone: 'Mars/Olympus' } } }) });
      expect(() => deadlinePolicyFrom(config)).toThrow(/^QMS_POLICY_FILE: deadlines\.default\.timeZone: unknown IANA time zone/);
    });

    it('refuses a list where an object is expected', () => {
      expect(failureOf([])).toBe('QMS_POLICY_FILE: expected a JSON object');
    });
  });

  it('stops start-up with one line when the data folder is not writable', async () => {
    const blocker = join(mkdtempSync(join(tmpdir(), 'qms-config-')), 'not-a-folder');
    writeFileSync(blocker, 'a file where the data folder should be');
    const config = loadAppConfig({
      EVENTS_DB_PATH: join(blocker, 'events.db'),
      READ_DB_PATH: join(mkdtempSync(join(tmpdir(), 'qms-config-')), 'read-models.db'),
      LOG_LEVEL: 'silent',
    });
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
    const config = loadAppConfig({ EVENTS_DB_PATH: join(folder, 'events.db'), READ_DB_PATH: join(blocker, 'read-models.db'), LOG_LEVEL: 'silent' });
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
      LOG_LEVEL: 'silent',
    });
    const failure = await createApp(config).then(
      () => undefined,
      (error: unknown) => error as Error,
    );
    expect(failure?.message).toMatch(/EVENTSTORE_URL/);
    expect(failure?.message).not.toContain('\n');
  }, 20_000);
});

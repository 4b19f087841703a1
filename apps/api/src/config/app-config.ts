import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { z } from 'zod';
import { ROLES, type Role } from '@qms/domain-kernel';
import { DEFAULT_READ_DB_CACHE_MB } from '@qms/read-store';
import { ConfigurationError, oneLine, parseConfiguration } from './configuration-error';
import { type PolicyFile, policyFileSchema } from './policy-file';

export { ConfigurationError } from './configuration-error';

/**
 * Everything the service reads from its environment, parsed once at start by schemas so that bad
 * configuration stops start-up with one line that names every bad setting.
 */
export interface ApiKeyEntry {
  /** Plain key (development) or its SHA-256 in hex (production), never both. */
  readonly key?: string;
  readonly keySha256?: string;
  readonly userId: string;
  readonly role: Role;
  readonly department?: string;
}

export type LogFormat = 'json' | 'pretty';
export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

export interface AppConfig {
  readonly production: boolean;
  readonly port: number;
  readonly host: string;
  readonly eventStoreUrl?: string;
  readonly eventsDbPath: string;
  /** Who commits to the SQLite file: a worker thread (default; the fsync leaves the event loop free) or the main thread. */
  readonly eventsDbWriter: 'worker' | 'main-thread';
  readonly mongoUrl?: string;
  readonly mongoDatabase: string;
  /** The embedded read models' SQLite file (without MONGO_URL); a restart resumes from its checkpoints. */
  readonly readDbPath: string;
  /** MONGO_COMPATIBILITY=ferretdb when MONGO_URL is a FerretDB server (see MongoReadStoreOptions.compatibility). */
  readonly mongoCompatibility: 'mongodb' | 'ferretdb';
  /**
   * Where the projections run (PROJECTIONS): 'on' (default) in this process — in a worker thread on
   * the embedded SQLite file; 'in-process' on the API's own event loop; 'off' in a projector
   * process (`npm run projector`) that writes the same read store, so that several API instances
   * serve while one projector writes. 'off' needs a read store other processes can reach.
   */
  readonly projections: 'on' | 'in-process' | 'off';
  /**
   * READ_MODELS_ON_MISMATCH: what to do when the read store was built from another event log, or
   * has read further than this log goes. 'refuse' (default): do not start, saying what is wrong;
   * 'rebuild': clear the read models and build them again from this log's first event.
   */
  readonly readModelsOnMismatch: 'refuse' | 'rebuild';
  /**
   * Old-generation heap of the projections thread, MiB (PROJECTIONS_HEAP_MB). A batch's documents
   * are its whole live set; without a cap V8 lets garbage pile up to hundreds of MiB while a
   * start-up catches up, which a small server pays in RSS.
   */
  readonly projectionsHeapMb: number;
  /**
   * Old-generation heap of the thread that builds a monthly report's workbook, MiB
   * (WORKBOOK_HEAP_MB). A month of 990 customers took 40 MiB.
   */
  readonly workbookHeapMb: number;
  /**
   * SQLite page cache of the connection that writes the read-model file, MiB (READ_DB_CACHE_MB):
   * the projections thread's, or the API's own when it projects in process.
   */
  readonly readDbCacheMb: number;
  /**
   * SQLite page cache of the API's connection when it only reads the read-model file, MiB
   * (READ_DB_READER_CACHE_MB). In WAL mode every commit of the writing connection empties a
   * reader's cache, so while the projections follow the log a large one holds memory for little.
   */
  readonly readDbReaderCacheMb: number;
  /**
   * Scheduling priority (Linux nice, 0–19) of the projections thread (PROJECTIONS_NICE). Requests
   * and appends come first on a small server: the thread that applies them to the read models
   * takes the cores they leave, and catches up when the load eases. 0 gives it the API's priority.
   */
  readonly projectionsNice: number;
  /**
   * 'nice' (default): PROJECTIONS_NICE alone. 'idle': the projections thread also runs in Linux's
   * SCHED_IDLE class (PROJECTIONS_SCHEDULING), so a request or append that wakes takes a core at
   * once instead of after the thread's time slice, for an installation whose command throughput
   * matters more than fresh read models. Under SCHED_IDLE anything else that keeps the cores busy,
   * another program included, holds the read models still until it eases, and reads that wait
   * for a position (`?minPosition=`) answer 503 meanwhile.
   */
  readonly projectionsScheduling: 'idle' | 'nice';
  /** How long a read-store call waits for a reachable MongoDB before the read API answers 503. */
  readonly mongoServerSelectionTimeoutMs: number;
  readonly apiKeys: readonly ApiKeyEntry[];
  /** Domain policy (deadlines, calendar, time zone, KPI targets, survey calendar) as parsed from QMS_POLICY_FILE. */
  readonly policy: PolicyFile;
  readonly logLevel: LogLevel;
  /** JSON lines (default) or human-readable output (needs the dev dependency pino-pretty). */
  readonly logFormat: LogFormat;
  /**
   * Where /metrics is served: on the API port behind an admin or auditor key (undefined), or on
   * its own listener without a key (METRICS_PORT, bound to METRICS_HOST), for a scraper on a private network.
   */
  readonly metricsPort?: number;
  readonly metricsHost: string;
  /** Bound on each dependency check of /health/ready. */
  readonly healthCheckTimeoutMs: number;
}

/** One development key per role, so a new user can try every step on the embedded default. */
export const DEVELOPMENT_API_KEYS: readonly ApiKeyEntry[] = [
  { key: 'dev-sales', userId: 'dev.sales', role: 'sales' },
  { key: 'dev-quality', userId: 'dev.quality', role: 'quality' },
  { key: 'dev-department-assembly', userId: 'dev.assembly', role: 'department', department: 'assembly' },
  { key: 'dev-department-molding', userId: 'dev.molding', role: 'department', department: 'molding' },
  { key: 'dev-management', userId: 'dev.management', role: 'management' },
  { key: 'dev-warehouse', userId: 'dev.warehouse', role: 'warehouse' },
  { key: 'dev-planning', userId: 'dev.planning', role: 'planning' },
  { key: 'dev-auditor', userId: 'dev.auditor', role: 'auditor' },
  { key: 'dev-admin', userId: 'dev.admin', role: 'admin' },
];

type Env = Readonly<Record<string, string | undefined>>;

/** Unset and blank mean "use the default". */
const blankAsUnset = (value: unknown): unknown => (typeof value === 'string' && value.trim() === '' ? undefined : value);
const optionalText = z.preprocess(blankAsUnset, z.string().trim().optional());

function portNumber(what: string) {
  return z
    .string()
    .trim()
    .regex(/^\d+$/, { error: (issue) => `expected ${what} (0-65535), got ${JSON.stringify(issue.input)}` })
    .transform(Number)
    .pipe(z.number().max(65535, { error: `expected ${what} (0-65535)` }));
}

function milliseconds(min: number, max: number) {
  return z
    .string()
    .trim()
    .regex(/^\d+$/, { error: (issue) => `expected milliseconds (${min}-${max}), got ${JSON.stringify(issue.input)}` })
    .transform(Number)
    .pipe(z.number().min(min).max(max, { error: `expected milliseconds (${min}-${max})` }));
}

function wholeNumber(min: number, max: number, unit = '') {
  const range = `a whole number from ${min} to ${max}${unit}`;
  return z
    .string()
    .trim()
    .regex(/^\d+$/, { error: (issue) => `expected ${range}, got ${JSON.stringify(issue.input)}` })
    .transform(Number)
    .pipe(z.number().min(min, { error: `expected ${range}` }).max(max, { error: `expected ${range}` }));
}

function oneOf<const T extends readonly [string, ...string[]]>(values: T) {
  return z.enum(values, {
    error: (issue) => `expected ${values.map((value) => `"${value}"`).join(' or ')}, got ${JSON.stringify(issue.input)}`,
  });
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

const environmentSchema = z.object({
  NODE_ENV: optionalText,
  PORT: z.preprocess(blankAsUnset, portNumber('a port number').default(3000)),
  HOST: z.preprocess(blankAsUnset, z.string().trim().default('127.0.0.1')),
  EVENTSTORE_URL: optionalText,
  EVENTS_DB_PATH: z.preprocess(blankAsUnset, z.string().default('./data/events.db')),
  EVENTS_DB_WRITER: z.preprocess(blankAsUnset, oneOf(['worker', 'main-thread']).default('worker')),
  MONGO_URL: optionalText,
  READ_DB_PATH: z.preprocess(blankAsUnset, z.string().default('./data/read-models.db')),
  MONGO_DATABASE: z.preprocess(blankAsUnset, z.string().trim().default('qms')),
  MONGO_COMPATIBILITY: z.preprocess(blankAsUnset, oneOf(['mongodb', 'ferretdb']).default('mongodb')),
  PROJECTIONS: z.preprocess(blankAsUnset, oneOf(['on', 'in-process', 'off']).default('on')),
  READ_MODELS_ON_MISMATCH: z.preprocess(blankAsUnset, oneOf(['refuse', 'rebuild']).default('refuse')),
  PROJECTIONS_HEAP_MB: z.preprocess(blankAsUnset, wholeNumber(64, 16_384, ' (MiB)').default(160)),
  WORKBOOK_HEAP_MB: z.preprocess(blankAsUnset, wholeNumber(64, 16_384, ' (MiB)').default(192)),
  PROJECTIONS_NICE: z.preprocess(blankAsUnset, wholeNumber(0, 19).default(10)),
  PROJECTIONS_SCHEDULING: z.preprocess(blankAsUnset, oneOf(['idle', 'nice']).default('nice')),
  READ_DB_CACHE_MB: z.preprocess(blankAsUnset, wholeNumber(2, 4_096, ' (MiB)').default(DEFAULT_READ_DB_CACHE_MB)),
  READ_DB_READER_CACHE_MB: z.preprocess(blankAsUnset, wholeNumber(2, 4_096, ' (MiB)').default(8)),
  MONGO_SERVER_SELECTION_TIMEOUT_MS: z.preprocess(blankAsUnset, milliseconds(50, 60_000).default(750)),
  API_KEYS_FILE: optionalText,
  API_KEYS: optionalText,
  QMS_POLICY_FILE: optionalText,
  LOG_LEVEL: z.preprocess(blankAsUnset, oneOf(LOG_LEVELS).optional()),
  LOG_FORMAT: z.preprocess(blankAsUnset, oneOf(['json', 'pretty']).default('json')),
  METRICS_PORT: z.preprocess(blankAsUnset, portNumber('a port number').optional()),
  METRICS_HOST: z.preprocess(blankAsUnset, z.string().trim().default('127.0.0.1')),
  HEALTH_CHECK_TIMEOUT_MS: z.preprocess(blankAsUnset, milliseconds(10, 60_000).default(500)),
});

const apiKeyEntrySchema = z
  .strictObject({
    key: z.string().min(8, { error: 'expected a key of 8 or more characters' }).optional(),
    keySha256: z
      .string()
      .regex(/^[0-9a-f]{64}$/, { error: 'expected the SHA-256 of the key: 64 lower-case hex digits' })
      .optional(),
    userId: z.string({ error: 'expected a userId' }).trim().min(1, { error: 'expected a userId' }),
    role: z.enum(ROLES, { error: (issue) => `role ${String(issue.input)} is not one of ${ROLES.join(', ')}` }),
    department: z.string().trim().min(1).optional(),
  })
  .superRefine((entry, context) => {
    if ((entry.key === undefined) === (entry.keySha256 === undefined)) {
      context.addIssue({ code: 'custom', message: 'needs exactly one of key (8+ characters) or keySha256 (64 hex digits)' });
    }
    if (entry.role === 'department' && entry.department === undefined) {
      context.addIssue({ code: 'custom', path: ['department'], message: 'role department needs the department it acts for' });
    }
  });

const apiKeysSchema = z.array(apiKeyEntrySchema, { error: 'expected a JSON list of { key | keySha256, userId, role, department? }' });

export function loadAppConfig(env: Env = process.env): AppConfig {
  const settings = parseConfiguration(environmentSchema, env);
  const production = settings.NODE_ENV === 'production';
  return {
    production,
    port: settings.PORT,
    host: settings.HOST,
    eventStoreUrl: settings.EVENTSTORE_URL,
    eventsDbPath: resolve(settings.EVENTS_DB_PATH),
    eventsDbWriter: settings.EVENTS_DB_WRITER,
    readDbPath: resolve(settings.READ_DB_PATH),
    mongoUrl: settings.MONGO_URL,
    mongoDatabase: settings.MONGO_DATABASE,
    mongoCompatibility: settings.MONGO_COMPATIBILITY,
    projections: settings.PROJECTIONS,
    readModelsOnMismatch: settings.READ_MODELS_ON_MISMATCH,
    projectionsHeapMb: settings.PROJECTIONS_HEAP_MB,
    workbookHeapMb: settings.WORKBOOK_HEAP_MB,
    projectionsNice: settings.PROJECTIONS_NICE,
    projectionsScheduling: settings.PROJECTIONS_SCHEDULING,
    readDbCacheMb: settings.READ_DB_CACHE_MB,
    readDbReaderCacheMb: settings.READ_DB_READER_CACHE_MB,
    mongoServerSelectionTimeoutMs: settings.MONGO_SERVER_SELECTION_TIMEOUT_MS,
    apiKeys: loadApiKeys(settings, production),
    policy: loadPolicy(settings.QMS_POLICY_FILE),
    logLevel: settings.LOG_LEVEL ?? 'info',
    logFormat: settings.LOG_FORMAT,
    metricsPort: settings.METRICS_PORT,
    metricsHost: settings.METRICS_HOST,
    healthCheckTimeoutMs: settings.HEALTH_CHECK_TIMEOUT_MS,
  };
}

function loadPolicy(path: string | undefined): PolicyFile {
  if (path === undefined) return {};
  return parseConfiguration(policyFileSchema, loadJsonFile(path, 'QMS_POLICY_FILE'), 'QMS_POLICY_FILE');
}

function loadApiKeys(settings: z.output<typeof environmentSchema>, production: boolean): readonly ApiKeyEntry[] {
  const source = settings.API_KEYS_FILE !== undefined ? 'API_KEYS_FILE' : 'API_KEYS';
  const raw =
    settings.API_KEYS_FILE !== undefined
      ? loadJsonFile(settings.API_KEYS_FILE, 'API_KEYS_FILE')
      : settings.API_KEYS !== undefined
        ? parseJson(settings.API_KEYS, 'API_KEYS')
        : undefined;
  if (raw === undefined) {
    if (production) {
      throw new ConfigurationError(
        'NODE_ENV=production needs API keys: set API_KEYS_FILE to a JSON list of { keySha256, userId, role, department? }.',
      );
    }
    return DEVELOPMENT_API_KEYS;
  }
  const entries: ApiKeyEntry[] = parseConfiguration(apiKeysSchema, raw, source);
  if (production) {
    const developmentKeys = new Set(DEVELOPMENT_API_KEYS.map((entry) => entry.key));
    if (entries.some((entry) => entry.key !== undefined && developmentKeys.has(entry.key))) {
      throw new ConfigurationError('NODE_ENV=production refuses the development API keys: configure your own keys in API_KEYS_FILE.');
    }
  }
  return entries;
}

function loadJsonFile(path: string, variable: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ConfigurationError(oneLine(`Cannot read ${variable}=${path}: ${(error as Error).message}. Point ${variable} at a readable JSON file.`));
  }
  return parseJson(text, variable);
}

function parseJson(text: string, variable: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new ConfigurationError(oneLine(`${variable} is not valid JSON: ${(error as Error).message}.`));
  }
}

export const APP_CONFIG = Symbol('APP_CONFIG');

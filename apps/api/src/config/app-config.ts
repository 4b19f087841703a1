import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { ROLES, type Role } from '@qms/domain-kernel';

/**
 * Everything the service reads from its environment, validated once at start so that bad
 * configuration stops start-up with one line that says what to fix.
 */
export interface ApiKeyEntry {
  /** Plain key (development) or its SHA-256 in hex (production), never both. */
  readonly key?: string;
  readonly keySha256?: string;
  readonly userId: string;
  readonly role: Role;
  readonly department?: string;
}

export interface AppConfig {
  readonly production: boolean;
  readonly port: number;
  readonly host: string;
  readonly eventStoreUrl?: string;
  readonly eventsDbPath: string;
  /** Who commits to the SQLite file: a worker thread (default; the fsync leaves the event loop free) or the main thread. */
  readonly eventsDbWriter: 'worker' | 'main-thread';
  /** The embedded read models' SQLite file (without MONGO_URL); a restart resumes from its checkpoints. */
  readonly readDbPath: string;
  readonly mongoUrl?: string;
  readonly mongoDatabase: string;
  /**
   * Where the projections run (PROJECTIONS): 'on' (default) in this process — in a worker thread on
   * the embedded SQLite file; 'in-process' on the API's own event loop; 'off' in a projector
   * process (`npm run projector`) that writes the same read store, so that several API instances
   * serve while one projector writes. 'off' needs a read store other processes can reach.
   */
  readonly projections: 'on' | 'in-process' | 'off';
  /** MONGO_COMPATIBILITY=ferretdb when MONGO_URL is a FerretDB server (see MongoReadStoreOptions.compatibility). */
  readonly mongoCompatibility: 'mongodb' | 'ferretdb';
  readonly apiKeys: readonly ApiKeyEntry[];
  /** Domain policy (deadlines, calendar, time zone, KPI targets, survey calendar) as loaded from QMS_POLICY_FILE. */
  readonly policy: Readonly<Record<string, unknown>>;
}

export class ConfigurationError extends Error {}

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

export function loadAppConfig(env: Env = process.env): AppConfig {
  const production = env['NODE_ENV'] === 'production';
  const apiKeys = loadApiKeys(env, production);
  return {
    production,
    port: parsePort(env['PORT'] ?? '3000'),
    host: env['HOST'] ?? '127.0.0.1',
    eventStoreUrl: nonEmpty(env['EVENTSTORE_URL']),
    eventsDbPath: resolve(env['EVENTS_DB_PATH'] ?? './data/events.db'),
    eventsDbWriter: parseWriter(env['EVENTS_DB_WRITER']),
    readDbPath: resolve(env['READ_DB_PATH'] ?? './data/read-models.db'),
    mongoUrl: nonEmpty(env['MONGO_URL']),
    mongoDatabase: env['MONGO_DATABASE'] ?? 'qms',
    projections: parseProjections(env['PROJECTIONS']),
    mongoCompatibility: parseMongoCompatibility(env['MONGO_COMPATIBILITY']),
    apiKeys,
    policy: loadPolicy(env['QMS_POLICY_FILE']),
  };
}

function parseProjections(text: string | undefined): AppConfig['projections'] {
  if (text === undefined || text === '' || text === 'on') return 'on';
  if (text === 'off' || text === 'in-process') return text;
  throw new ConfigurationError(`PROJECTIONS must be "on", "in-process" or "off", not "${text}".`);
}

function parseWriter(text: string | undefined): AppConfig['eventsDbWriter'] {
  if (text === undefined || text === '' || text === 'worker') return 'worker';
  if (text === 'main-thread') return 'main-thread';
  throw new ConfigurationError(`EVENTS_DB_WRITER must be "worker" or "main-thread", not "${text}".`);
}

function parseMongoCompatibility(text: string | undefined): AppConfig['mongoCompatibility'] {
  if (text === undefined || text === '' || text === 'mongodb') return 'mongodb';
  if (text === 'ferretdb') return 'ferretdb';
  throw new ConfigurationError(`MONGO_COMPATIBILITY must be "mongodb" or "ferretdb", not "${text}".`);
}

function loadPolicy(path: string | undefined): Readonly<Record<string, unknown>> {
  const policy = loadJsonFile(path, 'QMS_POLICY_FILE') ?? {};
  if (Array.isArray(policy)) throw new ConfigurationError('QMS_POLICY_FILE must hold a JSON object, not a list.');
  return policy;
}

function loadApiKeys(env: Env, production: boolean): readonly ApiKeyEntry[] {
  const fromFile = loadJsonFile(env['API_KEYS_FILE'], 'API_KEYS_FILE');
  const fromEnv = env['API_KEYS'] ? parseJson(env['API_KEYS'], 'API_KEYS') : undefined;
  const configured = fromFile ?? fromEnv;
  if (configured === undefined) {
    if (production) {
      throw new ConfigurationError(
        'NODE_ENV=production needs API keys: set API_KEYS_FILE to a JSON list of { keySha256, userId, role, department? }.',
      );
    }
    return DEVELOPMENT_API_KEYS;
  }
  if (!Array.isArray(configured)) throw new ConfigurationError('API keys must be a JSON list of { key | keySha256, userId, role, department? }.');
  const entries = configured.map((entry, index) => validateKeyEntry(entry, index));
  if (production) {
    const developmentKeys = new Set(DEVELOPMENT_API_KEYS.map((entry) => entry.key));
    if (entries.some((entry) => entry.key !== undefined && developmentKeys.has(entry.key))) {
      throw new ConfigurationError('NODE_ENV=production refuses the development API keys: configure your own keys in API_KEYS_FILE.');
    }
  }
  return entries;
}

function validateKeyEntry(raw: unknown, index: number): ApiKeyEntry {
  const entry = raw as Partial<Record<keyof ApiKeyEntry, unknown>>;
  const where = `API key entry ${index}`;
  if (typeof entry !== 'object' || entry === null) throw new ConfigurationError(`${where} must be an object.`);
  if (typeof entry.userId !== 'string' || entry.userId === '') throw new ConfigurationError(`${where} needs a userId.`);
  if (typeof entry.role !== 'string' || !(ROLES as readonly string[]).includes(entry.role)) {
    throw new ConfigurationError(`${where} has role ${String(entry.role)}; use one of ${ROLES.join(', ')}.`);
  }
  const hasKey = typeof entry.key === 'string' && entry.key.length >= 8;
  const hasHash = typeof entry.keySha256 === 'string' && /^[0-9a-f]{64}$/.test(entry.keySha256);
  if (hasKey === hasHash) throw new ConfigurationError(`${where} needs exactly one of key (8+ characters) or keySha256 (64 hex digits).`);
  if (entry.role === 'department' && typeof entry.department !== 'string') {
    throw new ConfigurationError(`${where} has role department and needs the department it acts for.`);
  }
  return {
    userId: entry.userId,
    role: entry.role as Role,
    ...(hasKey ? { key: entry.key as string } : { keySha256: entry.keySha256 as string }),
    ...(typeof entry.department === 'string' ? { department: entry.department } : {}),
  };
}

function loadJsonFile(path: string | undefined, variable: string): Record<string, unknown> | unknown[] | undefined {
  if (!path) return undefined;
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ConfigurationError(`Cannot read ${variable}=${path}: ${(error as Error).message}. Point ${variable} at a readable JSON file.`);
  }
  return parseJson(text, variable) as Record<string, unknown> | unknown[];
}

function parseJson(text: string, variable: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new ConfigurationError(`${variable} is not valid JSON: ${(error as Error).message}.`);
  }
}

function parsePort(raw: string): number {
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new ConfigurationError(`PORT=${raw} is not a port number (0-65535).`);
  return port;
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}

export const APP_CONFIG = Symbol('APP_CONFIG');

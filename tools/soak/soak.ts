/**
 * Kill -9 soak of the API on the embedded default (DESIGN.md §11): concurrent clients send keyed
 * commands (complaint registrations, their assignments, return receipts) while the API process is
 * killed with SIGKILL at seeded random moments and restarted; every request that got no answer is
 * retried with its Idempotency-Key until it is answered. At the end: no acknowledged command
 * missing, one record per key, the hash chain verified, complaint numbers gap-free, and the read
 * models equal to a clean rebuild. Prints one summary line; exits 1 on any failure.
 *
 *   npm run soak -- [--kills 5] [--seconds 60] [--seed 1] [--clients 6]
 *
 * Runs the built API (dist/) on 127.0.0.1 with a fresh data folder under the system temp folder.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';
import { productionStart } from '../../apps/api/src/infrastructure/start-command';

interface Options {
  readonly kills: number;
  readonly seconds: number;
  readonly seed: number;
  readonly clients: number;
  readonly keep: boolean;
}

type Kind = 'register' | 'assign' | 'receive-return';

/** A command the API acknowledged (2xx), with what it answered. */
interface Acknowledged {
  readonly kind: Kind;
  readonly key: string;
  readonly body: Record<string, unknown>;
}

const HOST = '127.0.0.1';
const API_MAIN = resolve(__dirname, '../../apps/api/src/main.js');
const REQUEST_TIMEOUT_MS = 15_000;
const START_TIMEOUT_MS = 120_000;

function parseOptions(argv: readonly string[]): Options {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      kills: { type: 'string', default: '5' },
      seconds: { type: 'string', default: '60' },
      seed: { type: 'string', default: '1' },
      clients: { type: 'string', default: '6' },
      keep: { type: 'boolean', default: false },
    },
    strict: true,
  });
  const count = (name: string, text: string, min: number): number => {
    const value = Number(text);
    if (!Number.isInteger(value) || value < min) throw new Error(`--${name} must be an integer >= ${min}, got ${text}`);
    return value;
  };
  return {
    kills: count('kills', values.kills, 0),
    seconds: count('seconds', values.seconds, 1),
    seed: count('seed', values.seed, 0),
    clients: count('clients', values.clients, 1),
    keep: values.keep,
  };
}

/** mulberry32: a small seeded generator, so a failing run can be repeated with its --seed. */
function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, HOST, () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address !== null ? done(address.port) : fail(new Error('no port'))));
    });
  });
}

/** The API process, restarted after each kill on the same data folder and port. */
class Api {
  private child: ChildProcess | undefined;
  private stderr = '';

  constructor(
    private readonly port: number,
    private readonly dataDir: string,
  ) {}

  get url(): string {
    return `http://${HOST}:${this.port}`;
  }

  async start(): Promise<void> {
    const { environment, nodeOptions } = productionStart();
    const env: NodeJS.ProcessEnv = { ...process.env, ...environment, HOST, PORT: String(this.port), EVENTS_DB_PATH: join(this.dataDir, 'events.db'), READ_DB_PATH: join(this.dataDir, 'read-models.db'), NODE_ENV: 'development' };
    // The embedded default: no EventStoreDB, no MongoDB.
    delete env['EVENTSTORE_URL'];
    delete env['MONGO_URL'];
    delete env['API_KEYS_FILE'];
    this.stderr = '';
    const child = spawn(process.execPath, [...nodeOptions, API_MAIN], { env, stdio: ['ignore', 'ignore', 'pipe'] });
    child.stderr?.on('data', (chunk: Buffer) => {
      this.stderr = (this.stderr + chunk.toString()).slice(-4_000);
    });
    this.child = child;
    const deadline = Date.now() + START_TIMEOUT_MS;
    while (Date.now() < deadline) {
      if (child.exitCode !== null) throw new Error(`the API exited with ${child.exitCode} at start: ${this.stderr.trim().split('\n').at(-1) ?? ''}`);
      // Any answer means it listens; commands retry their own 503s.
      if (await fetch(`${this.url}/health`).then(() => true, () => false)) return;
      await sleep(100);
    }
    throw new Error(`the API did not answer within ${START_TIMEOUT_MS / 1000} s`);
  }

  async kill(): Promise<void> {
    const child = this.child;
    if (child === undefined || child.exitCode !== null) return;
    const exited = new Promise((done) => child.once('exit', done));
    child.kill('SIGKILL');
    await exited;
  }

  async stop(): Promise<void> {
    const child = this.child;
    if (child === undefined || child.exitCode !== null) return;
    const exited = new Promise((done) => child.once('exit', done));
    child.kill('SIGTERM');
    await Promise.race([exited, sleep(10_000).then(() => child.kill('SIGKILL'))]);
  }
}

type Answer = { readonly status: number; readonly body: Record<string, unknown> };

/** Sends until answered: a dropped connection, a timeout or a 5xx is retried with the same key. */
async function sendUntilAnswered(url: string, apiKey: string, path: string, key: string, body: unknown): Promise<Answer & { retries: number }> {
  for (let retries = 0; ; retries++) {
    try {
      const response = await fetch(`${url}${path}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json', 'idempotency-key': key },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
      const text = await response.text();
      if (response.status < 500) return { status: response.status, body: text === '' ? {} : (JSON.parse(text) as Record<string, unknown>), retries };
    } catch {
      // Killed mid-request, or not listening yet: the answer is unknown, so ask again.
    }
    await sleep(50 + Math.min(retries, 20) * 25);
  }
}

function registration(client: number, index: number): Record<string, unknown> {
  const day = String(1 + ((client * 7 + index) % 28)).padStart(2, '0');
  return {
    customerId: `SOAK-${client}`,
    customerContact: 'Li Wei, +86 21 5555 0101',
    partNo: `P-${100 + (index % 9)}`,
    lot: `L-2026-${index}`,
    defectDescription: `Burr on the flange edge (client ${client}, request ${index})`,
    quantityAffected: 1 + (index % 40),
    severity: index % 5 === 0 ? 'urgent' : 'normal',
    channel: 'email',
    receivedAt: `2026-03-${day}T09:00:00+08:00`,
    returnNeeded: false,
    customerProductionAffected: false,
  };
}

function receipt(client: number, index: number): Record<string, unknown> {
  return {
    receivingNoteNo: `RN-SOAK-${client}-${index}`,
    customerId: `SOAK-${client}`,
    items: [{ itemNo: 1, materialNo: `M-${index % 7}`, quantity: 1 + (index % 12) }],
    complaintNumber: 'CC-2026-0001',
    urgentNeed: false,
  };
}

interface Tally {
  acknowledged: Acknowledged[];
  refused: string[];
  retried: number;
}

/** One client: registration then assignment of that complaint, and now and then a return receipt. */
async function client(api: Api, id: number, seed: number, until: number, tally: Tally): Promise<void> {
  for (let index = 0; Date.now() < until; index++) {
    const prefix = `soak-${seed}-${id}-${index}`;
    if (index % 4 === 3) {
      await step(api, tally, 'receive-return', 'dev-warehouse', '/returns', `${prefix}-return`, receipt(id, index));
      continue;
    }
    const registered = await step(api, tally, 'register', 'dev-sales', '/complaints', `${prefix}-register`, registration(id, index));
    const number = registered?.['complaintNumber'];
    if (typeof number !== 'string') continue;
    await step(api, tally, 'assign', 'dev-quality', `/complaints/${number}/assignment`, `${prefix}-assign`, { department: 'assembly' });
  }
}

async function step(api: Api, tally: Tally, kind: Kind, apiKey: string, path: string, key: string, body: unknown): Promise<Record<string, unknown> | undefined> {
  const answer = await sendUntilAnswered(api.url, apiKey, path, key, body);
  tally.retried += answer.retries;
  if (answer.status >= 200 && answer.status < 300) {
    tally.acknowledged.push({ kind, key, body: answer.body });
    return answer.body;
  }
  tally.refused.push(`${kind} ${key}: ${answer.status} ${JSON.stringify(answer.body).slice(0, 200)}`);
  return undefined;
}

async function getJson(api: Api, apiKey: string, method: 'GET' | 'POST', path: string): Promise<Answer> {
  const response = await fetch(`${api.url}${path}`, { method, headers: { authorization: `Bearer ${apiKey}` }, signal: AbortSignal.timeout(300_000) });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

/** Each projection's live read model against a clean rebuild of it, one projection at a time. */
async function everyReadModelEqualsRebuild(api: Api, problems: string[]): Promise<boolean> {
  const listing = await fetch(`${api.url}/admin/projections`, { headers: { authorization: 'Bearer dev-admin' } });
  const projections = (await listing.json()) as { name: string }[];
  let equal = projections.length > 0;
  for (const { name } of projections) {
    const compare = await getJson(api, 'dev-admin', 'GET', `/admin/projections/${name}/verify`);
    if (compare.status === 200 && compare.body['equal'] === true) continue;
    equal = false;
    problems.push(`read model ${name}: ${compare.status} ${JSON.stringify(compare.body).slice(0, 300)}`);
  }
  return equal;
}

interface StoredEvent {
  readonly streamId: string;
  readonly type: string;
  readonly data: Record<string, unknown>;
  readonly metadata: Record<string, unknown>;
}

function readLog(path: string): StoredEvent[] {
  const db = new Database(path, { readonly: true, fileMustExist: true });
  try {
    return db
      .prepare<[], { stream_id: string; type: string; data: string; metadata: string }>('SELECT stream_id, type, data, metadata FROM events ORDER BY position')
      .all()
      .map((row) => ({ streamId: row.stream_id, type: row.type, data: JSON.parse(row.data) as Record<string, unknown>, metadata: JSON.parse(row.metadata) as Record<string, unknown> }));
  } finally {
    db.close();
  }
}

/** What the log says against what was acknowledged; every count must be 0. */
function checkLog(events: readonly StoredEvent[], acknowledged: readonly Acknowledged[]) {
  const byKeyAndType = new Map<string, StoredEvent[]>();
  for (const event of events) {
    const key = event.metadata['idempotencyKey'];
    if (typeof key !== 'string') continue;
    const slot = `${key}\u0000${event.type}`;
    byKeyAndType.set(slot, [...(byKeyAndType.get(slot) ?? []), event]);
  }
  const creations: Record<Kind, string> = { register: 'ComplaintRegistered', assign: 'ComplaintAssigned', 'receive-return': 'ReturnReceived' };
  let lost = 0;
  const missing: string[] = [];
  for (const { kind, key, body } of acknowledged) {
    const stored = byKeyAndType.get(`${key}\u0000${creations[kind]}`) ?? [];
    const expectedStream = typeof body['streamId'] === 'string' ? body['streamId'] : undefined;
    if (stored.length === 0 || (expectedStream !== undefined && !stored.some((event) => event.streamId === expectedStream))) {
      lost += 1;
      missing.push(`${kind} ${key}`);
    }
  }
  // One record per key: a key's creating event must exist once, in one stream.
  let duplicates = 0;
  for (const [slot, stored] of byKeyAndType) {
    if (!/\u0000(ComplaintRegistered|ReturnReceived|ComplaintAssigned)$/.test(slot)) continue;
    if (stored.length > 1) duplicates += stored.length - 1;
  }
  const numbers = events
    .filter((event) => event.type === 'ComplaintRegistered')
    .map((event) => String(event.data['complaintNumber']))
    .filter((number) => /^CC-2026-\d+$/.test(number))
    .map((number) => Number(number.split('-')[2]))
    .sort((a, b) => a - b);
  let gaps = 0;
  numbers.forEach((number, index) => {
    if (number !== index + 1) gaps += 1;
  });
  return { lost, missing, duplicates, gaps, complaints: numbers.length };
}

async function main(): Promise<number> {
  const options = parseOptions(process.argv.slice(2));
  const random = seeded(options.seed);
  const dataDir = mkdtempSync(join(tmpdir(), 'qms-soak-'));
  const api = new Api(await freePort(), dataDir);
  const started = Date.now();
  const until = started + options.seconds * 1000;
  const killAt = Array.from({ length: options.kills }, () => started + (0.05 + 0.9 * random()) * options.seconds * 1000).sort((a, b) => a - b);
  const tally: Tally = { acknowledged: [], refused: [], retried: 0 };
  let kills = 0;
  const problems: string[] = [];
  try {
    await api.start();
    const clients = Array.from({ length: options.clients }, (_, id) => client(api, id, options.seed, until, tally));
    for (const at of killAt) {
      await sleep(Math.max(0, at - Date.now()));
      await api.kill();
      kills += 1;
      await api.start();
    }
    await Promise.all(clients);

    const chain = await getJson(api, 'dev-admin', 'POST', '/audit/verify');
    const chainOk = chain.status === 200 && chain.body['ok'] === true;
    if (!chainOk) problems.push(`hash chain: ${chain.status} ${JSON.stringify(chain.body).slice(0, 300)}`);
    const readModelsEqual = await everyReadModelEqualsRebuild(api, problems);
    await api.stop();

    const log = checkLog(readLog(join(dataDir, 'events.db')), tally.acknowledged);
    if (log.lost > 0) problems.push(`lost: ${log.missing.slice(0, 5).join(', ')}`);
    if (tally.refused.length > 0) problems.push(`refused: ${tally.refused.slice(0, 3).join(' | ')}`);
    const failed = problems.length > 0 || log.duplicates > 0 || log.gaps > 0;
    console.log(
      `soak: kills=${kills} acknowledged=${tally.acknowledged.length} lost=${log.lost} duplicates=${log.duplicates} gaps=${log.gaps} refused=${tally.refused.length} retried=${tally.retried} complaints=${log.complaints} chain=${chainOk ? 'verified' : 'BROKEN'} readModels=${readModelsEqual ? 'equal' : 'DIFFERENT'} seconds=${Math.round((Date.now() - started) / 1000)} seed=${options.seed} result=${failed ? 'FAILED' : 'ok'}`,
    );
    for (const problem of problems) console.error(`soak: ${problem}`);
    return failed ? 1 : 0;
  } finally {
    await api.kill();
    if (!options.keep) rmSync(dataDir, { recursive: true, force: true });
    else console.error(`soak: data kept in ${dataDir}`);
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`soak: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);

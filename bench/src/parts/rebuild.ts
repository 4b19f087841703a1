import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { MongoClient } from 'mongodb';
import type { DomainEvent } from '@qms/domain-kernel';
import { defaultEventCatalogue, EventCatalogue } from '@qms/event-catalogue';
import { SqliteEventStore, type RecordedEvent } from '@qms/event-store';
import {
  collectionsOf,
  ProjectionEngine,
  RebuildInterruptedError,
  type RebuildProgress,
} from '@qms/projection-engine';
import { FERRETDB_BULK_CHUNK, MongoReadStore, SqliteReadStore, type ReadStore } from '@qms/read-store';
import { createReportingProjections, MONTHLY_REPORT_COLLECTION, MONTHLY_REPORT_STATE_COLLECTION } from '@qms/reporting';
import { loadAppConfig } from '../../../apps/api/src/config/app-config';
import { deadlinePolicyFrom } from '../../../apps/api/src/config/domain-policy';
import { reportingConfigFrom } from '../../../apps/api/src/read-side/reporting-config.provider';
import { engineOptionsFor } from '../../../apps/api/src/read-side/engine-options';
import { ALL_PROJECTIONS, readSideOf } from '../../../apps/cli/src/commands/read-side';
import { defaultRebuildThreads, rebuildThreadGroups } from '../../../apps/cli/src/commands/rebuild-threads';
import { runRebuild as runCliRebuild } from '../../../apps/cli/src/commands/run-rebuild';

/**
 * Part 3: a full rebuild of every read model (one projection each: complaint master
 * and tracking lists, delivery, return, notification and survey facts, monthly reports) from the
 * generated history, with the engine and settings the API uses, against the floor of reading the
 * same events and parsing their JSON with no projection work at all.
 */
export interface RebuildArgs {
  readonly historyPath: string;
  readonly mongoUrl?: string;
  readonly mongoSeconds: number;
}

export interface ReadPass {
  readonly events: number;
  readonly seconds: number;
  readonly eventsPerSecond: number;
}

export interface RebuildRun extends ReadPass {
  readonly documents: Readonly<Record<string, number>>;
  /** Which months the rebuild left a stored report for, and the materializer's horizon. */
  readonly monthlyReports: {
    readonly stored: number;
    readonly first: string | null;
    readonly last: string | null;
    readonly horizon: string | null;
  };
  /** Peak RSS of the rebuilding process (VmHWM), MiB. */
  readonly peakRssMiB: number;
}

export interface MongoRun extends ReadPass {
  readonly server: string;
  /** The replay was stopped at the time box before the end of the log. */
  readonly partial: boolean;
  /** The batch in flight at the time box never finished (a read-store call that never answers). */
  readonly stalled: boolean;
  readonly totalEvents: number;
  /** Set when the read store ran in its FerretDB mode (MongoReadStoreOptions.compatibility): its bulk-write chunk. */
  readonly bulkWriteChunk: number | null;
}

export interface RebuildResult {
  readonly floor: ReadPass;
  /** Where the time goes between the floor and the rebuild: the port's paged readAll, then decoding (upcasting) too. */
  readonly breakdown: { readonly portReadAll: ReadPass; readonly portReadAllAndDecode: ReadPass };
  readonly inProcess: RebuildRun;
  readonly mongo: MongoRun | { readonly skipped: string };
  readonly ratios: { readonly inProcessToFloor: number; readonly mongoToFloor: number | null };
}

const PAGE = 500;

/** The floor: one sequential scan of the events table, both JSON columns parsed, nothing else. */
export function readAndParse(path: string): ReadPass {
  const db = new Database(path, { readonly: true });
  try {
    const rows = db.prepare<[], { data: string; metadata: string }>(
      'SELECT data, metadata FROM events ORDER BY position',
    );
    const started = performance.now();
    let events = 0;
    let keys = 0;
    for (const row of rows.iterate()) {
      const data = JSON.parse(row.data) as object;
      const metadata = JSON.parse(row.metadata) as object;
      // Touch the parsed values so that the parse cannot be optimised away.
      if (data !== null && metadata !== null) keys += 1;
      events += 1;
    }
    const seconds = (performance.now() - started) / 1000;
    if (keys !== events) throw new Error('unreachable');
    return { events, seconds, eventsPerSecond: events / seconds };
  } finally {
    db.close();
  }
}

async function portRead(path: string, decode: boolean): Promise<ReadPass> {
  const store = SqliteEventStore.open(path);
  const catalogue = defaultEventCatalogue();
  try {
    const started = performance.now();
    let position = 0;
    let events = 0;
    for (;;) {
      const page: RecordedEvent[] = await store.readAll({ fromPosition: position, maxCount: PAGE });
      if (page.length === 0) break;
      if (decode) for (const event of page) catalogue.decode(event);
      events += page.length;
      position = page[page.length - 1]!.position;
    }
    const seconds = (performance.now() - started) / 1000;
    return { events, seconds, eventsPerSecond: events / seconds };
  } finally {
    await store.close();
  }
}

function engineFor(path: string, readStore: ReadStore) {
  const config = loadAppConfig({ EVENTS_DB_PATH: path });
  const { all: projections } = createReportingProjections(reportingConfigFrom(config, deadlinePolicyFrom(config)));
  const catalogue = defaultEventCatalogue();
  const eventStore = SqliteEventStore.open(path);
  // As ReadSideModule builds it (its options for this kind of store, default retry policy).
  const engine = new ProjectionEngine<DomainEvent>({
    eventStore,
    readStore,
    ...engineOptionsFor(readStore),
    projections,
    decodeEvent: (recorded) => catalogue.decode(recorded),
    decodeMetadataKeys: EventCatalogue.DECODE_METADATA_KEYS,
    logger: {
      warn: (message) => process.stderr.write(`rebuild: ${message}\n`),
      log: (message) => process.stderr.write(`rebuild: ${message}\n`),
    },
  });
  return { engine, eventStore, projections };
}

/** Every read model rebuilt in one pass over the log, as `rebuild --projection all` does. */
async function rebuildEvery(
  engine: ProjectionEngine<DomainEvent>,
  onProgress: (progress: RebuildProgress) => void,
): Promise<{ eventsProcessed: number }> {
  const results = await engine.rebuildTogether(engine.projectionNames, { onProgress });
  return { eventsProcessed: Math.max(0, ...results.map((result) => result.eventsProcessed)) };
}

function progressLogger(label: string): (progress: RebuildProgress) => void {
  let last = Number.NEGATIVE_INFINITY;
  return (progress) => {
    const now = performance.now();
    if (now - last < 10_000) return;
    last = now;
    process.stderr.write(
      `rebuild ${label}: ${progress.eventsProcessed.toLocaleString('en')} events, ${Math.round(progress.eventsPerSecond).toLocaleString('en')}/s, ` +
        `position ${progress.position.toLocaleString('en')} of ${progress.targetPosition.toLocaleString('en')}\n`,
    );
  };
}

/**
 * Into a fresh SQLite read-model file, as the embedded API keeps them, the way `npm run cli --
 * rebuild --projection all` rebuilds it: the same placement on this machine's cores (threads of
 * their own, each reading the log) and the same engine; the command's checks around it (the log's
 * origin, the checksums it prints) are not timed. The rate is over the whole log.
 */
export async function rebuildInProcess(path: string): Promise<RebuildRun> {
  const folder = mkdtempSync(join(tmpdir(), 'qms-bench-read-models-'));
  const env = { EVENTS_DB_PATH: path, READ_DB_PATH: join(folder, 'read-models.db') };
  const side = readSideOf(env, ALL_PROJECTIONS);
  // As the command opens it to read: no writer thread.
  const eventStore = SqliteEventStore.open(path, { writer: 'main-thread' });
  const readStore = SqliteReadStore.open({ path: env.READ_DB_PATH });
  const io = { stdout: { write: () => true }, stderr: process.stderr, env };
  try {
    const events = await eventStore.headPosition();
    const groups = rebuildThreadGroups(side.projections, defaultRebuildThreads(side.projections));
    process.stderr.write(`rebuild in process: ${groups.length} thread(s): ${groups.map((group) => group.join(' + ')).join('; ')}\n`);
    const started = performance.now();
    await runCliRebuild(io, { eventStore, readStore, side, batchSize: undefined, placement: groups.length > 1 ? { threads: 'several', groups, env } : { threads: 'one' } });
    const seconds = (performance.now() - started) / 1000;
    const documents: Record<string, number> = {};
    for (const projection of side.projections) for (const { name } of collectionsOf(projection)) documents[name] = await readStore.count(name);
    const months = (
      await readStore.find(MONTHLY_REPORT_COLLECTION, { sort: [{ field: '_id', direction: 'asc' }] })
    ).items.map((report) => report._id);
    const state = await readStore.get<{ _id: string; horizon: string | null }>(
      MONTHLY_REPORT_STATE_COLLECTION,
      'state',
    );
    return {
      events,
      seconds,
      eventsPerSecond: events / seconds,
      documents,
      monthlyReports: {
        stored: months.length,
        first: months[0] ?? null,
        last: months.at(-1) ?? null,
        horizon: state?.horizon ?? null,
      },
      peakRssMiB: peakRss(),
    };
  } finally {
    await eventStore.close();
    await readStore.close();
    rmSync(folder, { recursive: true, force: true });
  }
}

/** FerretDB announces itself in buildInfo; MongoDB does not. */
async function serverOf(url: string): Promise<{ server: string; ferretDb: boolean }> {
  const client = new MongoClient(url, { serverSelectionTimeoutMS: 5_000 });
  try {
    const info = await client.db('admin').command({ buildInfo: 1 });
    const ferret = info['ferretdbVersion'] as string | undefined;
    return ferret === undefined
      ? { server: `MongoDB ${String(info['version'])}`, ferretDb: false }
      : { server: `FerretDB ${ferret}`, ferretDb: true };
  } finally {
    await client.close();
  }
}

export async function rebuildIntoMongo(path: string, url: string, seconds: number): Promise<MongoRun> {
  const { server, ferretDb } = await serverOf(url);
  const dbName = `qms_bench_${Date.now().toString(36)}`;
  const readStore = MongoReadStore.create({ url, dbName, compatibility: ferretDb ? 'ferretdb' : 'mongodb' });
  const { engine, eventStore } = engineFor(path, readStore);
  const totalEvents = await eventStore.headPosition();
  let last: RebuildProgress | undefined;
  const log = progressLogger('into MongoDB');
  const started = performance.now();
  let partial = false;
  let stalled = false;
  const rebuilt = rebuildEvery(engine, (progress) => {
    last = progress;
    log(progress);
  })
    .then(
      () => 'done' as const,
      (error: unknown) => {
        if (error instanceof RebuildInterruptedError) return 'interrupted' as const;
        throw error;
      },
    );
  try {
    const outcome = await Promise.race([rebuilt, sleep(seconds * 1000).then(() => 'time box' as const)]);
    if (outcome === 'time box') {
      partial = true;
      // A stop waits for the batch in flight; a read store that never answers would hold it forever.
      stalled = await Promise.race<boolean>([
        engine.stop().then(() => false),
        sleep(30_000).then(() => true),
      ]);
    }
  } finally {
    if (!stalled) await engine.stop();
    await eventStore.close();
    await readStore.close().catch(() => undefined);
    const client = new MongoClient(url);
    try {
      await client.db(dbName).dropDatabase();
    } catch {
      // Dropping is housekeeping; a failure leaves a test database behind, nothing more.
    } finally {
      await client.close();
    }
  }
  const events = last?.eventsProcessed ?? 0;
  // A partial run's rate is over the events replayed until the time box, not the box itself.
  const elapsed =
    partial && last !== undefined && last.eventsPerSecond > 0
      ? events / last.eventsPerSecond
      : (performance.now() - started) / 1000;
  return {
    events,
    seconds: elapsed,
    eventsPerSecond: events / elapsed,
    partial,
    stalled,
    totalEvents,
    server,
    bulkWriteChunk: ferretDb ? FERRETDB_BULK_CHUNK : null,
  };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}

export async function runRebuild(args: RebuildArgs): Promise<RebuildResult> {
  const log = (message: string) => process.stderr.write(`rebuild: ${message}\n`);
  log('warming the page cache, then the floor (raw read + JSON parse)');
  readAndParse(args.historyPath);
  const floor = readAndParse(args.historyPath);
  log(`floor: ${Math.round(floor.eventsPerSecond).toLocaleString('en')} events/s; port readAll`);
  const portReadAll = await portRead(args.historyPath, false);
  const portReadAllAndDecode = await portRead(args.historyPath, true);
  log('in-process read store');
  const inProcess = await rebuildInProcess(args.historyPath);
  let mongo: RebuildResult['mongo'] = { skipped: 'MONGO_URL is not set' };
  if (args.mongoUrl !== undefined) {
    log(`MongoDB at ${args.mongoUrl.replace(/\/\/[^@]*@/, '//')} (time box ${args.mongoSeconds} s)`);
    mongo = await rebuildIntoMongo(args.historyPath, args.mongoUrl, args.mongoSeconds);
  }
  return {
    floor,
    breakdown: { portReadAll, portReadAllAndDecode },
    inProcess,
    mongo,
    ratios: {
      inProcessToFloor: inProcess.eventsPerSecond / floor.eventsPerSecond,
      mongoToFloor: 'skipped' in mongo ? null : mongo.eventsPerSecond / floor.eventsPerSecond,
    },
  };
}

function peakRss(): number {
  const status = readFileSync('/proc/self/status', 'utf8');
  return Math.round(Number(/^VmHWM:\s+(\d+) kB/m.exec(status)?.[1] ?? Number.NaN) / 102.4) / 10;
}

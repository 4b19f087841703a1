import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import Database from 'better-sqlite3';
import { SqliteEventStore, type EventToAppend, type JsonObject } from '@qms/event-store';
import { ratio, summarize, type LatencySummary } from '../stats';

/**
 * Part 1: appends through the event-store port on SQLite, against raw better-sqlite3 inserts of
 * the same rows in the same transaction shapes (the floor) and against Emmett's SQLite event
 * store (the peer). Every contender starts from an empty file with the same pragmas (WAL, and
 * the fsync per commit of synchronous = FULL, which the port uses and SQLite's default in WAL
 * mode is for Emmett's sqlite3 driver).
 */
export interface AppendArgs {
  readonly historyPath: string;
  readonly folder: string;
  readonly single: { readonly warmup: number; readonly measured: number; readonly peerMeasured: number };
  readonly batched: {
    readonly size: number;
    readonly warmup: number;
    readonly measured: number;
    readonly peerMeasured: number;
  };
}

export interface ShapeResult {
  readonly events: number;
  readonly seconds: number;
  readonly eventsPerSecond: number;
  /** Per append (single) or per batch (batched), in ms. */
  readonly latency: LatencySummary;
  /** Appends that failed and were retried (Emmett only, see withRetries). */
  readonly failedAttempts?: number;
}

export interface AppendResult {
  readonly description: Record<string, string>;
  readonly single: {
    /** With the time of its two steps apart: the stream read and the append. */
    readonly ours: ShapeResult & {
      readonly readStream: LatencySummary;
      readonly appendToStream: LatencySummary;
    };
    readonly floor: ShapeResult;
    readonly peer: ShapeResult | { skipped: string };
  };
  readonly batched: {
    readonly size: number;
    readonly ours: ShapeResult;
    readonly floor: ShapeResult;
    readonly peer: ShapeResult | { skipped: string };
  };
  readonly ratios: {
    readonly singleToFloor: number | null;
    readonly singleToPeer: number | null;
    readonly batchedToFloor: number | null;
    readonly batchedToPeer: number | null;
  };
}

interface WorkloadEvent extends EventToAppend {
  readonly streamId: string;
  readonly revision: number;
}

/** Rows of the generated history in log order: real shapes and sizes, each stream from its first event. */
function loadWorkload(
  historyPath: string,
  args: AppendArgs,
): { single: WorkloadEvent[]; deliveries: WorkloadEvent[] } {
  const db = new Database(historyPath, { readonly: true });
  try {
    type Row = {
      event_id: string;
      stream_id: string;
      revision: number;
      type: string;
      data: string;
      metadata: string;
    };
    const toEvent = (row: Row): WorkloadEvent => ({
      id: row.event_id,
      streamId: row.stream_id,
      revision: row.revision,
      type: row.type,
      data: JSON.parse(row.data) as JsonObject,
      metadata: JSON.parse(row.metadata) as JsonObject,
    });
    const single = db
      .prepare<[number], Row>(
        'SELECT event_id, stream_id, revision, type, data, metadata FROM events ORDER BY position LIMIT ?',
      )
      .all(args.single.warmup + args.single.measured)
      .map(toEvent);
    const deliveries = db
      .prepare<[number], Row>(
        "SELECT event_id, stream_id, revision, type, data, metadata FROM events WHERE type = 'DeliveryRecorded' ORDER BY position LIMIT ?",
      )
      .all(
        args.batched.size *
          (args.batched.warmup + Math.max(args.batched.measured, args.batched.peerMeasured)),
      )
      .map(toEvent);
    return { single, deliveries };
  } finally {
    db.close();
  }
}

/** Turns taken by floor and ours (see interleaved). */
const ROUNDS = 4;

function shape(samples: number[], events: number, seconds: number): ShapeResult {
  return { events, seconds, eventsPerSecond: events / seconds, latency: summarize(samples) };
}

/** Raw per-operation samples of one contender, gathered over several rounds. */
class Samples {
  readonly latencies: number[] = [];
  events = 0;
  totalMs = 0;

  result(): ShapeResult {
    return shape(this.latencies, this.events, this.totalMs / 1000);
  }
}

async function measureInto<T>(
  into: Samples,
  items: readonly T[],
  operation: (item: T) => unknown,
  eventsPerItem: (item: T) => number,
  measured = true,
): Promise<void> {
  for (const item of items) {
    const started = performance.now();
    await operation(item);
    const elapsed = performance.now() - started;
    if (!measured) continue;
    into.latencies.push(elapsed);
    into.totalMs += elapsed;
    into.events += eventsPerItem(item);
  }
}

/** Measures `count` operations after `warmup` unmeasured ones. */
async function measure<T>(
  items: readonly T[],
  warmup: number,
  operation: (item: T) => unknown,
  eventsPerItem: (item: T) => number,
): Promise<ShapeResult> {
  const samples = new Samples();
  await measureInto(samples, items.slice(0, warmup), operation, eventsPerItem, false);
  await measureInto(samples, items.slice(warmup), operation, eventsPerItem);
  return samples.result();
}

/** Consecutive slices, so that every stream still gets its events in order across rounds. */
function rounds<T>(items: readonly T[], count: number): T[][] {
  const size = Math.ceil(items.length / count);
  return Array.from({ length: count }, (_, round) => items.slice(round * size, (round + 1) * size)).filter(
    (slice) => slice.length > 0,
  );
}

function freshFile(folder: string, name: string): string {
  const path = join(folder, `${name}.db`);
  for (const file of [path, `${path}-wal`, `${path}-shm`]) rmSync(file, { force: true });
  return path;
}

/** A contender of the single or batched shape: opened once, fed round after round, then closed. */
interface Contender<T> {
  run(item: T): unknown;
  close(): Promise<void> | void;
}

function oursSingle(path: string, reads: number[], appends: number[]): Contender<WorkloadEvent> {
  const store = SqliteEventStore.open(path);
  return {
    // What CommandExecutor does per command: read the stream (to fold it), append at the revision it read.
    run: async (event) => {
      const started = performance.now();
      const recorded = await store.readStream(event.streamId);
      const read = performance.now();
      const revision = recorded.length - 1;
      await store.appendToStream(event.streamId, [event], {
        expectedRevision: revision < 0 ? 'no_stream' : revision,
      });
      reads.push(read - started);
      appends.push(performance.now() - read);
    },
    close: () => store.close(),
  };
}

function oursBatched(path: string): Contender<WorkloadEvent[]> {
  const store = SqliteEventStore.open(path);
  return {
    run: async (batch) => {
      const outcomes = await store.appendToStreams(
        batch.map((event) => ({ streamId: event.streamId, events: [event], expectedRevision: 'no_stream' })),
      );
      if (outcomes.some((outcome) => !outcome.ok)) throw new Error('a batched append was refused');
    },
    close: () => store.close(),
  };
}

/** The floor: the same table (created by the real store), the same pragmas, only the INSERTs. */
async function rawDatabase(path: string): Promise<Database.Database> {
  await SqliteEventStore.open(path).close();
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  return db;
}

function rawInsert(db: Database.Database): (event: WorkloadEvent) => void {
  const insert = db.prepare<[string, string, number, string, string, string, string]>(
    'INSERT INTO events (event_id, stream_id, revision, type, data, metadata, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
  );
  return (event) => {
    insert.run(
      event.id,
      event.streamId,
      event.revision,
      event.type,
      JSON.stringify(event.data),
      JSON.stringify(event.metadata),
      new Date().toISOString(),
    );
  };
}

async function floorSingle(path: string): Promise<Contender<WorkloadEvent>> {
  const db = await rawDatabase(path);
  const insert = rawInsert(db);
  const transaction = db.transaction((event: WorkloadEvent) => insert(event)).immediate;
  return { run: (event) => transaction(event), close: () => void db.close() };
}

async function floorBatched(path: string): Promise<Contender<WorkloadEvent[]>> {
  const db = await rawDatabase(path);
  const insert = rawInsert(db);
  const transaction = db.transaction((batch: readonly WorkloadEvent[]) => {
    for (const event of batch) insert(event);
  }).immediate;
  return { run: (batch) => transaction(batch), close: () => void db.close() };
}

/**
 * Floor and ours take turns, round after round over consecutive slices of the workload, so that
 * a slow stretch of the disk (writeback of another file, say) falls on both alike.
 */
async function interleaved<T>(
  items: readonly T[],
  warmup: number,
  roundCount: number,
  contenders: { readonly floor: Contender<T>; readonly ours: Contender<T> },
  eventsPerItem: (item: T) => number,
): Promise<{ floor: ShapeResult; ours: ShapeResult }> {
  const floor = new Samples();
  const ours = new Samples();
  const warm = items.slice(0, warmup);
  await measureInto(floor, warm, contenders.floor.run, eventsPerItem, false);
  await measureInto(ours, warm, contenders.ours.run, eventsPerItem, false);
  for (const slice of rounds(items.slice(warmup), roundCount)) {
    await measureInto(floor, slice, contenders.floor.run, eventsPerItem);
    await measureInto(ours, slice, contenders.ours.run, eventsPerItem);
  }
  await contenders.floor.close();
  await contenders.ours.close();
  return { floor: floor.result(), ours: ours.result() };
}

// ---------------------------------------------------------------------------------------------
// The peer: Emmett 0.38.5 (optional dependency), loaded by name so the build does not need it.
// ---------------------------------------------------------------------------------------------

interface EmmettStore {
  readStream(streamName: string): Promise<{ events: unknown[]; currentStreamVersion: bigint }>;
  appendToStream(
    streamName: string,
    events: { type: string; data: unknown; metadata?: unknown }[],
    options?: { expectedStreamVersion?: bigint },
  ): Promise<unknown>;
}

/**
 * The peer lives in bench/'s own package (bench/node_modules), not in the product's install;
 * `npm run bench` installs it there when absent. Found from the sources and from dist/ alike.
 */
function benchPackageJson(): string | undefined {
  return [join(__dirname, '..', '..', 'package.json'), join(__dirname, '..', '..', '..', '..', 'bench', 'package.json')].find(
    (candidate) => existsSync(candidate) && (JSON.parse(readFileSync(candidate, 'utf8')) as { name?: string }).name === 'customer-quality-bench',
  );
}

function loadEmmett():
  | { getSQLiteEventStore: (options: { fileName: string }) => EmmettStore; version: string }
  | { skipped: string } {
  const moduleName = '@event-driven-io/emmett-sqlite';
  const packageJson = benchPackageJson();
  if (packageJson === undefined) return { skipped: 'bench/package.json not found' };
  const benchRequire = createRequire(packageJson);
  try {
    const emmett = benchRequire(moduleName) as {
      getSQLiteEventStore: (options: { fileName: string }) => EmmettStore;
    };
    // The package's exports map hides package.json; its version is read from the file.
    const peerPackageJson = join(dirname(benchRequire.resolve(moduleName)), '..', 'package.json');
    const version = (JSON.parse(readFileSync(peerPackageJson, 'utf8')) as { version: string }).version;
    return { getSQLiteEventStore: emmett.getSQLiteEventStore, version };
  } catch (error) {
    return {
      skipped: `${moduleName} is not installed in bench/ (npm ci --prefix bench): ${(error as Error).message.split('\n')[0]}`,
    };
  }
}

/**
 * Emmett 0.38.5 now and then fails a commit with SQLITE_BUSY "SQL statements in progress" (it
 * opens a connection per call and does not await its journal-mode pragma); such an append is
 * rolled back, so it is retried — inside the measured time — and counted.
 */
async function withRetries(operation: () => Promise<unknown>, failures: { count: number }): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await operation();
      return;
    } catch (error) {
      failures.count += 1;
      if (attempt >= 5) throw error;
    }
  }
}

async function peerSingle(
  store: EmmettStore,
  events: readonly WorkloadEvent[],
  warmup: number,
): Promise<ShapeResult> {
  const failures = { count: 0 };
  const result = await measure(
    events,
    warmup,
    (event) =>
      withRetries(async () => {
        const stream = await store.readStream(event.streamId);
        await store.appendToStream(
          event.streamId,
          [{ type: event.type, data: event.data, metadata: event.metadata }],
          {
            expectedStreamVersion: stream.currentStreamVersion,
          },
        );
      }, failures),
    () => 1,
  );
  return { ...result, failedAttempts: failures.count };
}

/** Emmett 0.38.5 has no multi-stream append: a batch is one append per stream, in sequence. */
async function peerBatched(
  store: EmmettStore,
  batches: readonly WorkloadEvent[][],
  warmup: number,
): Promise<ShapeResult> {
  const failures = { count: 0 };
  const result = await measure(
    batches,
    warmup,
    async (batch) => {
      for (const event of batch) {
        await withRetries(
          () =>
            store.appendToStream(
              event.streamId,
              [{ type: event.type, data: event.data, metadata: event.metadata }],
              { expectedStreamVersion: 0n },
            ),
          failures,
        );
      }
    },
    (batch) => batch.length,
  );
  return { ...result, failedAttempts: failures.count };
}

export async function runAppend(args: AppendArgs): Promise<AppendResult> {
  mkdirSync(args.folder, { recursive: true });
  const workload = loadWorkload(args.historyPath, args);
  const singleOurs = workload.single;
  const singlePeer = workload.single.slice(0, args.single.warmup + args.single.peerMeasured);
  const batches: WorkloadEvent[][] = [];
  for (let index = 0; index + args.batched.size <= workload.deliveries.length; index += args.batched.size) {
    batches.push(workload.deliveries.slice(index, index + args.batched.size));
  }
  const batchesOurs = batches.slice(0, args.batched.warmup + args.batched.measured);
  const batchesPeer = batches.slice(0, args.batched.warmup + args.batched.peerMeasured);
  const log = (message: string) => process.stderr.write(`append: ${message}\n`);

  log(`single, ${singleOurs.length} events: floor and ours, ${ROUNDS} rounds each`);
  const reads: number[] = [];
  const appends: number[] = [];
  const single = await interleaved(
    singleOurs,
    args.single.warmup,
    ROUNDS,
    {
      floor: await floorSingle(freshFile(args.folder, 'floor-single')),
      ours: oursSingle(freshFile(args.folder, 'ours-single'), reads, appends),
    },
    () => 1,
  );
  const floor1 = single.floor;
  const ours1 = {
    ...single.ours,
    readStream: summarize(reads.slice(args.single.warmup)),
    appendToStream: summarize(appends.slice(args.single.warmup)),
  };
  log(`batched, ${batchesOurs.length} batches of ${args.batched.size}: floor and ours`);
  const batched = await interleaved(
    batchesOurs,
    args.batched.warmup,
    ROUNDS,
    {
      floor: await floorBatched(freshFile(args.folder, 'floor-batched')),
      ours: oursBatched(freshFile(args.folder, 'ours-batched')),
    },
    (batch) => batch.length,
  );
  const floorN = batched.floor;
  const oursN = batched.ours;

  const emmett = loadEmmett();
  let peer1: ShapeResult | { skipped: string };
  let peerN: ShapeResult | { skipped: string };
  if ('skipped' in emmett) {
    peer1 = emmett;
    peerN = emmett;
  } else {
    log(`single, ${singlePeer.length} events: peer (Emmett ${emmett.version})`);
    peer1 = await peerSingle(
      emmett.getSQLiteEventStore({ fileName: freshFile(args.folder, 'peer-single') }),
      singlePeer,
      args.single.warmup,
    );
    log(`batched, ${batchesPeer.length} batches: peer`);
    peerN = await peerBatched(
      emmett.getSQLiteEventStore({ fileName: freshFile(args.folder, 'peer-batched') }),
      batchesPeer,
      args.batched.warmup,
    );
  }
  for (const name of [
    'floor-single',
    'ours-single',
    'floor-batched',
    'ours-batched',
    'peer-single',
    'peer-batched',
  ])
    freshFile(args.folder, name);

  const throughput = (result: ShapeResult | { skipped: string }) =>
    'skipped' in result ? null : result.eventsPerSecond;
  return {
    description: {
      workload: `the first ${singleOurs.length} events of the generated history in log order (complaint, return, delivery, notification events with their metadata and hash), and its first DeliveryRecorded events for the batches`,
      ours: 'single: SqliteEventStore.readStream(stream) then appendToStream(stream, [event], expected revision read) — the read and append of a command; batched: appendToStreams of one event per new stream (the delivery import shape)',
      floor:
        'better-sqlite3 INSERT of the same rows into the same table: one BEGIN IMMEDIATE…COMMIT per event (single), one per batch (batched); JSON.stringify of data and metadata included. Floor and ours take turns over four consecutive slices of the workload, so that a slow stretch of the disk falls on both',
      peer: "single: Emmett's SQLite event store readStream then appendToStream(expectedStreamVersion); batched: one appendToStream per stream in sequence (no multi-stream append in Emmett 0.38.5). Emmett opens and closes a sqlite3 connection per call on a file database",
      durability:
        'WAL, synchronous = FULL (one fsync per commit) for ours and the floor; Emmett runs with its driver defaults (WAL, synchronous FULL)',
      peerVersion: 'skipped' in emmett ? emmett.skipped : emmett.version,
    },
    single: { ours: ours1, floor: floor1, peer: peer1 },
    batched: { size: args.batched.size, ours: oursN, floor: floorN, peer: peerN },
    ratios: {
      singleToFloor: ratio(ours1.eventsPerSecond, floor1.eventsPerSecond),
      singleToPeer: ratio(ours1.eventsPerSecond, throughput(peer1)),
      batchedToFloor: ratio(oursN.eventsPerSecond, floorN.eventsPerSecond),
      batchedToPeer: ratio(oursN.eventsPerSecond, throughput(peerN)),
    },
  };
}

import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { EVENT_STORE, type EventStore } from '@qms/event-store';
import type { ProjectionsHost } from '@qms/projection-engine';
import { SqliteReadStore } from '@qms/read-store';
import { MONTHLY_REPORT_PROJECTION, REPORTING_PROJECTION_NAMES } from '@qms/reporting';
import { loadAppConfig } from '../../../apps/api/src/config/app-config';
import { PROJECTION_ENGINE } from '../../../apps/api/src/read-side/read-side.tokens';
import { createBenchApp } from './bench-app';
import { GcPauseTally, type GcPauses } from './gc-pauses';
import { MemoryPeakSampler, type MemoryAtPeak, type ThreadHeapSource } from './memory-peak';

/** The API process of parts 2, 4 and 5: the embedded default on a private copy of the full history. */
export interface ApiStartArgs {
  readonly eventsDbPath: string;
  /** The read-model file, kept when the API stops; by default a fresh one, removed then. */
  readonly readDbPath?: string;
}

export interface MemorySnapshot {
  /** Resident set size now, MiB. */
  readonly rssMiB: number;
  /** Peak resident set size of the process so far (VmHWM), MiB. */
  readonly peakRssMiB: number;
  readonly heapUsedMiB: number;
  readonly heapTotalMiB: number;
  readonly externalMiB: number;
  readonly arrayBuffersMiB: number;
  /** What the process held at its highest resident set so far, as sampled. */
  readonly atPeak: MemoryAtPeak | null;
}

export interface ApiStarted {
  readonly url: string;
  readonly headPosition: number;
  /** Events after the lowest stored checkpoint when the process started: what it had to project. */
  readonly eventsBehindAtStart: number;
  /** From creating the app to listening (the projection engine starts catching up meanwhile). */
  readonly listeningSeconds: number;
  /** From creating the app until the read models hold every stored event. */
  readonly readySeconds: number;
  readonly eventsPerSecondAtStart: number;
  readonly memoryWhenReady: MemorySnapshot;
  readonly memoryAfterGc: MemorySnapshot | null;
}

let app: NestFastifyApplication | undefined;

/** Started with the API: one API per process. */
let peakSampler: MemoryPeakSampler | undefined;
let gcPauses: GcPauseTally | undefined;

/** Names the benchmark phase the API enters, for the breakdown at its memory peak. */
export function enterPhase(phase: string): void {
  peakSampler?.enter(phase);
  gcPauses?.enter(phase);
}

/** The API thread's GC pauses in each phase so far. */
export function gcPausesByPhase(): GcPauses[] {
  return gcPauses?.pauses() ?? [];
}

/** The fresh read-model file's folder of the running API, removed when it stops. */
let scratchFolder: string | undefined;

export function currentApp(): NestFastifyApplication {
  if (app === undefined) throw new Error('the API is not started');
  return app;
}

export async function startApi(args: ApiStartArgs): Promise<ApiStarted> {
  const lowestCheckpoint = args.readDbPath === undefined ? 0 : await lowestStoredCheckpoint(args.readDbPath);
  const started = performance.now();
  // The embedded engine is the worker thread's host, which publishes that thread's heap.
  gcPauses ??= new GcPauseTally();
  peakSampler ??= new MemoryPeakSampler(() =>
    app === undefined ? null : (app.get<ProjectionsHost>(PROJECTION_ENGINE) as ProjectionsHost & ThreadHeapSource),
  );
  // The embedded default whatever the environment says: SQLite events, SQLite read models.
  if (args.readDbPath === undefined) scratchFolder = mkdtempSync(join(tmpdir(), 'qms-bench-api-'));
  const readDbPath = args.readDbPath ?? join(scratchFolder ?? '', 'read-models.db');
  const config = {
    ...loadAppConfig({
      EVENTS_DB_PATH: args.eventsDbPath,
      READ_DB_PATH: readDbPath,
      PORT: '0',
      EVENTS_DB_WRITER: process.env['EVENTS_DB_WRITER'],
      // For comparing the projections thread at the API's priority (0, nice) with the default.
      PROJECTIONS_NICE: process.env['PROJECTIONS_NICE'],
      PROJECTIONS_SCHEDULING: process.env['PROJECTIONS_SCHEDULING'],
      // For comparing memory budgets with the defaults.
      PROJECTIONS_HEAP_MB: process.env['PROJECTIONS_HEAP_MB'],
      READ_DB_CACHE_MB: process.env['READ_DB_CACHE_MB'],
      READ_DB_READER_CACHE_MB: process.env['READ_DB_READER_CACHE_MB'],
      // An access line per request would be measured with the requests.
      LOG_LEVEL: process.env['LOG_LEVEL'] ?? 'warn',
    }),
    mongoUrl: undefined,
    eventStoreUrl: undefined,
  };
  app = await createBenchApp(config);
  await app.listen(0, '127.0.0.1');
  const listeningSeconds = (performance.now() - started) / 1000;
  const headPosition = await currentHead(app, 60 * 60_000);
  const readySeconds = (performance.now() - started) / 1000;
  const memoryWhenReady = memory();
  let memoryAfterGc: MemorySnapshot | null = null;
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc !== undefined) {
    gc();
    memoryAfterGc = memory();
  }
  const address = app.getHttpServer().address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    headPosition,
    eventsBehindAtStart: headPosition - lowestCheckpoint,
    listeningSeconds,
    readySeconds,
    eventsPerSecondAtStart: headPosition / readySeconds,
    memoryWhenReady,
    memoryAfterGc,
  };
}

/** Read before the API opens the file, so that its own progress does not count. */
async function lowestStoredCheckpoint(readDbPath: string): Promise<number> {
  if (!existsSync(readDbPath)) return 0;
  const store = SqliteReadStore.open({ path: readDbPath });
  try {
    let lowest = Number.POSITIVE_INFINITY;
    for (const name of REPORTING_PROJECTION_NAMES)
      lowest = Math.min(lowest, (await store.getCheckpoint(name))?.position ?? 0);
    return lowest;
  } finally {
    await store.close();
  }
}

export async function stopApi(): Promise<void> {
  await app?.close();
  app = undefined;
  if (scratchFolder !== undefined) rmSync(scratchFolder, { recursive: true, force: true });
  scratchFolder = undefined;
}

export function memory(): MemorySnapshot {
  const usage = process.memoryUsage();
  const mib = (bytes: number) => Math.round((bytes / 2 ** 20) * 10) / 10;
  const status = readFileSync('/proc/self/status', 'utf8');
  const kib = (field: string) =>
    Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? Number.NaN);
  return {
    rssMiB: mib(usage.rss),
    peakRssMiB: Math.round((kib('VmHWM') / 1024) * 10) / 10,
    heapUsedMiB: mib(usage.heapUsed),
    heapTotalMiB: mib(usage.heapTotal),
    externalMiB: mib(usage.external),
    arrayBuffersMiB: mib(usage.arrayBuffers),
    atPeak: peakSampler?.atPeak() ?? null,
  };
}

/** How far the read models were behind when a measured load was about to start, and how long they took to catch up. */
export interface Settled {
  readonly eventsBehind: number;
  readonly seconds: number;
}

/**
 * Waits until every read model holds every stored event and the report's pending months are
 * derived: each measured load starts from read models as current as at start, not with the events
 * an earlier load left them to project.
 */
export async function settleProjections(): Promise<Settled> {
  const started = performance.now();
  const app = currentApp();
  const lowest = Math.min(...(await app.get<ProjectionsHost>(PROJECTION_ENGINE).status()).map((status) => status.position));
  const head = await currentHead(app, 10 * 60_000);
  return { eventsBehind: Math.max(0, head - lowest), seconds: (performance.now() - started) / 1000 };
}

/**
 * Waits until every read model holds the log's head as it stands now and the months the catch-up
 * left pending are derived (ready means those too); returns that head.
 */
async function currentHead(app: NestFastifyApplication, timeoutMs: number): Promise<number> {
  const engine = app.get<ProjectionsHost>(PROJECTION_ENGINE);
  const head = await app.get<EventStore>(EVENT_STORE).headPosition();
  if (!(await engine.waitForPosition(head, timeoutMs))) {
    throw new Error(`the read models did not catch up within ${timeoutMs / 60_000} minutes`);
  }
  await engine.settleDeferredWork(MONTHLY_REPORT_PROJECTION);
  return head;
}

/**
 * Diagnostic only: stops the projection engine, so that commands run without the read models
 * following them. Shows what the command path costs on its own.
 */
export async function pauseProjections(): Promise<void> {
  await currentApp().get<ProjectionsHost>(PROJECTION_ENGINE).stop();
}

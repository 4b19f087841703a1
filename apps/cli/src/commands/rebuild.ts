import { parseArgs } from 'node:util';
import type { DomainEvent } from '@qms/domain-kernel';
import { NotFoundError } from '@qms/domain-kernel';
import { defaultEventCatalogue } from '@qms/event-catalogue';
import type { EventStore, RecordedEvent } from '@qms/event-store';
import {
  checkReadModelOrigin,
  collectionsOf,
  type Projection,
  ProjectionEngine,
  readModelChecksum,
  RebuildInterruptedError,
  rebuildCheckpointName,
  type RebuildProgress,
  type RebuildResult,
} from '@qms/projection-engine';
import { MongoReadStore, type ReadStore, SqliteReadStore } from '@qms/read-store';
import { createReportingProjections, isMonthKey, MONTHLY_REPORT_PROJECTION, type MonthlyReportMaterializer, monthsBetween, REPORTING_PROJECTION_NAMES } from '@qms/reporting';
import { type AppConfig, loadAppConfig } from '../../../api/src/config/app-config';
import { deadlinePolicyFrom } from '../../../api/src/config/domain-policy';
import { originWording } from '../../../api/src/read-side/origin/origin-wording';
import { holdReadModelLock, liveHolder, type ReadModelLock } from '../../../api/src/read-side/read-model-lock';
import { reportingConfigFrom } from '../../../api/src/read-side/reporting-config.provider';
import type { CliIo } from '../cli-io';
import { EXIT, type ExitCode, UsageError } from '../exit-codes';
import { startProgress } from '../progress';
import type { CliCommand, CliContext } from './command';

// ---------------------------------------------------------------------------------------------
// The read side as the API wires it, for the replay commands (rebuild, compare-read-models).
// ---------------------------------------------------------------------------------------------

export interface CliReadSide {
  readonly config: AppConfig;
  readonly projection: Projection<DomainEvent>;
  /** The monthly report's, for a month range (`--months`). */
  readonly materializer: MonthlyReportMaterializer;
  readonly collections: readonly string[];
  readonly decodeEvent: (recorded: RecordedEvent) => DomainEvent;
  /** The API's MongoDB read store (MONGO_URL), or undefined on the embedded default. */
  openMongo(collectionPrefix?: string): MongoReadStore | undefined;
}

export const PROJECTION_NAMES_TEXT = REPORTING_PROJECTION_NAMES.join(', ');

/** `--projection` is required: each read model is rebuilt and compared on its own. */
export function projectionOption(name: string | undefined): string {
  if (name === undefined) throw new UsageError(`Name the read model with --projection <name>: ${PROJECTION_NAMES_TEXT}.`);
  return name;
}

export function readSideOf(env: CliIo['env'], name: string): CliReadSide {
  const config = loadAppConfig(env);
  const reporting = createReportingProjections(reportingConfigFrom(config, deadlinePolicyFrom(config)));
  const projection = reporting.byName(name);
  if (projection === undefined) throw new NotFoundError(`No projection named ${name}; the projections are: ${PROJECTION_NAMES_TEXT}`);
  const catalogue = defaultEventCatalogue();
  return {
    config,
    projection,
    materializer: reporting.materializer,
    collections: collectionsOf(projection).map((collection) => collection.name),
    decodeEvent: (recorded) => catalogue.decode(recorded),
    openMongo: (collectionPrefix) =>
      config.mongoUrl === undefined
        ? undefined
        : MongoReadStore.create({ url: config.mongoUrl, dbName: config.mongoDatabase, compatibility: config.mongoCompatibility, ...(collectionPrefix === undefined ? {} : { collectionPrefix }) }),
  };
}

/**
 * Before a command works on the read store: was it built from this event log? Refuses
 * (ReadModelOriginError, exit 3) when not; a command that `builds` the read models clears them
 * first instead with READ_MODELS_ON_MISMATCH=rebuild. Records the origin of a store that has none.
 */
export async function checkOrigin(io: CliIo, config: AppConfig, eventStore: EventStore, readStore: ReadStore, builds: boolean): Promise<void> {
  const result = await checkReadModelOrigin({
    eventStore,
    readStore,
    onMismatch: builds ? config.readModelsOnMismatch : 'refuse',
    ...originWording(config, readStore, builds),
  });
  if (result.outcome === 'rebuilt') {
    io.stderr.write(`Cleared every read model, which ${result.mismatch ?? 'did not match this event log'} (READ_MODELS_ON_MISMATCH=rebuild); the others are built again when the API or projector starts.\n`);
  }
}

export function positiveInteger(text: string | undefined, option: string, fallback: number): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!Number.isSafeInteger(value) || value < 1) throw new UsageError(`${option} takes a positive whole number, not "${text}".`);
  return value;
}

export const rate = (events: number, ms: number): number => Math.round(events / Math.max(ms / 1000, 0.001));

function eta(seconds: number | null): string {
  if (seconds === null) return 'ETA …';
  return seconds < 90 ? `ETA ${Math.ceil(seconds)} s` : `ETA ${Math.ceil(seconds / 60)} min`;
}

/** Progress of a rebuild on stderr: a bar over log positions, with events, events/s and ETA beside it. */
export function rebuildProgress(io: CliIo, label: string): { update(progress: RebuildProgress): void; stop(): void } {
  const bar = startProgress(io, label, 'position');
  let phase: RebuildProgress['phase'] = 'replaying';
  return {
    update(progress) {
      if (progress.phase !== phase && progress.phase === 'catching-up') {
        bar.stop();
        io.stderr.write(`${label}: catching up with events appended meanwhile, then swapping the copies in\n`);
      }
      phase = progress.phase;
      if (progress.phase === 'replaying') {
        bar.update(progress.position, progress.targetPosition, `${progress.eventsProcessed} events, ${Math.round(progress.eventsPerSecond)} events/s, ${eta(progress.etaSeconds)}`);
      }
    },
    stop() {
      if (phase === 'replaying') bar.stop();
    },
  };
}

/**
 * Runs a rebuild with the engine, bounded for a command line: Ctrl-C stops it (resumable), and a
 * store failing five times in a row ends it instead of retrying for ever as a server would.
 */
export async function runRebuild(
  io: CliIo,
  options: { eventStore: EventStore; readStore: ReadStore; side: CliReadSide; batchSize: number; label: string },
): Promise<RebuildResult & { resumed: boolean; resumedFrom: number }> {
  let failures = 0;
  let lastFailure = '';
  let interrupted = false;
  const engine: ProjectionEngine<DomainEvent> = new ProjectionEngine<DomainEvent>({
    eventStore: options.eventStore,
    readStore: options.readStore,
    projections: [options.side.projection],
    decodeEvent: options.side.decodeEvent,
    batchSize: options.batchSize,
    retry: { initialDelayMs: 200, maxDelayMs: 2000 },
    logger: {
      log: () => undefined,
      warn: (message) => {
        lastFailure = message;
        if (++failures >= 5) void engine.stop();
      },
    },
  });
  const progress = rebuildProgress(io, options.label);
  let first: RebuildProgress | undefined;
  let latest: RebuildProgress | undefined;
  const stop = (): void => {
    interrupted = true;
    void engine.stop();
  };
  process.once('SIGINT', stop);
  try {
    const result = await engine.rebuild(options.side.projection.name, {
      onProgress: (update) => {
        first ??= update;
        latest = update;
        failures = 0;
        progress.update(update);
      },
    });
    return { ...result, resumed: first?.resumed ?? false, resumedFrom: first?.resumed ? first.position : 0 };
  } catch (error) {
    if (!(error instanceof RebuildInterruptedError)) throw error;
    const where = latest === undefined ? 'before the first batch' : `at position ${latest.position} of ${latest.targetPosition}`;
    throw new RebuildStopped(interrupted ? `Interrupted ${where}` : `Stopped ${where} after five failures in a row (${lastFailure})`);
  } finally {
    progress.stop();
    process.off('SIGINT', stop);
    await engine.stop();
  }
}

/** A rebuild that stopped before its swap: nothing live changed, and the shadow checkpoint allows resuming. */
export class RebuildStopped extends Error {}

const RESUME_HINT = 'the shadow collections and their checkpoint are kept: run the same command again to resume from there.';

// ---------------------------------------------------------------------------------------------

/**
 * DESIGN §10 from the command line: rebuild a projection from the first event into shadow
 * collections while a running API keeps serving the live ones, then swap them in; or recompute a
 * month range of the monthly report from the facts.
 */
export const rebuildCommand: CliCommand = {
  name: 'rebuild',
  summary: 'Rebuild a read model from the first event into shadow collections and swap them in (the READ_DB_PATH file or MongoDB), or a month range of the monthly report',
  usage: `--projection <name> [--batch-size <n>] [--json] | --months YYYY-MM..YYYY-MM [--json]   (projections: ${REPORTING_PROJECTION_NAMES.join(', ')})`,
  async run(args, context) {
    const { values } = parseArgs({
      args: [...args],
      options: {
        projection: { type: 'string' },
        months: { type: 'string' },
        'batch-size': { type: 'string' },
        json: { type: 'boolean', default: false },
      },
      strict: true,
      allowPositionals: false,
    });
    const months = values.months === undefined ? undefined : monthRange(values.months);
    const batchSize = positiveInteger(values['batch-size'], '--batch-size', 500);
    const side = readSideOf(context.io.env, months === undefined ? projectionOption(values.projection) : (values.projection ?? MONTHLY_REPORT_PROJECTION));
    if (months !== undefined && side.projection.name !== MONTHLY_REPORT_PROJECTION) {
      throw new UsageError(`--months recomputes months of the monthly report: use it with --projection ${MONTHLY_REPORT_PROJECTION} or alone.`);
    }
    const mongo = side.openMongo();
    if (mongo === undefined) return embedded(context, side, { months, batchSize, json: values.json });
    try {
      await mongo.checkHealth();
      return months === undefined
        ? await rebuildInMongo(context, side, mongo, { batchSize, json: values.json })
        : await rebuildMonthsInMongo(context, side, mongo, { ...months, json: values.json });
    } finally {
      await mongo.close();
    }
  },
};

export function monthRange(text: string): { from: string; to: string } {
  const [from, to = from, ...rest] = text.split('..');
  if (from === undefined || to === undefined || rest.length > 0 || !isMonthKey(from) || !isMonthKey(to)) {
    throw new UsageError(`--months takes YYYY-MM..YYYY-MM (or one YYYY-MM), not "${text}".`);
  }
  if (from > to) throw new UsageError(`--months ${text}: the first month is after the last.`);
  return { from, to };
}

async function rebuildInMongo(
  { io, eventStore }: CliContext,
  side: CliReadSide,
  mongo: MongoReadStore,
  options: { batchSize: number; json: boolean },
): Promise<ExitCode> {
  const store = await eventStore();
  await checkOrigin(io, side.config, store, mongo, true);
  const name = side.projection.name;
  const saved = await mongo.getCheckpoint(rebuildCheckpointName(name));
  io.stderr.write(
    saved === null
      ? `Rebuilding ${name} from the first event into shadow collections (<collection>__rebuild) of MongoDB ${mongo.databaseName}; the live collections keep serving until the swap. Ctrl-C stops it; running this again resumes.\n`
      : `Resuming the rebuild of ${name} that stopped at position ${saved.position}: its shadow collections and checkpoint were kept.\n`,
  );
  let result;
  try {
    result = await runRebuild(io, { eventStore: store, readStore: mongo, side, batchSize: options.batchSize, label: `rebuild ${name}` });
  } catch (error) {
    if (!(error instanceof RebuildStopped)) throw error;
    io.stderr.write(`${error.message}; ${RESUME_HINT}\n`);
    return EXIT.CHECK_FAILED;
  }
  // The engine paused only this process's runner for the swap. A running API's runner writes on
  // in its own process: events it applied to the old copy while the copies were swapped would be
  // missing from the new one. None committed after the rebuild's last position means none could be.
  const after = (await store.readAll({ fromPosition: result.position, maxCount: 10_000 })).length;
  if (options.json) {
    io.stdout.write(`${JSON.stringify({ ...result, store: 'mongodb', database: mongo.databaseName, eventsCommittedDuringSwap: after })}\n`);
  } else {
    io.stdout.write(
      `Rebuilt ${name} in MongoDB ${mongo.databaseName}: ${result.eventsProcessed} events in ${(result.durationMs / 1000).toFixed(1)} s ` +
        `(${rate(result.eventsProcessed, result.durationMs)} events/s)${result.resumed ? `, resumed from position ${result.resumedFrom}` : ''}; ` +
        `the rebuilt copy went live at position ${result.position}.\n`,
    );
  }
  if (after > 0) {
    io.stderr.write(
      `Warning: ${after} events were committed while the copies were swapped. If an API was running, check with "compare-read-models" ` +
        '(a difference means rebuilding through the API: POST /admin/projections/<name>/rebuild, which pauses its own projection for the swap).\n',
    );
  }
  return EXIT.OK;
}

async function rebuildMonthsInMongo(
  { io }: CliContext,
  side: CliReadSide,
  mongo: MongoReadStore,
  range: { from: string; to: string; json: boolean },
): Promise<ExitCode> {
  const total = monthsBetween(range.from, range.to).length;
  const progress = startProgress(io, 'monthly report', 'month');
  progress.update(0, total);
  const started = performance.now();
  let count: number;
  try {
    count = await side.materializer.rebuildMonths(mongo, range.from, range.to, (month, done, all) => progress.update(done, all, month));
  } finally {
    progress.stop();
  }
  const seconds = (performance.now() - started) / 1000;
  io.stdout.write(
    range.json
      ? `${JSON.stringify({ from: range.from, to: range.to, months: count, seconds, database: mongo.databaseName })}\n`
      : `Recomputed ${count} months of the monthly report (${range.from}..${range.to}) from the facts in MongoDB ${mongo.databaseName} in ${seconds.toFixed(1)} s.\n`,
  );
  return EXIT.OK;
}

/**
 * No MONGO_URL: the embedded read-model file (READ_DB_PATH) the API serves, rebuilt in place
 * (shadow collections swapped in) — refused while an API or a projector writes it.
 */
async function embedded(
  { io, eventStore }: CliContext,
  side: CliReadSide,
  options: { months: { from: string; to: string } | undefined; batchSize: number; json: boolean },
): Promise<ExitCode> {
  const path = side.config.readDbPath;
  const holder = liveHolder(path);
  if (holder !== null) {
    io.stderr.write(`${inUseMessage(path, holder, side.projection.name)}\n`);
    return EXIT.CHECK_FAILED;
  }
  // The log first: a missing event store is said before any read-model file is touched.
  const events = options.months === undefined ? await eventStore() : undefined;
  const lock = holdReadModelLock(path, 'rebuild');
  const file = SqliteReadStore.open({ path });
  try {
    if (options.months !== undefined) {
      const { from, to } = options.months;
      const progress = startProgress(io, 'monthly report', 'month');
      let count: number;
      try {
        count = await side.materializer.rebuildMonths(file, from, to, (month, done, all) => progress.update(done, all, month));
      } finally {
        progress.stop();
      }
      io.stdout.write(
        options.json ? `${JSON.stringify({ from, to, months: count, path })}\n` : `Recomputed ${count} months of the monthly report (${from}..${to}) from the facts in ${path}.\n`,
      );
      return EXIT.OK;
    }
    const log = events ?? (await eventStore());
    await checkOrigin(io, side.config, log, file, true);
    let result;
    try {
      result = await runRebuild(io, { eventStore: log, readStore: file, side, batchSize: options.batchSize, label: `rebuild ${side.projection.name}` });
    } catch (error) {
      if (!(error instanceof RebuildStopped)) throw error;
      io.stderr.write(`${error.message}; ${RESUME_HINT}\n`);
      return EXIT.CHECK_FAILED;
    }
    const checksum = await readModelChecksum(file, side.collections);
    const documents = Object.entries(checksum.perCollection).map(([collection, figures]) => `${collection} ${figures.documents}`);
    if (options.json) {
      io.stdout.write(`${JSON.stringify({ ...result, store: 'sqlite', path, eventsPerSecond: rate(result.eventsProcessed, result.durationMs), ...checksum })}\n`);
    } else {
      io.stdout.write(
        `Rebuilt ${side.projection.name} in ${path}: ${result.eventsProcessed} events up to position ${result.position} in ${(result.durationMs / 1000).toFixed(1)} s ` +
          `(${rate(result.eventsProcessed, result.durationMs)} events/s)${result.resumed ? `, resumed from position ${result.resumedFrom}` : ''}; ` +
          `the rebuilt copy went live: ${checksum.documents} documents (${documents.join(', ')}), checksum sha256:${checksum.checksum}.\n`,
      );
    }
    return EXIT.OK;
  } finally {
    lock.release();
    await file.close();
  }
}

/** One line: who writes the file, and how to rebuild or compare instead. */
export function inUseMessage(path: string, holder: ReadModelLock, projection: string): string {
  return (
    `The read models in ${path} are being written by ${holder.holder === 'api' ? 'an API' : `a ${holder.holder}`} (pid ${holder.pid} on ${holder.host}, since ${holder.since}): ` +
    `rebuild through it (POST /admin/projections/${projection}/rebuild, GET /admin/projections/${projection}/verify) or stop it first.`
  );
}

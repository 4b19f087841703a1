import { parseArgs } from 'node:util';
import type { DomainEvent } from '@qms/domain-kernel';
import { NotFoundError } from '@qms/domain-kernel';
import { defaultEventCatalogue } from '@qms/event-catalogue';
import type { EventStore, RecordedEvent } from '@qms/event-store';
import {
  checkReadModelOrigin,
  collectionsOf,
  DEFAULT_REBUILD_BATCH_SIZE,
  type Projection,
  ProjectionEngine,
  readModelChecksum,
  RebuildInterruptedError,
  rebuildCheckpointName,
  type RebuildProgress,
  type RebuildResult,
  versionOf,
} from '@qms/projection-engine';
import { MongoReadStore, type ReadStore, SqliteReadStore } from '@qms/read-store';
import {
  createReportingProjections,
  isMonthKey,
  MONTHLY_REPORT_PROJECTION,
  type MonthlyReportMaterializer,
  monthsBetween,
  REPORTING_PROJECTION_NAMES,
  type ReportingProjections,
} from '@qms/reporting';
import { type AppConfig, loadAppConfig } from '../../../api/src/config/app-config';
import { deadlinePolicyFrom } from '../../../api/src/config/domain-policy';
import { engineOptionsFor } from '../../../api/src/read-side/engine-options';
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
  /** The read models the command works on, in the order named: one, or every one (`--projection all`). */
  readonly projections: readonly Projection<DomainEvent>[];
  /** The monthly report's, for a month range (`--months`). */
  readonly materializer: MonthlyReportMaterializer;
  readonly decodeEvent: (recorded: RecordedEvent) => DomainEvent;
  /** The API's MongoDB read store (MONGO_URL), or undefined on the embedded default. */
  openMongo(collectionPrefix?: string): MongoReadStore | undefined;
}

/** The read side of a command that works on one read model at a time (compare-read-models). */
export interface CliReadModelSide extends CliReadSide {
  readonly projection: Projection<DomainEvent>;
  readonly collections: readonly string[];
}

/** `--projection all`: every read model, rebuilt in one pass over the log. */
export const ALL_PROJECTIONS = 'all';

export const PROJECTION_NAMES_TEXT = REPORTING_PROJECTION_NAMES.join(', ');

/** `--projection` is required: each read model is compared (and may be rebuilt) on its own. */
export function projectionOption(name: string | undefined): string {
  if (name === undefined) throw new UsageError(`Name the read model with --projection <name>: ${PROJECTION_NAMES_TEXT}.`);
  return name;
}

export const collectionNames = (projection: Projection<DomainEvent>): string[] => collectionsOf(projection).map((collection) => collection.name);

/** The read side for `selection`: a projection's name, or `all` for every reporting projection. */
export function readSideOf(env: CliIo['env'], selection: string): CliReadSide {
  return sideOf(env, (reporting) => (selection === ALL_PROJECTIONS ? reporting.all : [namedIn(reporting, selection)]));
}

/** The read side of the one projection named `name` (`all` is no projection's name). */
export function readModelSideOf(env: CliIo['env'], name: string): CliReadModelSide {
  const side = sideOf(env, (reporting) => [namedIn(reporting, name)]);
  const [projection] = side.projections as [Projection<DomainEvent>];
  return { ...side, projection, collections: collectionNames(projection) };
}

function namedIn(reporting: ReportingProjections, name: string): Projection<DomainEvent> {
  const projection = reporting.byName(name);
  if (projection === undefined) throw new NotFoundError(`No projection named ${name}; the projections are: ${PROJECTION_NAMES_TEXT}`);
  return projection;
}

function sideOf(env: CliIo['env'], pick: (reporting: ReportingProjections) => readonly Projection<DomainEvent>[]): CliReadSide {
  const config = loadAppConfig(env);
  const reporting = createReportingProjections(reportingConfigFrom(config, deadlinePolicyFrom(config)));
  const catalogue = defaultEventCatalogue();
  return {
    config,
    projections: pick(reporting),
    materializer: reporting.materializer,
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

/**
 * Progress of a rebuild on stderr: a bar over log positions, with events, events/s and ETA beside
 * it. Several projections rebuilt together share one replay of the log, which stands where the
 * slowest of them does (of those not standing on an event they cannot apply): one bar for it,
 * then a line per projection as it catches up and goes live.
 */
export function rebuildProgress(io: CliIo, label: string, projections = 1): { update(progress: RebuildProgress): void; stop(): void } {
  const bar = startProgress(io, label, 'position');
  const replaying = new Map<string, RebuildProgress>();
  const catchingUp = new Set<string>();
  let replayed = false;
  return {
    update(progress) {
      if (progress.phase === 'replaying') {
        replaying.set(progress.projection, progress);
        // Once each has said where it starts: a bar that never runs backwards.
        if (replayed || replaying.size < projections) return;
        // One standing on an event it cannot apply has left the shared pass: the bar follows the others.
        const going = [...replaying.values()].filter((run) => run.stoppedOn === null);
        const slowest = (going.length > 0 ? going : [...replaying.values()]).reduce((a, b) => (b.position < a.position ? b : a));
        bar.update(slowest.position, slowest.targetPosition, `${slowest.eventsProcessed} events, ${Math.round(slowest.eventsPerSecond)} events/s, ${eta(slowest.etaSeconds)}`);
        return;
      }
      if (!replayed) bar.stop();
      replayed = true;
      const name = projections > 1 ? ` ${progress.projection}` : '';
      if (progress.phase === 'catching-up' && !catchingUp.has(progress.projection)) {
        catchingUp.add(progress.projection);
        io.stderr.write(`${label}:${name} catching up with events appended meanwhile, then swapping the copies in\n`);
      }
      // Alone, the result says it at once; together, the others may take a while yet.
      if (progress.phase === 'done' && projections > 1) io.stderr.write(`${label}:${name} went live at position ${progress.position}\n`);
    },
    stop() {
      if (!replayed) bar.stop();
    },
  };
}

/** What one projection's rebuild did, and whether it continued one an earlier run had begun. */
export interface CliRebuildResult extends RebuildResult {
  readonly resumed: boolean;
  readonly resumedFrom: number;
}

/**
 * Runs a rebuild of the side's projections with the engine, all of them in one pass over the
 * log, bounded for a command line: Ctrl-C stops it (resumable), and a store failing five times in
 * a row ends it instead of retrying for ever as a server would. One result per projection, in
 * the side's order.
 */
export async function runRebuild(
  io: CliIo,
  options: { eventStore: EventStore; readStore: ReadStore; side: CliReadSide; batchSize: number | undefined },
): Promise<CliRebuildResult[]> {
  let failures = 0;
  let lastFailure = '';
  let interrupted = false;
  const names = options.side.projections.map((projection) => projection.name);
  const engine: ProjectionEngine<DomainEvent> = new ProjectionEngine<DomainEvent>({
    eventStore: options.eventStore,
    readStore: options.readStore,
    // The pages the API's engine rebuilds this store with, unless --batch-size says otherwise.
    ...engineOptionsFor(options.readStore),
    ...(options.batchSize === undefined ? {} : { rebuildBatchSize: options.batchSize }),
    projections: options.side.projections,
    decodeEvent: options.side.decodeEvent,
    retry: { initialDelayMs: 200, maxDelayMs: 2000 },
    logger: {
      log: () => undefined,
      warn: (message) => {
        lastFailure = message;
        if (++failures >= 5) void engine.stop();
      },
    },
  });
  const progress = rebuildProgress(io, rebuildLabel(options.side), names.length);
  const first = new Map<string, RebuildProgress>();
  const latest = new Map<string, RebuildProgress>();
  // Failures in a row: progress that moves a copy on ends a run of them, a retry reported again does not.
  const movedOn = (update: RebuildProgress): boolean => {
    const previous = latest.get(update.projection);
    return previous === undefined || previous.position !== update.position || previous.phase !== update.phase;
  };
  const stop = (): void => {
    interrupted = true;
    void engine.stop();
  };
  process.once('SIGINT', stop);
  try {
    const results = await engine.rebuildTogether(names, {
      onProgress: (update) => {
        if (!first.has(update.projection)) first.set(update.projection, update);
        if (movedOn(update)) failures = 0;
        latest.set(update.projection, update);
        progress.update(update);
      },
    });
    return results.map((result) => {
      const start = first.get(result.projection);
      return { ...result, resumed: start?.resumed ?? false, resumedFrom: start?.resumed ? start.position : 0 };
    });
  } catch (error) {
    if (!(error instanceof RebuildInterruptedError)) throw error;
    if (!interrupted) {
      const standing = names.map((name) => latest.get(name)).filter((progress) => progress !== undefined && progress.phase !== 'done' && progress.stoppedOn !== null);
      if (standing.length > 0) throw standingOnPoison(standing as RebuildProgress[], names, latest);
    }
    const where = whereStopped(names, latest);
    throw new RebuildStopped(interrupted ? `Interrupted ${where}` : `Stopped ${where} after five failures in a row (${lastFailure})`, resumeHint(names.length));
  } finally {
    progress.stop();
    process.off('SIGINT', stop);
    await engine.stop();
  }
}

const rebuildLabel = (side: CliReadSide): string => `rebuild ${side.projections.length === 1 ? side.projections[0]?.name : ALL_PROJECTIONS}`;

function whereStopped(names: readonly string[], latest: ReadonlyMap<string, RebuildProgress>): string {
  const at = (progress: RebuildProgress): string => `at position ${progress.position} of ${progress.targetPosition}`;
  const [only] = names;
  if (names.length === 1 && only !== undefined) {
    const progress = latest.get(only);
    return progress === undefined ? 'before the first batch' : at(progress);
  }
  const each = names.map((name) => {
    const progress = latest.get(name);
    if (progress === undefined) return `${name} before its first batch`;
    return progress.phase === 'done' ? `${name} after going live at position ${progress.position}` : `${name} ${at(progress)}`;
  });
  return `with ${each.join(', ')}`;
}

/**
 * A rebuild that stopped before its swap: nothing live changed, and the shadow checkpoint allows
 * resuming. Of several rebuilt together, those already swapped in stay live.
 */
export class RebuildStopped extends Error {
  constructor(
    message: string,
    /** What to do next, after the message. */
    readonly hint: string,
  ) {
    super(message);
  }
}

function resumeHint(projections: number): string {
  return projections === 1
    ? 'the shadow collections and their checkpoint are kept: run the same command again to resume from there.'
    : 'each read model not yet live keeps its shadow collections and checkpoint: run the same command again to resume them ' +
        '(one already live is rebuilt again; --projection <name> rebuilds only the others).';
}

/** Stopped on events its code cannot apply: which, why, what went live meanwhile, and how to go on. */
function standingOnPoison(standing: readonly RebuildProgress[], names: readonly string[], latest: ReadonlyMap<string, RebuildProgress>): RebuildStopped {
  const events = standing.map(({ projection, stoppedOn }) => {
    const event = stoppedOn as NonNullable<RebuildProgress['stoppedOn']>;
    return `${projection} cannot apply the event at position ${event.position} (${event.type} in stream ${event.streamId}): ${event.error}`;
  });
  const live = names.filter((name) => latest.get(name)?.phase === 'done');
  const wentLive = live.length === 0 ? '' : `; ${joinNames(live)} went live`;
  const park = standing.map(({ projection }) => `POST /admin/projections/${projection}/parked-events`).join(', ');
  const resumes = standing.map(({ projection, position }) => `${projection} resumes from position ${position}`).join(', ');
  return new RebuildStopped(
    `${events.join('; ')}${wentLive}`,
    `park the event (${park}, recorded in the audit history) or deploy code that can apply it, then run the same command again: ${resumes}.`,
  );
}

const joinNames = (names: readonly string[]): string =>
  names.length === 1 ? (names[0] as string) : `${names.slice(0, -1).join(', ')} and ${names.at(-1) as string}`;

/**
 * The opening lines: what is rebuilt where, and for each projection whether it starts from the
 * first event or resumes from its own `<name>__rebuild` checkpoint (one of the same version).
 */
async function announce(io: CliIo, side: CliReadSide, readStore: ReadStore, where: string): Promise<void> {
  const starts: { name: string; resumesFrom: number | null }[] = [];
  for (const projection of side.projections) {
    const saved = await readStore.getCheckpoint(rebuildCheckpointName(projection.name));
    starts.push({ name: projection.name, resumesFrom: saved !== null && saved.version === versionOf(projection) ? saved.position : null });
  }
  const resuming = (name: string, position: number): string =>
    `Resuming the rebuild of ${name} that stopped at position ${position}: its shadow collections and checkpoint were kept.`;
  const [only, ...others] = starts;
  if (only === undefined) return;
  if (others.length === 0) {
    io.stderr.write(
      only.resumesFrom === null
        ? `Rebuilding ${only.name} from the first event into shadow collections (<collection>__rebuild) of ${where}; the live collections keep serving until the swap. Ctrl-C stops it; running this again resumes.\n`
        : `${resuming(only.name, only.resumesFrom)}\n`,
    );
    return;
  }
  io.stderr.write(
    `Rebuilding ${starts.map((start) => start.name).join(', ')} in one pass over the log into shadow collections (<collection>__rebuild) of ${where}; ` +
      "the live collections keep serving until each one's swap. Ctrl-C stops it; running this again resumes.\n" +
      starts.map((start) => `  ${start.resumesFrom === null ? `Rebuilding ${start.name} from the first event.` : resuming(start.name, start.resumesFrom)}\n`).join(''),
  );
}

// ---------------------------------------------------------------------------------------------

/**
 * DESIGN §10 from the command line: rebuild a projection from the first event into shadow
 * collections while a running API keeps serving the live ones, then swap them in (every
 * projection in one pass over the log with `--projection all`); or recompute a month range of the
 * monthly report from the facts.
 */
export const rebuildCommand: CliCommand = {
  name: 'rebuild',
  summary:
    'Rebuild a read model, or all of them in one pass over the log, from the first event into shadow collections and swap them in (the READ_DB_PATH file or MongoDB), or a month range of the monthly report',
  usage:
    `--projection <name>|${ALL_PROJECTIONS} [--batch-size <n>] [--json] | --months YYYY-MM..YYYY-MM [--json]   (projections: ${PROJECTION_NAMES_TEXT}; ` +
    `--json prints one JSON object a line, one per read model rebuilt)`,
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
    if (months !== undefined && values.projection !== undefined && values.projection !== MONTHLY_REPORT_PROJECTION) {
      throw new UsageError(`--months recomputes months of the monthly report: use it with --projection ${MONTHLY_REPORT_PROJECTION} or alone.`);
    }
    const batchSize = values['batch-size'] === undefined ? undefined : positiveInteger(values['batch-size'], '--batch-size', DEFAULT_REBUILD_BATCH_SIZE);
    const side = readSideOf(context.io.env, months === undefined ? selectionOption(values.projection) : MONTHLY_REPORT_PROJECTION);
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

/** `--projection` of a rebuild: a read model's name, or `all`. */
function selectionOption(name: string | undefined): string {
  if (name === undefined) {
    throw new UsageError(`Name the read model with --projection <name>: ${PROJECTION_NAMES_TEXT}; or --projection ${ALL_PROJECTIONS} for every one in one pass over the log.`);
  }
  return name;
}

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
  options: { batchSize: number | undefined; json: boolean },
): Promise<ExitCode> {
  const store = await eventStore();
  await checkOrigin(io, side.config, store, mongo, true);
  await announce(io, side, mongo, `MongoDB ${mongo.databaseName}`);
  let results;
  try {
    results = await runRebuild(io, { eventStore: store, readStore: mongo, side, batchSize: options.batchSize });
  } catch (error) {
    if (!(error instanceof RebuildStopped)) throw error;
    io.stderr.write(`${error.message}; ${error.hint}\n`);
    return EXIT.CHECK_FAILED;
  }
  const committedDuringSwap: string[] = [];
  for (const result of results) {
    // The engine paused only this process's runner for the swap. A running API's runner writes on
    // in its own process: events it applied to the old copy while the copies were swapped would be
    // missing from the new one. None committed after the rebuild's last position means none could be.
    const after = (await store.readAll({ fromPosition: result.position, maxCount: 10_000 })).length;
    if (after > 0) committedDuringSwap.push(results.length === 1 ? `${after} events were committed` : `${result.projection} ${after}`);
    if (options.json) {
      io.stdout.write(`${JSON.stringify({ ...result, store: 'mongodb', database: mongo.databaseName, eventsCommittedDuringSwap: after })}\n`);
    } else {
      io.stdout.write(
        `Rebuilt ${result.projection} in MongoDB ${mongo.databaseName}: ${result.eventsProcessed} events in ${(result.durationMs / 1000).toFixed(1)} s ` +
          `(${rate(result.eventsProcessed, result.durationMs)} events/s)${result.resumed ? `, resumed from position ${result.resumedFrom}` : ''}; ` +
          `the rebuilt copy went live at position ${result.position}.\n`,
      );
    }
  }
  if (committedDuringSwap.length > 0) {
    io.stderr.write(
      `Warning: ${results.length === 1 ? committedDuringSwap.join('') : `events were committed (${committedDuringSwap.join(', ')})`} while the copies were swapped. ` +
        'If an API was running, check with "compare-read-models" (a difference means rebuilding through the API: POST /admin/projections/<name>/rebuild, ' +
        'which pauses its own projection for the swap).\n',
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
  options: { months: { from: string; to: string } | undefined; batchSize: number | undefined; json: boolean },
): Promise<ExitCode> {
  const path = side.config.readDbPath;
  const holder = liveHolder(path);
  if (holder !== null) {
    io.stderr.write(`${inUseMessage(path, holder, side.projections.map((projection) => projection.name))}\n`);
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
    await announce(io, side, file, path);
    let results;
    try {
      results = await runRebuild(io, { eventStore: log, readStore: file, side, batchSize: options.batchSize });
    } catch (error) {
      if (!(error instanceof RebuildStopped)) throw error;
      io.stderr.write(`${error.message}; ${error.hint}\n`);
      return EXIT.CHECK_FAILED;
    }
    for (const [index, result] of results.entries()) {
      const projection = side.projections[index] as Projection<DomainEvent>;
      const checksum = await readModelChecksum(file, collectionNames(projection));
      const documents = Object.entries(checksum.perCollection).map(([collection, figures]) => `${collection} ${figures.documents}`);
      if (options.json) {
        io.stdout.write(`${JSON.stringify({ ...result, store: 'sqlite', path, eventsPerSecond: rate(result.eventsProcessed, result.durationMs), ...checksum })}\n`);
      } else {
        io.stdout.write(
          `Rebuilt ${result.projection} in ${path}: ${result.eventsProcessed} events up to position ${result.position} in ${(result.durationMs / 1000).toFixed(1)} s ` +
            `(${rate(result.eventsProcessed, result.durationMs)} events/s)${result.resumed ? `, resumed from position ${result.resumedFrom}` : ''}; ` +
            `the rebuilt copy went live: ${checksum.documents} documents (${documents.join(', ')}), checksum sha256:${checksum.checksum}.\n`,
        );
      }
    }
    return EXIT.OK;
  } finally {
    lock.release();
    await file.close();
  }
}

/** One line: who writes the file, and how to rebuild or compare instead. */
export function inUseMessage(path: string, holder: ReadModelLock, projections: readonly string[]): string {
  const [only] = projections;
  const through =
    projections.length === 1 && only !== undefined
      ? `POST /admin/projections/${only}/rebuild, GET /admin/projections/${only}/verify`
      : `POST /admin/projections/<name>/rebuild for each of ${projections.join(', ')}`;
  return (
    `The read models in ${path} are being written by ${holder.holder === 'api' ? 'an API' : `a ${holder.holder}`} (pid ${holder.pid} on ${holder.host}, since ${holder.since}): ` +
    `rebuild through it (${through}) or stop it first.`
  );
}

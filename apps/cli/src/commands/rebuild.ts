import { parseArgs } from 'node:util';
import type { DomainEvent } from '@qms/domain-kernel';
import { DEFAULT_REBUILD_BATCH_SIZE, type Projection, readModelChecksum, rebuildCheckpointName, versionOf } from '@qms/projection-engine';
import { type MongoReadStore, type ReadStore, SqliteReadStore } from '@qms/read-store';
import { isMonthKey, MONTHLY_REPORT_PROJECTION, monthsBetween } from '@qms/reporting';
import { holdReadModelLock, liveHolder, type ReadModelLock } from '../../../api/src/read-side/read-model-lock';
import type { CliIo } from '../cli-io';
import { EXIT, type ExitCode, UsageError } from '../exit-codes';
import { startProgress } from '../progress';
import type { CliCommand, CliContext } from './command';
import { ALL_PROJECTIONS, checkOrigin, type CliReadSide, collectionNames, PROJECTION_NAMES_TEXT, positiveInteger, readSideOf } from './read-side';
import { defaultRebuildThreads, rebuildThreadGroups } from './rebuild-threads';
import { rate, type RebuildPlacement, RebuildStopped, runRebuild } from './run-rebuild';

/**
 * The opening lines: what is rebuilt where, and for each projection whether it starts from the
 * first event or resumes from its own `<name>__rebuild` checkpoint (one of the same version).
 */
async function announce(io: CliIo, side: CliReadSide, readStore: ReadStore, where: string, placement: RebuildPlacement): Promise<void> {
  const starts: { name: string; resumesFrom: number | null }[] = [];
  for (const projection of side.projections) {
    const saved = await readStore.getCheckpoint(rebuildCheckpointName(projection.name));
    starts.push({ name: projection.name, resumesFrom: saved !== null && saved.version === versionOf(projection) ? saved.position : null });
  }
  const resuming = (name: string, position: number): string =>
    `Resuming the rebuild of ${name} that stopped at position ${position}: its shadow collections and checkpoint were kept.`;
  const [only, ...others] = starts;
  if (only === undefined) return;
  const threads = placement.threads === 'one' ? null : `in ${placement.groups.length} threads (${placement.groups.map((group) => group.join(' + ')).join('; ')}), each reading the log`;
  if (others.length === 0) {
    // One read model in several threads: its replay parts (rebuild-parts.ts).
    const how = threads === null ? '' : ` ${threads}`;
    io.stderr.write(
      only.resumesFrom === null
        ? `Rebuilding ${only.name} from the first event${how} into shadow collections (<collection>__rebuild) of ${where}; the live collections keep serving until the swap. Ctrl-C stops it; running this again resumes.\n`
        : `${resuming(only.name, only.resumesFrom)}${threads === null ? '' : ` Its parts go on ${threads}.`}\n`,
    );
    return;
  }
  const how = threads ?? 'in one pass over the log';
  io.stderr.write(
    `Rebuilding ${starts.map((start) => start.name).join(', ')} ${how} into shadow collections (<collection>__rebuild) of ${where}; ` +
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
    'Rebuild a read model, or all of them (in threads, one per core and one more), from the first event into shadow collections and swap them in (the READ_DB_PATH file or MongoDB), or a month range of the monthly report',
  usage:
    `--projection <name>|${ALL_PROJECTIONS} [--batch-size <n>] [--threads <n>] [--json] | --months YYYY-MM..YYYY-MM [--json]   (projections: ${PROJECTION_NAMES_TEXT}; ` +
    `--threads: how many threads rebuild, each reading the log (default: one per core and one more, one per read model or part of one and per 640 MiB of free memory at most; ` +
    `with a thread for every read model, the monthly report's complaint facts and other facts each get one; 1 = one pass over the log); ` +
    `--json prints one JSON object a line, one per read model rebuilt)`,
  async run(args, context) {
    const { values } = parseArgs({
      args: [...args],
      options: {
        projection: { type: 'string' },
        months: { type: 'string' },
        'batch-size': { type: 'string' },
        threads: { type: 'string' },
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
    const placement = placementOf(context, side, values.threads);
    const mongo = side.openMongo();
    if (mongo === undefined) return embedded(context, side, { months, batchSize, placement, json: values.json });
    try {
      await mongo.checkHealth();
      return months === undefined
        ? await rebuildInMongo(context, side, mongo, { batchSize, placement, json: values.json })
        : await rebuildMonthsInMongo(context, side, mongo, { ...months, json: values.json });
    } finally {
      await mongo.close();
    }
  },
};

/**
 * `--threads`: read models, or the parts of one (rebuildThreadGroups), are rebuilt in threads of
 * their own, each reading the log itself; one thread rebuilds them all in one pass over the log.
 * Threads open the event store from the environment, so a store the caller handed over is
 * rebuilt in one.
 */
function placementOf(context: CliContext, side: CliReadSide, option: string | undefined): RebuildPlacement {
  // FerretDB does not answer concurrent bulk writes to one database (see MONGO_COMPATIBILITY): one thread unless told.
  const oneWriter = side.config.mongoUrl !== undefined && side.config.mongoCompatibility === 'ferretdb';
  const wanted = positiveInteger(option, '--threads', oneWriter ? 1 : defaultRebuildThreads(side.projections));
  if (wanted > 1 && option !== undefined && !context.eventStoreFromEnvironment) {
    throw new UsageError('--threads needs the event store of the environment (EVENTSTORE_URL or EVENTS_DB_PATH): each thread opens it.');
  }
  const groups = rebuildThreadGroups(side.projections, context.eventStoreFromEnvironment ? wanted : 1);
  return groups.length > 1 ? { threads: 'several', groups, env: context.io.env } : { threads: 'one' };
}

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
  options: { batchSize: number | undefined; placement: RebuildPlacement; json: boolean },
): Promise<ExitCode> {
  const store = await eventStore();
  await checkOrigin(io, side.config, store, mongo, true);
  await announce(io, side, mongo, `MongoDB ${mongo.databaseName}`, options.placement);
  let results;
  try {
    results = await runRebuild(io, { eventStore: store, readStore: mongo, side, batchSize: options.batchSize, placement: options.placement });
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
        `Rebuilt ${result.projection} in MongoDB ${mongo.databaseName}: ${result.eventsProcessed} events of its types in ${(result.durationMs / 1000).toFixed(1)} s ` +
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
  options: { months: { from: string; to: string } | undefined; batchSize: number | undefined; placement: RebuildPlacement; json: boolean },
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
    await announce(io, side, file, path, options.placement);
    let results;
    try {
      results = await runRebuild(io, { eventStore: log, readStore: file, side, batchSize: options.batchSize, placement: options.placement, checksums: true });
    } catch (error) {
      if (!(error instanceof RebuildStopped)) throw error;
      io.stderr.write(`${error.message}; ${error.hint}\n`);
      return EXIT.CHECK_FAILED;
    }
    for (const [index, result] of results.entries()) {
      const projection = side.projections[index] as Projection<DomainEvent>;
      const checksum = result.checksum ?? (await readModelChecksum(file, collectionNames(projection)));
      const documents = Object.entries(checksum.perCollection).map(([collection, figures]) => `${collection} ${figures.documents}`);
      if (options.json) {
        io.stdout.write(`${JSON.stringify({ ...result, store: 'sqlite', path, eventsPerSecond: rate(result.eventsProcessed, result.durationMs), ...checksum })}\n`);
      } else {
        io.stdout.write(
          `Rebuilt ${result.projection} in ${path}: ${result.eventsProcessed} events of its types up to position ${result.position} in ${(result.durationMs / 1000).toFixed(1)} s ` +
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

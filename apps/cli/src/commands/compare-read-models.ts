import { parseArgs } from 'node:util';
import {
  dropProjectionCopy,
  verifyProjection,
  type ReadModelComparison,
  type VerifyResult,
} from '@qms/projection-engine';
import { EventCatalogue } from '@qms/event-catalogue';
import type { EventStore } from '@qms/event-store';
import { type ReadStore, SqliteReadStore } from '@qms/read-store';
import { REPORTING_PROJECTION_NAMES } from '@qms/reporting';
import type { CliIo } from '../cli-io';
import { EXIT, type ExitCode, UsageError } from '../exit-codes';
import type { CliCommand, CliContext } from './command';
import { holdReadModelLock, liveHolder } from '../../../api/src/read-side/read-model-lock';
import { ALL_PROJECTIONS, checkOrigin, type CliReadModelSide, PROJECTION_NAMES_TEXT, positiveInteger, projectionOption, readModelSideOf } from './read-side';
import { inUseMessage } from './rebuild';
import { rebuildProgress } from './run-rebuild';

/** Where MongoDB gets the reference copy: beside the live collections, under their own checkpoints. */
export const VERIFY_PREFIX = 'verify__';

/**
 * DESIGN §10 "a check that a rebuilt read model equals the live one": rebuilds the projection
 * from the events into a fresh copy, up to the live copy's checkpoint, and compares the two
 * document by document (canonical JSON, `_position` included). Exit 0 when equal, 1 otherwise.
 */
export const compareReadModelsCommand: CliCommand = {
  name: 'compare-read-models',
  summary: 'Rebuild a projection into a fresh copy and compare it with the live one, document by document (exit 1 on a difference)',
  usage: `--projection <name> [--batch-size <n>] [--max <differences>] [--json]   (projections: ${REPORTING_PROJECTION_NAMES.join(', ')})`,
  async run(args, context) {
    const { values } = parseArgs({
      args: [...args],
      options: {
        projection: { type: 'string' },
        'batch-size': { type: 'string' },
        max: { type: 'string' },
        json: { type: 'boolean', default: false },
      },
      strict: true,
      allowPositionals: false,
    });
    const name = projectionOption(values.projection);
    // Each comparison is its own reference rebuild up to that read model's live checkpoint.
    if (name === ALL_PROJECTIONS) throw new UsageError(`compare-read-models compares one read model at a time: name it with --projection <name>: ${PROJECTION_NAMES_TEXT}.`);
    const side = readModelSideOf(context.io.env, name);
    const options = {
      batchSize: values['batch-size'] === undefined ? undefined : positiveInteger(values['batch-size'], '--batch-size', 500),
      maxDifferences: positiveInteger(values.max, '--max', 50),
      json: values.json,
    };
    const live = side.openMongo();
    if (live === undefined) return compareEmbedded(context, side, options);
    const scratch = side.openMongo(VERIFY_PREFIX) as NonNullable<ReturnType<CliReadModelSide['openMongo']>>;
    try {
      await live.checkHealth();
      const events = await context.eventStore();
      await checkOrigin(context.io, side.config, events, live, false);
      context.io.stderr.write(
        `Rebuilding ${side.projection.name} into ${VERIFY_PREFIX}* collections of MongoDB ${live.databaseName} up to the live checkpoint, then comparing.\n`,
      );
      const result = await rebuildAndCompare(context.io, side, events, live, scratch, options);
      // An equal copy is of no further use; a different one is kept to look into.
      if (result.equal) await dropProjectionCopy(scratch, side.projection);
      return report(context.io, side, result, {
        ...options,
        counts: await documentCounts(live, side.collections),
        where: `MongoDB ${live.databaseName}`,
        kept: result.equal ? undefined : `The rebuilt copy is kept in the ${VERIFY_PREFIX}* collections for inspection (the next run replaces it).`,
      });
    } finally {
      await Promise.all([live.close(), scratch.close()]);
    }
  },
};

/**
 * The embedded read-model file (READ_DB_PATH) the API serves, compared with a rebuild from the
 * events into a scratch copy in memory, up to the file's checkpoint: refused while an API or a
 * projector writes the file (GET /admin/projections/<name>/verify compares there).
 */
async function compareEmbedded(
  { io, eventStore }: CliContext,
  side: CliReadModelSide,
  options: { batchSize: number | undefined; maxDifferences: number; json: boolean },
): Promise<ExitCode> {
  const path = side.config.readDbPath;
  const holder = liveHolder(path);
  if (holder !== null) {
    io.stderr.write(`${inUseMessage(path, holder, [side.projection.name])}\n`);
    return EXIT.CHECK_FAILED;
  }
  // The log first: a missing event store is said before any read-model file is touched.
  const events = await eventStore();
  const lock = holdReadModelLock(path, 'compare-read-models');
  const live = SqliteReadStore.open({ path });
  const scratch = SqliteReadStore.open({ path: ':memory:' });
  try {
    await checkOrigin(io, side.config, events, live, false);
    io.stderr.write(`Rebuilding ${side.projection.name} into a scratch copy up to the checkpoint of ${path}, then comparing.\n`);
    const result = await rebuildAndCompare(io, side, events, live, scratch, options);
    return report(io, side, result, { ...options, where: path, counts: await documentCounts(live, side.collections) });
  } finally {
    lock.release();
    await Promise.all([live.close(), scratch.close()]);
  }
}

/** The reference rebuild into `scratch` up to the live checkpoint, with its progress, then the comparison. */
async function rebuildAndCompare(
  io: CliIo,
  side: CliReadModelSide,
  eventStore: EventStore,
  live: ReadStore,
  scratch: ReadStore,
  options: { batchSize: number | undefined; maxDifferences: number },
): Promise<VerifyResult> {
  const progress = rebuildProgress(io, `rebuild ${side.projection.name} (reference)`);
  try {
    return await verifyProjection({
      eventStore,
      live,
      scratch,
      projection: side.projection,
      decodeEvent: side.decodeEvent,
      decodeMetadataKeys: EventCatalogue.DECODE_METADATA_KEYS,
      batchSize: options.batchSize ?? 500,
      maxDifferences: options.maxDifferences,
      onProgress: (update) => progress.update(update),
    });
  } finally {
    progress.stop();
  }
}

async function documentCounts(store: ReadStore, collections: readonly string[]): Promise<string> {
  const counts: string[] = [];
  for (const collection of collections) counts.push(`${collection} ${await store.count(collection)}`);
  return counts.join(', ');
}

function report(
  io: CliIo,
  side: CliReadModelSide,
  result: VerifyResult,
  options: { json: boolean; where: string; kept?: string | undefined; counts?: string },
): ExitCode {
  if (options.json) {
    io.stdout.write(`${JSON.stringify(result)}\n`);
    return result.equal ? EXIT.OK : EXIT.CHECK_FAILED;
  }
  const compared =
    `${result.documentsCompared} documents in ${side.collections.length} collections at position ${result.position}` +
    (options.counts === undefined ? '' : ` (live: ${options.counts})`);
  if (result.equal) {
    io.stdout.write(`EQUAL: the live copy of ${result.projection} (${options.where}) equals a rebuild from the ${result.eventsReplayed} events of its types: ${compared}.\n`);
    return EXIT.OK;
  }
  io.stdout.write(`DIFFERENT: ${describe(result)} between the live copy of ${result.projection} (${options.where}) and a rebuild: ${compared}.\n`);
  for (const difference of result.differences) {
    const where = difference.path === undefined ? '' : ` at ${difference.path}`;
    const meaning = difference.kind === 'missing' ? 'only in the rebuild' : difference.kind === 'extra' ? 'only in the live copy' : 'differs';
    io.stdout.write(`  ${difference.kind.padEnd(7)} ${difference.collection}/${difference.id}${where} (${meaning})\n`);
  }
  if (result.differences.length < result.differenceCount) io.stdout.write(`  … and ${result.differenceCount - result.differences.length} more (--max to list more)\n`);
  if (!result.settled) io.stdout.write('The live copy kept moving during every attempt: some differences may be writes in flight; run it again.\n');
  if (options.kept !== undefined) io.stdout.write(`${options.kept}\n`);
  return EXIT.CHECK_FAILED;
}

function describe(comparison: ReadModelComparison): string {
  return `${comparison.differenceCount} ${comparison.differenceCount === 1 ? 'difference' : 'differences'}`;
}

import { parseArgs } from 'node:util';
import {
  compareReadModels,
  dropProjectionCopy,
  ProjectionEngine,
  replayInto,
  verifyProjection,
  type ReadModelComparison,
  type VerifyResult,
} from '@qms/projection-engine';
import { InMemoryReadStore } from '@qms/read-store';
import { REPORTING_PROJECTION_NAMES } from '@qms/reporting';
import type { CliIo } from '../cli-io';
import { EXIT, type ExitCode } from '../exit-codes';
import type { CliCommand, CliContext } from './command';
import { positiveInteger, projectionOption, rebuildProgress, type CliReadSide, readSideOf } from './rebuild';

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
    const side = readSideOf(context.io.env, projectionOption(values.projection));
    const options = {
      batchSize: values['batch-size'] === undefined ? undefined : positiveInteger(values['batch-size'], '--batch-size', 500),
      maxDifferences: positiveInteger(values.max, '--max', 50),
      json: values.json,
    };
    const live = side.openMongo();
    if (live === undefined) return compareEmbedded(context, side, options);
    const scratch = side.openMongo(VERIFY_PREFIX) as NonNullable<ReturnType<CliReadSide['openMongo']>>;
    try {
      await live.checkHealth();
      context.io.stderr.write(
        `Rebuilding ${side.projection.name} into ${VERIFY_PREFIX}* collections of MongoDB ${live.databaseName} up to the live checkpoint, then comparing.\n`,
      );
      const progress = rebuildProgress(context.io, `rebuild ${side.projection.name} (reference)`);
      let result: VerifyResult;
      try {
        result = await verifyProjection({
          eventStore: await context.eventStore(),
          live,
          scratch,
          projection: side.projection,
          decodeEvent: side.decodeEvent,
          batchSize: options.batchSize ?? 500,
          maxDifferences: options.maxDifferences,
          onProgress: (update) => progress.update(update),
        });
      } finally {
        progress.stop();
      }
      // An equal copy is of no further use; a different one is kept to look into.
      if (result.equal) await dropProjectionCopy(scratch, side.projection);
      return report(context.io, side, result, {
        ...options,
        where: `MongoDB ${live.databaseName}`,
        kept: result.equal ? undefined : `The rebuilt copy is kept in the ${VERIFY_PREFIX}* collections for inspection (the next run replaces it).`,
      });
    } finally {
      await Promise.all([live.close(), scratch.close()]);
    }
  },
};

/** The engine's default, which the API runs with. */
const API_BATCH_SIZE = 500;
/** Another size than the follower's, so that the check also covers where batches end. */
const EMBEDDED_REFERENCE_BATCH_SIZE = 100;

/**
 * The embedded read models are in the API's memory, out of this process's reach (the API checks
 * them with GET /admin/projections/<name>/verify). Here the log is projected the way the API does
 * at start, following it in batches, and compared with a rebuild in batches of another size.
 */
async function compareEmbedded(
  { io, eventStore }: CliContext,
  side: CliReadSide,
  options: { batchSize: number | undefined; maxDifferences: number; json: boolean },
): Promise<ExitCode> {
  io.stderr.write(
    `The embedded read models live in the API process: GET /admin/projections/${side.projection.name}/verify compares them there with a rebuild. ` +
      'Here: the log projected as the API does at start, compared with a rebuild.\n',
  );
  const store = await eventStore();
  const followed = new InMemoryReadStore();
  const follower = new ProjectionEngine({
    eventStore: store,
    readStore: followed,
    projections: [side.projection],
    decodeEvent: side.decodeEvent,
    batchSize: API_BATCH_SIZE,
    logger: { log: () => undefined, warn: (message) => io.stderr.write(`${message}\n`) },
  });
  const head = await store.headPosition();
  follower.start();
  try {
    await follower.waitForPosition(head, 24 * 3600_000);
    await follower.settleDeferredWork(side.projection.name);
  } finally {
    await follower.stop();
  }
  const reference = new InMemoryReadStore();
  const progress = rebuildProgress(io, `rebuild ${side.projection.name} (reference)`);
  let replayed;
  try {
    replayed = await replayInto({
      eventStore: store,
      target: reference,
      projection: side.projection,
      decodeEvent: side.decodeEvent,
      upTo: head,
      batchSize: options.batchSize ?? EMBEDDED_REFERENCE_BATCH_SIZE,
      onProgress: (update) => progress.update(update),
    });
  } finally {
    progress.stop();
  }
  const comparison = await compareReadModels(reference, followed, side.collections, { maxDifferences: options.maxDifferences });
  return report(io, side, { ...comparison, projection: side.projection.name, position: head, settled: true, attempts: 1, eventsReplayed: replayed.eventsProcessed }, { ...options, where: 'memory' });
}

function report(
  io: CliIo,
  side: CliReadSide,
  result: VerifyResult,
  options: { json: boolean; where: string; kept?: string | undefined },
): ExitCode {
  if (options.json) {
    io.stdout.write(`${JSON.stringify(result)}\n`);
    return result.equal ? EXIT.OK : EXIT.CHECK_FAILED;
  }
  const compared = `${result.documentsCompared} documents in ${side.collections.length} collections at position ${result.position}`;
  if (result.equal) {
    io.stdout.write(`EQUAL: the live copy of ${result.projection} (${options.where}) equals a rebuild from ${result.eventsReplayed} events: ${compared}.\n`);
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

import { availableParallelism, freemem } from 'node:os';
import { Worker } from 'node:worker_threads';
import { StoreUnavailableError } from '@qms/domain-kernel';
import { partKey, type Projection, RebuildInterruptedError, type RebuildProgress } from '@qms/projection-engine';
import { threadLaunch } from '../../../api/src/infrastructure/typescript-bootstrap';
import type { CliIo } from '../cli-io';
import type { CheckedRebuildResult, RebuildHooks, RebuildRun, RebuildStores } from './run-rebuild';

// ---------------------------------------------------------------------------------------------
// A rebuild of several read models on several cores: each group of projections rebuilt by an
// engine of its own in a worker thread (rebuild-thread.ts), which opens the stores from the same
// environment and reads the log itself. The threads write the same read-model file or database,
// each its own shadow collections and checkpoints.
// ---------------------------------------------------------------------------------------------

export interface RebuildThreadData {
  readonly env: CliIo['env'];
  readonly names: readonly string[];
  readonly batchSize: number | undefined;
  readonly checksums: boolean;
}

export type ToRebuildThread = { readonly type: 'stop' };

export type FromRebuildThread =
  | { readonly type: 'progress'; readonly progress: RebuildProgress }
  | { readonly type: 'warn'; readonly message: string }
  | { readonly type: 'done'; readonly results: CheckedRebuildResult[] }
  | { readonly type: 'failed'; readonly failure: { readonly name: string; readonly message: string; readonly projection?: string } };

/**
 * Splits the projections into at most `threads` groups of about equal work, the largest first
 * into the lightest group. The work of a projection is taken as the number of event types it
 * handles: what it reads of the log and evolves grows with them. Each group keeps the side's order.
 */
export function threadGroups(projections: readonly Pick<Projection, 'name' | 'eventTypes'>[], threads: number): string[][] {
  const count = Math.max(1, Math.min(Math.floor(threads), projections.length));
  const groups = Array.from({ length: count }, () => ({ weight: 0, members: new Set<string>() }));
  const heaviestFirst = [...projections].sort((a, b) => b.eventTypes.length - a.eventTypes.length || (a.name < b.name ? -1 : 1));
  for (const projection of heaviestFirst) {
    const lightest = groups.reduce((a, b) => (b.weight < a.weight ? b : a));
    lightest.weight += projection.eventTypes.length;
    lightest.members.add(projection.name);
  }
  return groups
    .map((group) => projections.map((projection) => projection.name).filter((name) => group.members.has(name)))
    .sort((a, b) => projections.findIndex((p) => p.name === a[0]) - projections.findIndex((p) => p.name === b[0]));
}

type Rebuilt = Pick<Projection, 'name' | 'eventTypes' | 'replayParts'>;

/**
 * What the threads rebuild: each read model, or, with `splitParts`, each of its replay parts
 * (Projection.replayParts). The work of a part is its event types, as a projection's.
 */
export function rebuildWorkItems(projections: readonly Rebuilt[], splitParts: boolean): Pick<Projection, 'name' | 'eventTypes'>[] {
  return projections.flatMap((projection) =>
    splitParts && projection.replayParts !== undefined
      ? projection.replayParts.map((part) => ({ name: partKey(projection.name, part.name), eventTypes: part.eventTypes }))
      : [{ name: projection.name, eventTypes: projection.eventTypes }],
  );
}

/**
 * The groups of read models and parts that `threads` threads rebuild (see threadGroups): the read
 * models are split into their parts once there is a thread for every one, so that the threads to
 * spare go to the parts.
 */
export function rebuildThreadGroups(projections: readonly Rebuilt[], threads: number): string[][] {
  return threadGroups(rebuildWorkItems(projections, threads > 1 && threads >= projections.length), threads);
}

/**
 * Memory one rebuild thread needs on the benchmark history (2.9 M events): about 0.5 GiB at its
 * peak, with the command line's young generation, and some room besides.
 */
export const REBUILD_THREAD_BYTES = 640 * 1024 * 1024;

/**
 * Threads a rebuild uses unless told: one per read model or replay part at most (rebuildWorkItems
 * with every part split), one more than the cores, and no more than the free memory holds, so
 * that a small server rebuilds in fewer threads rather than running out of memory. One core gets
 * one thread: one pass over the log.
 *
 * One more thread than cores because the work items are unequal: on the benchmark history on two
 * cores, three threads (the complaint lists; the report's complaint facts and the satisfaction
 * summary; the report's other facts) had every read model live after 34.6 s, where two threads
 * (the lists and the summary; the whole report) took 47 s, the first idle for the last 11 s.
 */
export function defaultRebuildThreads(projections: readonly Rebuilt[], machine: { cores: number; freeBytes: number } = { cores: availableParallelism(), freeBytes: freemem() }): number {
  if (machine.cores < 2) return 1;
  const workItems = rebuildWorkItems(projections, true).length;
  return Math.max(1, Math.min(machine.cores + 1, workItems, Math.floor(machine.freeBytes / REBUILD_THREAD_BYTES)));
}

/** The rebuild of `names` by an engine in a worker thread, reporting through `hooks` as one in this thread would. */
export function rebuildInThread(
  env: CliIo['env'],
  names: readonly string[],
  options: Pick<RebuildStores, 'batchSize' | 'checksums'>,
  hooks: RebuildHooks,
): RebuildRun {
  const how = threadLaunch(__dirname, 'rebuild-thread', __filename);
  const workerData: RebuildThreadData & Record<string, unknown> = { env: { ...env }, names, batchSize: options.batchSize, checksums: options.checksums === true, ...how.extra };
  const worker = new Worker(how.script, { eval: how.eval, workerData });
  const results = new Promise<CheckedRebuildResult[]>((resolve, reject) => {
    let outcome: 'pending' | 'settled' = 'pending';
    worker.on('message', (message: FromRebuildThread) => {
      switch (message.type) {
        case 'progress':
          hooks.onProgress(message.progress);
          return;
        case 'warn':
          hooks.onWarn(message.message);
          return;
        case 'done':
          outcome = 'settled';
          resolve(message.results);
          return;
        case 'failed':
          outcome = 'settled';
          reject(errorOf(message.failure, names));
          return;
      }
    });
    worker.on('error', (error) => {
      outcome = 'settled';
      reject(new Error(`The rebuild thread of ${names.join(', ')} failed: ${error.message}`));
    });
    worker.once('exit', (code) => {
      if (outcome === 'pending') reject(new Error(`The rebuild thread of ${names.join(', ')} stopped (exit code ${code}) before it finished`));
    });
  });
  return {
    results,
    stop: () => worker.postMessage({ type: 'stop' } satisfies ToRebuildThread),
  };
}

/** The thread's failure as the class the command line explains (interrupted, store unavailable), or a plain Error. */
function errorOf(failure: Extract<FromRebuildThread, { type: 'failed' }>['failure'], names: readonly string[]): Error {
  switch (failure.name) {
    case 'RebuildInterruptedError':
      return new RebuildInterruptedError(failure.projection ?? names.join(', '));
    case 'StoreUnavailableError':
      return new StoreUnavailableError(failure.message);
    default:
      return new Error(failure.message);
  }
}

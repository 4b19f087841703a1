import type { DomainEvent } from '@qms/domain-kernel';
import { EventCatalogue } from '@qms/event-catalogue';
import type { EventStore } from '@qms/event-store';
import {
  parsePartKey,
  progressKey,
  ProjectionEngine,
  readModelChecksum,
  type ReadModelChecksum,
  RebuildInterruptedError,
  type RebuildProgress,
  type RebuildResult,
} from '@qms/projection-engine';
import type { ReadStore } from '@qms/read-store';
import { engineOptionsFor } from '../../../api/src/read-side/engine-options';
import type { CliIo } from '../cli-io';
import { startProgress } from '../progress';
import { ALL_PROJECTIONS, type CliReadSide, collectionNames } from './read-side';
import { rebuildInThread } from './rebuild-threads';

// ---------------------------------------------------------------------------------------------
// A rebuild run from the command line: the engine's rebuild with a progress bar, bounded retries,
// Ctrl-C, and one line saying where it stopped and what to do next.
// ---------------------------------------------------------------------------------------------

export const rate = (events: number, ms: number): number => Math.round(events / Math.max(ms / 1000, 0.001));

function eta(seconds: number | null): string {
  if (seconds === null) return 'ETA …';
  return seconds < 90 ? `ETA ${Math.ceil(seconds)} s` : `ETA ${Math.ceil(seconds / 60)} min`;
}

/**
 * Progress of a rebuild on stderr: a bar over log positions, with events, events/s and ETA beside
 * it, following the slowest replay still going (of those not standing on an event they cannot
 * apply): projections rebuilt together share a replay, those in threads of their own each have
 * one. Then a line per projection as it catches up and goes live. `replays`: how many say where
 * they start before the bar moves, a replay part counting as one.
 */
export function rebuildProgress(io: CliIo, label: string, projections = 1, replays = projections): { update(progress: RebuildProgress): void; stop(): void } {
  const bar = startProgress(io, label, 'position');
  const started = new Set<string>();
  const replaying = new Map<string, RebuildProgress>();
  const catchingUp = new Set<string>();
  let barStopped = false;
  const stopBar = (): void => {
    if (!barStopped) bar.stop();
    barStopped = true;
  };
  return {
    update(progress) {
      const key = progressKey(progress);
      started.add(key);
      if (progress.phase === 'replaying') {
        replaying.set(key, progress);
        // Once each has said where it starts: a bar that never runs backwards.
        if (barStopped || started.size < replays) return;
        // One standing on an event it cannot apply has left the shared pass: the bar follows the others.
        const going = [...replaying.values()].filter((run) => run.stoppedOn === null);
        const slowest = (going.length > 0 ? going : [...replaying.values()]).reduce((a, b) => (b.position < a.position ? b : a));
        bar.update(slowest.position, slowest.targetPosition, `${slowest.eventsProcessed} events, ${Math.round(slowest.eventsPerSecond)} events/s, ${eta(slowest.etaSeconds)}`);
        return;
      }
      replaying.delete(key);
      if (progress.phase === 'stored') {
        io.stderr.write(`${label}: ${key} replayed up to position ${progress.position}\n`);
        return;
      }
      // The bar ends with the last replay going (one standing on a poison event waits for no one).
      if ([...replaying.values()].every((run) => run.stoppedOn !== null)) stopBar();
      const name = projections > 1 ? ` ${progress.projection}` : '';
      if (progress.phase === 'catching-up' && !catchingUp.has(progress.projection)) {
        catchingUp.add(progress.projection);
        io.stderr.write(`${label}:${name} catching up with events appended meanwhile, then swapping the copies in\n`);
      }
      // Alone, the result says it at once; together, the others may take a while yet.
      if (progress.phase === 'done' && projections > 1) io.stderr.write(`${label}:${name} went live at position ${progress.position}\n`);
    },
    stop: stopBar,
  };
}

/** What one projection's rebuild did, with the checksum of its copy when it was asked for. */
export interface CheckedRebuildResult extends RebuildResult {
  readonly checksum?: ReadModelChecksum;
}

/** What one projection's rebuild did, and whether it continued one an earlier run had begun. */
export interface CliRebuildResult extends CheckedRebuildResult {
  readonly resumed: boolean;
  readonly resumedFrom: number;
}

/** What a rebuild of some of the projections tells its command line as it goes. */
export interface RebuildHooks {
  onProgress(update: RebuildProgress): void;
  /** A step failed and is retried (the engine's warning). */
  onWarn(message: string): void;
}

/** One engine's rebuild of some of the projections, in this thread or in one of its own (rebuild-threads.ts). */
export interface RebuildRun {
  /** Rejects with RebuildInterruptedError when stopped; what went live before stays live. */
  readonly results: Promise<CheckedRebuildResult[]>;
  stop(): void;
}

export interface RebuildStores {
  readonly eventStore: EventStore;
  readonly readStore: ReadStore;
  readonly side: Pick<CliReadSide, 'projections' | 'decodeEvent'>;
  readonly batchSize: number | undefined;
  /**
   * Each projection's checksum, worked out where it was rebuilt as soon as its group went live: a
   * thread that finished first checksums its copies while the others still rebuild.
   */
  readonly checksums?: boolean;
}

/** The engine's rebuild of `names` (projections, or parts of one) in one pass over the log, in this thread. */
export function rebuildHere(stores: RebuildStores, names: readonly string[], hooks: RebuildHooks): RebuildRun {
  const engine = rebuildEngine(stores, hooks);
  const results = engine.rebuildTogether(names, { onProgress: (update) => hooks.onProgress(update) }).finally(() => engine.stop());
  return { results: stores.checksums === true ? results.then((done) => withChecksums(stores, done)) : results, stop: () => void engine.stop() };
}

/**
 * The rebuild of a projection whose parts other threads replay (rebuild-parts.ts): once each of
 * `partRuns` has stored its parts, the parts are joined and the whole rebuilt here from there
 * (what a part lacks, afterReplay, read indexes, catch-up, swap). Its events are the parts'.
 */
function finishPartsHere(stores: RebuildStores, name: string, partRuns: readonly RebuildRun[], hooks: RebuildHooks): RebuildRun {
  const engine = rebuildEngine(stores, hooks);
  const startedAt = performance.now();
  let stopped = false;
  const results = Promise.all(partRuns.map((run) => run.results))
    .then(async (done) => {
      if (stopped) throw new RebuildInterruptedError(name);
      const parts = done.flat().filter((result) => result.projection === name && result.part !== undefined);
      await engine.joinRebuildParts(name);
      const [whole] = await engine.rebuildTogether([name], { onProgress: (update) => hooks.onProgress(update) });
      const result = whole as RebuildResult;
      const eventsProcessed = result.eventsProcessed + parts.reduce((sum, part) => sum + part.eventsProcessed, 0);
      return [{ ...result, eventsProcessed, durationMs: performance.now() - startedAt }];
    })
    .finally(() => engine.stop());
  return {
    results: stores.checksums === true ? results.then((done) => withChecksums(stores, done)) : results,
    stop: () => {
      stopped = true;
      void engine.stop();
    },
  };
}

function rebuildEngine(stores: RebuildStores, hooks: Pick<RebuildHooks, 'onWarn'>): ProjectionEngine<DomainEvent> {
  return new ProjectionEngine<DomainEvent>({
    eventStore: stores.eventStore,
    readStore: stores.readStore,
    // The pages the API's engine rebuilds this store with, unless --batch-size says otherwise.
    ...engineOptionsFor(stores.readStore),
    ...(stores.batchSize === undefined ? {} : { rebuildBatchSize: stores.batchSize }),
    projections: stores.side.projections,
    decodeEvent: stores.side.decodeEvent,
    decodeMetadataKeys: EventCatalogue.DECODE_METADATA_KEYS,
    retry: { initialDelayMs: 200, maxDelayMs: 2000 },
    logger: { log: () => undefined, warn: (message) => hooks.onWarn(message) },
  });
}

async function withChecksums(stores: RebuildStores, results: readonly RebuildResult[]): Promise<CheckedRebuildResult[]> {
  const checked: CheckedRebuildResult[] = [];
  for (const result of results) {
    // A part's copy is not the read model: its checksum comes with the whole's.
    if (result.part !== undefined) {
      checked.push(result);
      continue;
    }
    const projection = stores.side.projections.find((candidate) => candidate.name === result.projection);
    if (projection === undefined) throw new Error(`No projection is named ${result.projection}`);
    checked.push({ ...result, checksum: await readModelChecksum(stores.readStore, collectionNames(projection)) });
  }
  return checked;
}

/**
 * Where the projections are rebuilt: all in this thread in one pass over the log, or in groups,
 * each in a thread of its own reading the log itself (`groups`, opened from `env` there).
 */
export type RebuildPlacement = { readonly threads: 'one' } | { readonly threads: 'several'; readonly groups: readonly (readonly string[])[]; readonly env: CliIo['env'] };

/**
 * Runs a rebuild of the side's projections with the engine, bounded for a command line: Ctrl-C
 * stops it (resumable), and a store failing five times in a row for one engine ends that engine's
 * rebuild instead of retrying for ever as a server would. One result per projection, in the
 * side's order.
 */
export async function runRebuild(
  io: CliIo,
  options: RebuildStores & { side: CliReadSide; placement?: RebuildPlacement },
): Promise<CliRebuildResult[]> {
  let lastFailure = '';
  let interrupted = false;
  const names = options.side.projections.map((projection) => projection.name);
  const placement = options.placement ?? { threads: 'one' };
  const groups = placement.threads === 'one' ? [names] : placement.groups;
  const progress = rebuildProgress(io, rebuildLabel(options.side), names.length, groups.flat().length);
  const first = new Map<string, RebuildProgress>();
  const latest = new Map<string, RebuildProgress>();
  // Failures in a row: progress that moves a copy on ends a run of them, a retry reported again does not.
  const movedOn = (update: RebuildProgress): boolean => {
    const previous = latest.get(progressKey(update));
    return previous === undefined || previous.position !== update.position || previous.phase !== update.phase;
  };
  const hooksFor = (stopRun: () => void): RebuildHooks => {
    let failures = 0;
    return {
      onProgress: (update) => {
        const key = progressKey(update);
        if (!first.has(key)) first.set(key, update);
        if (movedOn(update)) failures = 0;
        latest.set(key, update);
        progress.update(update);
      },
      onWarn: (message) => {
        lastFailure = message;
        if (++failures >= 5) stopRun();
      },
    };
  };
  const launch = (start: (hooks: RebuildHooks) => RebuildRun): RebuildRun => {
    const holder: { run?: RebuildRun } = {};
    holder.run = start(hooksFor(() => holder.run?.stop()));
    return holder.run;
  };
  const split = [...new Set(groups.flat().map(parsePartKey).filter((key) => key.part !== null).map((key) => key.projection))];
  // Where each split read model's parts start, before any thread replays one.
  const prepared = new Map<string, { resumed: boolean; from: number }>();
  for (const name of split) {
    const engine = rebuildEngine(options, { onWarn: (message) => (lastFailure = message) });
    try {
      const parts = await engine.prepareRebuildParts(name);
      prepared.set(name, { resumed: parts.resumed, from: Math.min(...parts.positions.values()) });
    } finally {
      await engine.stop();
    }
  }
  const threadRuns = groups.map((group) =>
    launch((hooks) => (placement.threads === 'one' ? rebuildHere(options, group, hooks) : rebuildInThread(placement.env, group, { batchSize: options.batchSize, checksums: options.checksums === true }, hooks))),
  );
  const finishing = split.map((name) => {
    const partRuns = threadRuns.filter((_, index) => groups[index]?.some((key) => parsePartKey(key).projection === name));
    return launch((hooks) => finishPartsHere(options, name, partRuns, hooks));
  });
  const runs = [...threadRuns, ...finishing];
  const stop = (): void => {
    interrupted = true;
    for (const run of runs) run.stop();
  };
  process.once('SIGINT', stop);
  try {
    // A failure other than a stop ends the others too: the command cannot succeed any more.
    const settled = await Promise.allSettled(runs.map((run) => run.results.catch((error: unknown) => {
      if (!(error instanceof RebuildInterruptedError)) for (const other of runs) other.stop();
      throw error;
    })));
    const failed = settled.filter((outcome): outcome is PromiseRejectedResult => outcome.status === 'rejected').map((outcome) => outcome.reason as unknown);
    const broken = failed.find((error) => !(error instanceof RebuildInterruptedError));
    if (broken !== undefined) throw broken;
    if (failed.length > 0) throw failed[0];
    const wholes = settled.flatMap((outcome) => (outcome.status === 'fulfilled' ? outcome.value : [])).filter((result) => result.part === undefined);
    const byName = new Map(wholes.map((result) => [result.projection, result]));
    return names.map((name) => {
      const result = byName.get(name) as CheckedRebuildResult;
      const parts = prepared.get(name);
      if (parts !== undefined) return { ...result, resumed: parts.resumed, resumedFrom: parts.resumed ? parts.from : 0 };
      const start = first.get(name);
      return { ...result, resumed: start?.resumed ?? false, resumedFrom: start?.resumed ? start.position : 0 };
    });
  } catch (error) {
    if (!(error instanceof RebuildInterruptedError)) throw error;
    if (!interrupted) {
      const standing = [...latest.values()].filter((update) => update.phase !== 'done' && update.stoppedOn !== null);
      if (standing.length > 0) throw standingOnPoison(standing, names, latest);
    }
    const where = whereStopped(names, latest);
    throw new RebuildStopped(interrupted ? `Interrupted ${where}` : `Stopped ${where} after five failures in a row (${lastFailure})`, resumeHint(names.length));
  } finally {
    progress.stop();
    process.off('SIGINT', stop);
  }
}

const rebuildLabel = (side: CliReadSide): string => `rebuild ${side.projections.length === 1 ? side.projections[0]?.name : ALL_PROJECTIONS}`;

/** A read model's progress: its whole run's, or, while its parts replay, the part furthest behind. */
function progressOf(name: string, latest: ReadonlyMap<string, RebuildProgress>): RebuildProgress | undefined {
  const whole = latest.get(name);
  if (whole !== undefined) return whole;
  const parts = [...latest.values()].filter((update) => update.projection === name);
  return parts.length === 0 ? undefined : parts.reduce((a, b) => (b.position < a.position ? b : a));
}

function whereStopped(names: readonly string[], latest: ReadonlyMap<string, RebuildProgress>): string {
  const at = (progress: RebuildProgress): string => `at position ${progress.position} of ${progress.targetPosition}`;
  const [only] = names;
  if (names.length === 1 && only !== undefined) {
    const progress = progressOf(only, latest);
    return progress === undefined ? 'before the first batch' : at(progress);
  }
  const each = names.map((name) => {
    const progress = progressOf(name, latest);
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

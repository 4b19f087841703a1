import type { DomainEvent } from '@qms/domain-kernel';
import type { EventStore } from '@qms/event-store';
import { ProjectionEngine, RebuildInterruptedError, type RebuildProgress, type RebuildResult } from '@qms/projection-engine';
import type { ReadStore } from '@qms/read-store';
import { engineOptionsFor } from '../../../api/src/read-side/engine-options';
import type { CliIo } from '../cli-io';
import { startProgress } from '../progress';
import { ALL_PROJECTIONS, type CliReadSide } from './read-side';

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

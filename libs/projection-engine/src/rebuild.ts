import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import type { EventStore, RecordedEvent } from '@qms/event-store';
import { shadowCollection, type ReadStore } from '@qms/read-store';
import { applyBatch, MemoryJournal, type ProjectionTarget } from './apply-batch';
import { collectionsOf, versionOf, type ProjectableEvent } from './projection';
import type { ProjectionRunner } from './projection-runner';
import type { ParkingSource } from './parking/parking-source';
import { PoisonEventError } from './poison-event';

export type RebuildPhase = 'replaying' | 'catching-up' | 'swapping' | 'done';

export interface RebuildProgress {
  readonly projection: string;
  readonly phase: RebuildPhase;
  /** Position the shadow copy has reached. */
  readonly position: number;
  /** Head of the log when the rebuild started (the live log keeps growing past it). */
  readonly targetPosition: number;
  readonly eventsProcessed: number;
  readonly eventsPerSecond: number;
  /** Estimated seconds to reach the target; null until there is a rate to go by. */
  readonly etaSeconds: number | null;
  /** True when this run continued a rebuild an earlier process had begun. */
  readonly resumed: boolean;
}

export interface RebuildOptions {
  readonly onProgress?: (progress: RebuildProgress) => void;
}

export interface RebuildResult {
  readonly projection: string;
  readonly position: number;
  readonly eventsProcessed: number;
  readonly durationMs: number;
}

export interface RebuildDependencies<E extends ProjectableEvent> {
  readonly eventStore: EventStore;
  readonly readStore: ReadStore;
  readonly decodeEvent: (recorded: RecordedEvent) => E;
  readonly batchSize: number;
  /** Monotonic milliseconds, for rates. */
  readonly elapsed: () => number;
  /**
   * Where the shadow batches keep their before-images: 'store' (default), or a journal of this
   * process, for a read store that does not outlive it (the same one for every rebuild of the
   * projection by this process, so that a rebuild resumed in-process finds what a cut-short batch left).
   */
  readonly journal?: 'store' | MemoryJournal;
  readonly freezeEvolved?: 'deep' | 'shallow';
  readonly parking: ParkingSource;
}

export const rebuildCheckpointName = (projection: string): string => `${projection}__rebuild`;
export const swapMarkerName = (projection: string): string => `${projection}__swap`;
/** A run's journal of before-images for afterBatch (see apply-batch.ts), named after its checkpoint. */
export const journalName = (checkpointName: string): string => `${checkpointName}__journal`;

/**
 * Rebuilds one projection from the first event into shadow collections while the live ones keep
 * serving (and the live runner keeps them current), then swaps them in:
 *
 * 1. shadow copies emptied (unless a rebuild of the same version is resumed from its own
 *    checkpoint `<name>__rebuild`) and given the indexes the projection queries as it applies events;
 * 2. the log replayed into them page by page, with progress; then the indexes that serve reads built;
 * 3. with the live runner paused between two batches: catch up to the end of the log, write the
 *    swap marker `<name>__swap`, swap every collection, move the live checkpoint, drop the
 *    marker and the rebuild checkpoint. A crash inside step 3 is finished by `finishSwap` at the
 *    next start, from the marker.
 */
export async function rebuildProjection<E extends ProjectableEvent>(
  runner: ProjectionRunner<E>,
  dependencies: RebuildDependencies<E>,
  options: RebuildOptions = {},
): Promise<RebuildResult> {
  const { projection } = runner;
  const { eventStore, readStore, batchSize, elapsed } = dependencies;
  const version = versionOf(projection);
  const collections = collectionsOf(projection);
  const checkpointName = rebuildCheckpointName(projection.name);
  const memoryJournal = dependencies.journal instanceof MemoryJournal ? dependencies.journal : null;
  const target: ProjectionTarget = {
    physical: shadowCollection,
    checkpointName,
    journal: memoryJournal ?? journalName(checkpointName),
    freezeEvolved: dependencies.freezeEvolved ?? 'deep',
  };
  const startedAt = elapsed();

  let resumed = false;
  let position = 0;
  await step(runner, async () => {
    await finishSwap(runner, readStore);
    const saved = await readStore.getCheckpoint(checkpointName);
    resumed = saved !== null && saved.version === version;
    if (saved !== null && resumed) {
      position = saved.position;
    } else {
      for (const collection of collections) await readStore.drop(shadowCollection(collection.name));
      await readStore.drop(journalName(checkpointName));
      memoryJournal?.entries.clear();
      await readStore.saveCheckpoint(checkpointName, { position: 0, version });
      position = 0;
    }
    // Creates the shadows even when nothing will be written to them, so each swap replaces.
    for (const collection of collections) {
      const queried = (collection.indexes ?? []).filter((index) => index.whileProjecting === true);
      await readStore.ensureIndexes(shadowCollection(collection.name), queried);
    }
  });

  const startPosition = position;
  let targetPosition = position;
  await step(runner, async () => {
    targetPosition = Math.max(position, await eventStore.headPosition());
  });
  let eventsProcessed = 0;
  const report = (phase: RebuildPhase): void => {
    const seconds = (elapsed() - startedAt) / 1000;
    const positionRate = seconds > 0 ? (position - startPosition) / seconds : 0;
    options.onProgress?.({
      projection: projection.name,
      phase,
      position,
      targetPosition: Math.max(targetPosition, position),
      eventsProcessed,
      eventsPerSecond: seconds > 0 ? eventsProcessed / seconds : 0,
      etaSeconds: positionRate > 0 ? Math.max(0, targetPosition - position) / positionRate : null,
      resumed,
    });
  };

  /** Replays pages until the log has nothing after `position`. */
  const replay = async (phase: RebuildPhase): Promise<void> => {
    for (;;) {
      let page: RecordedEvent[] = [];
      await step(runner, async () => {
        page = await eventStore.readAll({ fromPosition: position, maxCount: batchSize });
        if (page.length > 0) {
          // The same decisions the live run goes by (see parking-source.ts), read again for every
          // page so that a rebuild standing on a poison event goes on once it is parked.
          const parked = new Set((await dependencies.parking.parked(projection.name)).keys());
          try {
            const outcome = await applyBatch(projection, page, readStore, target, dependencies.decodeEvent, {
              caughtUp: await atEnd(eventStore, page, batchSize),
            }, parked);
            position = outcome.position;
          } catch (error) {
            if (error instanceof PoisonEventError && error.appliedThrough !== null) position = error.appliedThrough;
            throw error;
          }
        }
      });
      if (page.length === 0) return;
      eventsProcessed += page.length;
      report(phase);
      // Reads and commands get their turn between pages, even when no step of a page awaits I/O.
      await yieldToEventLoop();
    }
  };

  report('replaying');
  await replay('replaying');
  // The indexes that serve reads, built now in one pass each; the deferred work may query them too.
  await step(runner, async () => {
    for (const collection of collections) await readStore.ensureIndexes(shadowCollection(collection.name), collection.indexes ?? []);
  });
  // Derived work the pages deferred (a month's report) is done on the shadow copy before the
  // swap, outside the lock for the bulk of it, so the copy swapped in is complete.
  await step(runner, () => runner.deferredWorkOn(target));

  await runner.lock.run(async () => {
    report('catching-up');
    await replay('catching-up');
    await step(runner, () => runner.deferredWorkOn(target));
    report('swapping');
    await step(runner, async () => {
      await readStore.saveCheckpoint(swapMarkerName(projection.name), { position, version });
      await finishSwap(runner, readStore);
    });
  });
  // Empty already (the last batch's afterBatch ran); what it would hold is now live.
  memoryJournal?.entries.clear();
  report('done');
  return { projection: projection.name, position, eventsProcessed, durationMs: elapsed() - startedAt };
}

/**
 * Completes a swap whose marker is stored: swaps every collection whose shadow still exists
 * (those already swapped have none), moves the live checkpoint to the rebuilt position and
 * version, then removes the marker and the rebuild checkpoint. Safe to run again at any point.
 */
export async function finishSwap<E extends ProjectableEvent>(
  runner: ProjectionRunner<E>,
  readStore: ReadStore,
): Promise<boolean> {
  const { projection } = runner;
  const marker = await readStore.getCheckpoint(swapMarkerName(projection.name));
  if (marker === null) return false;
  for (const collection of collectionsOf(projection)) await readStore.swap(collection.name);
  // Empty once the last batch's afterBatch ran; what the shadow journal held is now live.
  await readStore.drop(journalName(rebuildCheckpointName(projection.name)));
  await readStore.saveCheckpoint(projection.name, marker);
  await readStore.deleteCheckpoint(rebuildCheckpointName(projection.name));
  await readStore.deleteCheckpoint(swapMarkerName(projection.name));
  runner.advanceTo(marker.position);
  return true;
}

/** One step of a rebuild, retried like the live runner's batches; a stopped engine abandons it. */
async function step<E extends ProjectableEvent>(
  runner: ProjectionRunner<E>,
  attempt: () => Promise<void>,
): Promise<void> {
  if (!(await runner.retrying(attempt, false))) throw new RebuildInterruptedError(runner.projection.name);
}

/** The engine stopped during a rebuild; the next rebuild of the same version resumes it. */
export class RebuildInterruptedError extends Error {
  constructor(readonly projection: string) {
    super(`Rebuild of ${projection} interrupted by shutdown; it resumes from its checkpoint next time`);
  }
}

/** Whether a page reached the end of the log: a short page did; a full one only if nothing follows it. */
export async function atEnd(eventStore: EventStore, page: readonly RecordedEvent[], batchSize: number): Promise<boolean> {
  const last = page[page.length - 1];
  if (page.length < batchSize || last === undefined) return true;
  return (await eventStore.readAll({ fromPosition: last.position, maxCount: 1 })).length === 0;
}

import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import type { EventStore, RecordedEvent } from '@qms/event-store';
import { shadowCollection, type Checkpoint, type ReadStore } from '@qms/read-store';
import { applyBatch, MemoryJournal, type ProjectionTarget, shapeOf } from './apply-batch';
import { collectionsOf, versionOf, type CollectionSpec, type ProjectableEvent, type Projection, type ReplayPart } from './projection';
import type { ProjectionRunner } from './projection-runner';
import type { ParkingSource } from './parking/parking-source';
import { PoisonEventError, type PoisonEvent } from './poison-event';
import { deletePartCheckpoints, partCheckpointName, partProjection } from './rebuild-parts';
import { ReplayWorkingSet, type WorkingSetLimits } from './replay-working-set';

/** 'stored': a part's replay is stored; the rebuild of the whole goes on once every part's is (rebuild-parts.ts). */
export type RebuildPhase = 'replaying' | 'stored' | 'catching-up' | 'swapping' | 'done';

export interface RebuildProgress {
  readonly projection: string;
  /** The replay part this run replays (Projection.replayParts); absent for the whole projection. */
  readonly part?: string;
  readonly phase: RebuildPhase;
  /** Position the shadow copy has reached. */
  readonly position: number;
  /** Head of the log when the rebuild started (the live log keeps growing past it). */
  readonly targetPosition: number;
  /** Events of the types the projection handles applied so far; the replay reads no others. */
  readonly eventsProcessed: number;
  readonly eventsPerSecond: number;
  /** Estimated seconds to reach the target; null until there is a rate to go by. */
  readonly etaSeconds: number | null;
  /** True when this run continued a rebuild an earlier process had begun. */
  readonly resumed: boolean;
  /**
   * The event the shadow copy cannot apply, while the rebuild stands on it (retrying, until the
   * code is fixed or an admin parks it); null otherwise. The live copy's standing is its own.
   */
  readonly stoppedOn: PoisonEvent | null;
}

export interface RebuildOptions {
  readonly onProgress?: (progress: RebuildProgress) => void;
}

export interface RebuildResult {
  readonly projection: string;
  /** The part replayed, for a run of one part: its copy is stored, not swapped in. */
  readonly part?: string;
  readonly position: number;
  readonly eventsProcessed: number;
  readonly durationMs: number;
}

export interface RebuildDependencies<E extends ProjectableEvent> {
  readonly eventStore: EventStore;
  readonly readStore: ReadStore;
  readonly decodeEvent: (recorded: RecordedEvent) => E;
  /** What decodeEvent reads of the metadata: the replay's pages read only that (see ProjectionEngineOptions). */
  readonly metadataKeys?: readonly string[];
  readonly batchSize: number;
  /** Monotonic milliseconds, for rates. */
  readonly elapsed: () => number;
  readonly freezeEvolved?: 'deep' | 'shallow';
  readonly parking: ParkingSource;
  /** How much of the replay stays in memory between commits (DEFAULT_WORKING_SET_LIMITS). */
  readonly workingSetLimits?: WorkingSetLimits;
}

export const rebuildCheckpointName = (projection: string): string => `${projection}__rebuild`;
export const swapMarkerName = (projection: string): string => `${projection}__swap`;
/** A run's journal of before-images for afterBatch (see apply-batch.ts), named after its checkpoint. */
export const journalName = (checkpointName: string): string => `${checkpointName}__journal`;

/**
 * One projection of a rebuild, with where its shadow batches keep their before-images: 'store',
 * or a journal of this process for a read store that does not outlive it (the same one for every
 * rebuild of the projection by this process, so that a rebuild resumed in-process finds what a
 * cut-short batch left).
 */
export interface RebuildMember<E extends ProjectableEvent> {
  readonly runner: ProjectionRunner<E>;
  readonly journal: 'store' | MemoryJournal;
  /** Only this part of the projection, replayed and stored from its own checkpoint (rebuild-parts.ts). */
  readonly part?: ReplayPart;
}

/**
 * Rebuilds projections from the first event into shadow collections while the live ones keep
 * serving (and the live runners keep them current), then swaps them in:
 *
 * 1. shadow copies emptied (unless a rebuild of the same version is resumed from its own
 *    checkpoint `<name>__rebuild`) and, for a replay batch by batch, given the indexes the
 *    projection queries as it applies events (a replay through the working set gets them after it);
 * 2. the log replayed into them page by page, with progress, through a working set that holds the
 *    touched documents across pages and commits them with the rebuild checkpoint every so many
 *    events (replay-working-set.ts; afterBatch left to one afterReplay at the end), or batch by
 *    batch through applyBatch for a projection with afterBatch and no afterReplay; then
 *    afterReplay run, and the indexes that serve reads built;
 * 3. with the live runner paused between two batches: catch up to the end of the log, write the
 *    swap marker `<name>__swap`, swap every collection, move the live checkpoint, drop the
 *    marker and the rebuild checkpoint. A crash inside step 3 is finished by `finishSwap` at the
 *    next start, from the marker.
 *
 * Step 2 is shared: each page is read and decoded once and handed to every projection that has not
 * yet reached it, each into its own shadow copies with its own checkpoint, so that each resumes,
 * stops on a poison event and swaps as it would alone; steps 1 and 3 are per projection, each under
 * its own runner's lock. A projection standing on a poison event leaves the shared replay there:
 * the others replay on and go live, then it waits on the event (retrying, so parking it or fixing
 * the code lets it go on) and replays the rest of the log alone.
 */
export async function rebuildProjections<E extends ProjectableEvent>(
  members: readonly RebuildMember<E>[],
  dependencies: RebuildDependencies<E>,
  options: RebuildOptions = {},
): Promise<RebuildResult[]> {
  const { eventStore, elapsed } = dependencies;
  const first = members[0];
  if (first === undefined) return [];
  const startedAt = elapsed();
  const runs = members.map((member) => new ShadowRun(member, dependencies, options, startedAt));
  for (const run of runs) await run.prepare();

  let targetPosition = Math.max(...runs.map((run) => run.position));
  await step(first.runner, async () => {
    targetPosition = Math.max(targetPosition, await eventStore.headPosition());
  });
  for (const run of runs) {
    run.targetPosition = targetPosition;
    run.report('replaying');
  }

  // The shared replay: one read of each page, then every projection's part of it. A projection
  // standing on a poison event drops out of it, so that the others go live meanwhile.
  const standing = await replayTogether(runs, dependencies);
  const results = new Map<ShadowRun<E>, RebuildResult>();
  // Every copy's replay stored and its working set let go before any copy's own steps: those
  // run one copy at a time and need the heap the others would still hold.
  for (const run of runs) await run.storeReplay();
  for (const run of runs) if (!standing.has(run)) results.set(run, await finishRun(run, dependencies, startedAt));
  // Each waits on its poison event (retried until it is parked or the code is fixed), then replays on alone.
  for (const run of standing) {
    run.openWorkingSet();
    await replayTogether([run], dependencies);
    await run.storeReplay();
    results.set(run, await finishRun(run, dependencies, startedAt));
  }
  return runs.map((run) => results.get(run) as RebuildResult);
}

/**
 * Reads each page once for every run that has not reached it; returns the runs that stood on a
 * poison event, which left the pass there (their copies stored up to it). A run alone in the pass
 * waits on its poison event instead, retrying until it is parked.
 */
async function replayTogether<E extends ProjectableEvent>(
  runs: readonly ShadowRun<E>[],
  dependencies: RebuildDependencies<E>,
): Promise<Set<ShadowRun<E>>> {
  const { eventStore, batchSize, metadataKeys } = dependencies;
  const standing = new Set<ShadowRun<E>>();
  const alone = runs.length === 1;
  for (;;) {
    const going = runs.filter((run) => !standing.has(run));
    const first = going[0];
    if (first === undefined) break;
    const from = Math.min(...going.map((run) => run.position));
    const eventTypes = typesToRead(going);
    let page: RecordedEvent[] = [];
    let caughtUp = false;
    let head = 0;
    await step(first.runner, async () => {
      page = await eventStore.readAll({
        fromPosition: from,
        maxCount: batchSize,
        ...(eventTypes === undefined ? {} : { eventTypes }),
        ...(metadataKeys === undefined ? {} : { metadataKeys }),
      });
      if (eventTypes === undefined) {
        caughtUp = page.length > 0 && (await atEnd(eventStore, page, batchSize));
      } else if (page.length < batchSize) {
        // The head, then nothing of these types after the page: none lies between the page and the head.
        head = await eventStore.headPosition();
        caughtUp = (await eventStore.readAll({ fromPosition: page.at(-1)?.position ?? from, maxCount: 1, eventTypes })).length === 0;
      }
    });
    for (const run of going) {
      if (page.length > 0 && (await run.apply(page, caughtUp, { waitOnPoison: alone })) === 'standing') standing.add(run);
      // Past the events of other types up to the head: none of them changes the copy.
      else if (caughtUp && eventTypes !== undefined) run.passTo(head);
      if (page.length > 0 || caughtUp) run.report('replaying');
    }
    if (page.length === 0 || (caughtUp && eventTypes !== undefined)) break;
    // Reads and commands get their turn between pages, even when no step of a page awaits I/O.
    await yieldToEventLoop();
  }
  return standing;
}

/**
 * The event types a shared page reads: those its projections handle, when each replays through a
 * working set (which can pass over the others to a position of its choosing). A copy replayed
 * batch by batch moves its checkpoint with each batch's events, so it reads every type.
 */
function typesToRead<E extends ProjectableEvent>(runs: readonly ShadowRun<E>[]): readonly string[] | undefined {
  if (!runs.every((run) => run.replaysInWorkingSet)) return undefined;
  return [...new Set(runs.flatMap((run) => run.projection.eventTypes))].sort();
}

/** The end of step 2 and step 3 for one run whose replay is stored: afterReplay, read indexes, deferred work, catch-up and swap. */
async function finishRun<E extends ProjectableEvent>(run: ShadowRun<E>, dependencies: RebuildDependencies<E>, startedAt: number): Promise<RebuildResult> {
  const { readStore, elapsed } = dependencies;
  const { runner, part } = run;
  if (part !== undefined) {
    run.report('stored');
    return { projection: runner.projection.name, part: part.name, position: run.position, eventsProcessed: run.eventsProcessed, durationMs: elapsed() - startedAt };
  }
  // The indexes afterReplay and the catch-up's afterBatch query, then afterReplay: what it changes
  // keeps only these in order, and the read indexes are built from its result.
  await step(runner, async () => {
    for (const collection of run.collections) await readStore.ensureIndexes(shadowCollection(collection.name), projectingIndexes(collection));
  });
  if (run.replayedWithoutAfterBatch) await step(runner, () => runner.afterReplayOn(run.target));
  // The indexes that serve reads, built now in one pass each; the deferred work may query them too.
  await step(runner, async () => {
    for (const collection of run.collections) await readStore.ensureIndexes(shadowCollection(collection.name), collection.indexes ?? []);
  });
  // Derived work the pages deferred (a month's report) is done on the shadow copy before the
  // swap, outside the lock for the bulk of it, so the copy swapped in is complete.
  await step(runner, () => runner.deferredWorkOn(run.target));

  await runner.lock.run(async () => {
    run.report('catching-up');
    await run.replayAlone('catching-up');
    await step(runner, () => runner.deferredWorkOn(run.target));
    run.report('swapping');
    await step(runner, async () => {
      await readStore.saveCheckpoint(swapMarkerName(runner.projection.name), { position: run.position, version: run.version });
      await finishSwap(runner, readStore);
    });
  });
  // Empty already (the last batch's afterBatch ran); what it would hold is now live.
  run.memoryJournal?.entries.clear();
  run.report('done');
  return { projection: runner.projection.name, position: run.position, eventsProcessed: run.eventsProcessed, durationMs: elapsed() - startedAt };
}

/** One projection's shadow copy during a rebuild: its checkpoint, position and progress. */
class ShadowRun<E extends ProjectableEvent> {
  readonly runner: ProjectionRunner<E>;
  /** What this copy replays: the runner's projection, or one part of it. */
  readonly projection: Projection<E>;
  readonly part: ReplayPart | undefined;
  readonly version: number;
  readonly collections: readonly CollectionSpec[];
  readonly target: ProjectionTarget;
  readonly memoryJournal: MemoryJournal | null;
  private readonly checkpointName: string;
  position = 0;
  startPosition = 0;
  targetPosition = 0;
  eventsProcessed = 0;
  resumed = false;
  private stoppedOn: PoisonEvent | null = null;
  private phase: RebuildPhase = 'replaying';
  /** The shared replay's documents between pages, when the projection can be replayed that way. */
  private workingSet: ReplayWorkingSet<E> | null = null;
  /** afterBatch was left out of the replay: afterReplay owes its result before the catch-up. */
  readonly replayedWithoutAfterBatch: boolean;

  constructor(
    member: RebuildMember<E>,
    private readonly dependencies: RebuildDependencies<E>,
    private readonly options: RebuildOptions,
    private readonly startedAt: number,
  ) {
    this.runner = member.runner;
    this.part = member.part;
    const whole = member.runner.projection;
    const projection = member.part === undefined ? whole : partProjection(whole, member.part);
    this.projection = projection;
    this.version = versionOf(projection);
    this.collections = collectionsOf(projection);
    this.checkpointName = member.part === undefined ? rebuildCheckpointName(whole.name) : partCheckpointName(whole.name, member.part.name);
    this.memoryJournal = member.journal instanceof MemoryJournal ? member.journal : null;
    this.target = {
      physical: shadowCollection,
      checkpointName: this.checkpointName,
      journal: this.memoryJournal ?? journalName(this.checkpointName),
      freezeEvolved: dependencies.freezeEvolved ?? 'deep',
    };
    this.replayedWithoutAfterBatch = projection.afterBatch !== undefined && projection.afterReplay !== undefined;
  }

  /** Step 1: resume the shadow copy of the same version, or start it empty, with its projecting indexes. */
  async prepare(): Promise<void> {
    if (this.part !== undefined) return this.resumePart();
    const { readStore } = this.dependencies;
    await step(this.runner, async () => {
      await finishSwap(this.runner, readStore);
      const saved = await readStore.getCheckpoint(this.checkpointName);
      this.resumed = saved !== null && saved.version === this.version;
      if (saved !== null && this.resumed) {
        this.position = saved.position;
      } else {
        await emptyShadowCopies(this.runner.projection, readStore, this.memoryJournal);
        await readStore.saveCheckpoint(this.checkpointName, { position: 0, version: this.version });
        this.position = 0;
      }
      // Creates the shadows even when nothing will be written to them, so each swap replaces. A
      // replay through the working set queries no index (afterBatch waits for afterReplay): its
      // projecting indexes are built after it, in one pass, rather than kept up at every write.
      for (const collection of this.collections) {
        await readStore.ensureIndexes(shadowCollection(collection.name), this.replaysInWorkingSet ? [] : projectingIndexes(collection));
      }
    });
    this.startPosition = this.position;
    this.openWorkingSet();
  }

  /** A part's copy goes on from the checkpoint prepareParts gave it; its shadows exist already. */
  private async resumePart(): Promise<void> {
    const part = this.part as ReplayPart;
    let saved: Checkpoint | null = null;
    await step(this.runner, async () => {
      saved = await this.dependencies.readStore.getCheckpoint(this.checkpointName);
    });
    const checkpoint = saved as Checkpoint | null;
    // Not retried: no attempt would find one.
    if (checkpoint === null || checkpoint.version !== this.version) {
      throw new Error(`The part ${part.name} of ${this.runner.projection.name} has no checkpoint of version ${this.version}: prepare the parts first`);
    }
    this.position = checkpoint.position;
    this.resumed = checkpoint.position > 0;
    this.startPosition = this.position;
    this.openWorkingSet();
  }

  /** Whether the replay goes through a working set (see ReplayWorkingSet) rather than batch by batch. */
  get replaysInWorkingSet(): boolean {
    const { projection } = this;
    return projection.afterBatch === undefined || projection.afterReplay !== undefined;
  }

  /** Replays through a working set from the copy's position, when the projection can be replayed that way. */
  openWorkingSet(): void {
    if (this.replaysInWorkingSet) {
      const { readStore, decodeEvent, workingSetLimits } = this.dependencies;
      this.workingSet = new ReplayWorkingSet(this.projection, readStore, this.target, decodeEvent, this.position, workingSetLimits);
    }
  }

  /**
   * The events of a page this copy has not reached: into the working set, or as one batch. On a
   * poison event it either waits, retrying until the event is parked, or says it is 'standing'
   * there, with everything before it stored.
   */
  async apply(page: readonly RecordedEvent[], caughtUp: boolean, options: { waitOnPoison: boolean }): Promise<'applied' | 'standing'> {
    const ahead = page.filter((event) => event.position > this.position);
    if (ahead.length === 0) return 'applied';
    let standing = false;
    await step(this.runner, async () => {
      try {
        await (this.workingSet === null ? this.applyBatch(ahead, caughtUp) : this.applyToWorkingSet(ahead));
      } catch (error) {
        if (options.waitOnPoison || !(error instanceof PoisonEventError)) throw error;
        standing = true;
      }
    });
    this.eventsProcessed += this.handledIn(ahead.filter((event) => event.position <= this.position));
    return standing ? 'standing' : 'applied';
  }

  /**
   * Moves the copy to `position` without events: the log holds none of its types between its
   * position and there (the replay read by type and found no more up to it).
   */
  passTo(position: number): void {
    if (this.workingSet === null || position <= this.position) return;
    this.workingSet.passTo(position);
    this.position = position;
  }

  /** Events of a page that the projection handles: what its progress counts. */
  private handledIn(events: readonly RecordedEvent[]): number {
    const { handled } = shapeOf(this.projection);
    let count = 0;
    for (const event of events) if (handled.has(event.type)) count += 1;
    return count;
  }

  /** Ends the shared replay: what the working set holds is stored; the catch-up goes batch by batch. */
  async storeReplay(): Promise<void> {
    const workingSet = this.workingSet;
    if (workingSet === null) return;
    await step(this.runner, () => workingSet.commit());
    this.workingSet = null;
  }

  /** Pages read for this copy alone until the log has nothing after its position. */
  async replayAlone(phase: RebuildPhase): Promise<void> {
    const { eventStore, batchSize } = this.dependencies;
    for (;;) {
      let page: RecordedEvent[] = [];
      await step(this.runner, async () => {
        page = await eventStore.readAll({ fromPosition: this.position, maxCount: batchSize });
        if (page.length > 0) await this.applyBatch(page, await atEnd(eventStore, page, batchSize));
      });
      if (page.length === 0) return;
      this.eventsProcessed += this.handledIn(page);
      this.report(phase);
      await yieldToEventLoop();
    }
  }

  private async applyBatch(events: readonly RecordedEvent[], caughtUp: boolean): Promise<void> {
    const { projection } = this.runner;
    const { readStore, decodeEvent, parking } = this.dependencies;
    // The same decisions the live run goes by (see parking-source.ts), read again for every
    // page so that a rebuild standing on a poison event goes on once it is parked.
    const parked = new Set((await parking.parked(projection.name)).keys());
    try {
      const outcome = await applyBatch(projection, events, readStore, this.target, decodeEvent, { info: { caughtUp }, parked });
      this.position = outcome.position;
      if (this.stoppedOn !== null) {
        this.stoppedOn = null;
        this.report(this.phase);
      }
    } catch (error) {
      if (error instanceof PoisonEventError) {
        if (error.appliedThrough !== null) this.position = error.appliedThrough;
        this.standOn(error.event);
      }
      throw error;
    }
  }

  private async applyToWorkingSet(events: readonly RecordedEvent[]): Promise<void> {
    const workingSet = this.workingSet as ReplayWorkingSet<E>;
    const parked = new Set((await this.dependencies.parking.parked(this.runner.projection.name)).keys());
    try {
      await workingSet.apply(events, parked);
      this.position = workingSet.position;
      if (this.stoppedOn !== null) {
        this.stoppedOn = null;
        this.report(this.phase);
      }
    } catch (error) {
      this.position = workingSet.position;
      if (error instanceof PoisonEventError) this.standOn(error.event);
      throw error;
    }
  }

  /** Says once, not at every retry, which event the copy stands on. */
  private standOn(event: PoisonEvent): void {
    if (this.stoppedOn?.position === event.position) return;
    this.stoppedOn = event;
    this.report(this.phase);
  }

  report(phase: RebuildPhase): void {
    this.phase = phase;
    const seconds = (this.dependencies.elapsed() - this.startedAt) / 1000;
    const positionRate = seconds > 0 ? (this.position - this.startPosition) / seconds : 0;
    const targetPosition = Math.max(this.targetPosition, this.position);
    this.options.onProgress?.({
      projection: this.runner.projection.name,
      ...(this.part === undefined ? {} : { part: this.part.name }),
      phase,
      position: this.position,
      targetPosition,
      eventsProcessed: this.eventsProcessed,
      eventsPerSecond: seconds > 0 ? this.eventsProcessed / seconds : 0,
      etaSeconds: positionRate > 0 ? Math.max(0, targetPosition - this.position) / positionRate : null,
      resumed: this.resumed,
      stoppedOn: this.stoppedOn,
    });
  }
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
  await deletePartCheckpoints(projection.name, readStore);
  await readStore.saveCheckpoint(projection.name, marker);
  await readStore.deleteCheckpoint(rebuildCheckpointName(projection.name));
  await readStore.deleteCheckpoint(swapMarkerName(projection.name));
  runner.advanceTo(marker.position);
  return true;
}

/** A rebuild starting afresh: no shadow document, journal entry or part checkpoint of an earlier one. */
export async function emptyShadowCopies(projection: Projection<ProjectableEvent>, readStore: ReadStore, memoryJournal: MemoryJournal | null): Promise<void> {
  for (const collection of collectionsOf(projection)) await readStore.drop(shadowCollection(collection.name));
  // A part replays without afterBatch (partProjection), so it keeps no journal of its own.
  await readStore.drop(journalName(rebuildCheckpointName(projection.name)));
  memoryJournal?.entries.clear();
  await deletePartCheckpoints(projection.name, readStore);
}

/** The indexes a projection queries while it applies events (afterBatch). */
function projectingIndexes(collection: CollectionSpec): NonNullable<CollectionSpec['indexes']> {
  return (collection.indexes ?? []).filter((index) => index.whileProjecting === true);
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

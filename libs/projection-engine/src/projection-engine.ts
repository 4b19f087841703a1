import { IllegalStateError, NotFoundError } from '@qms/domain-kernel';
import type { EventStore, RecordedEvent } from '@qms/event-store';
import type { ReadStore } from '@qms/read-store';
import { MemoryJournal } from './apply-batch';
import type { ProjectionsHost } from './hosting/projections-host';
import { DEFAULT_RETRY, type RetryPolicy } from './backoff';
import { collectionsOf, versionOf, type ProjectableEvent, type Projection } from './projection';
import { DEFAULT_LAG_COUNT_LIMIT, lagBehindHead, notMeasured } from './lag';
import { ProjectionRunner, type ProjectionState, type RunnerFailure } from './projection-runner';
import type { ParkedEvent } from './parking/parking.decider';
import { parkingFromLog, type ParkingSource } from './parking/parking-source';
import { type PoisonEvent, PoisonEventError } from './poison-event';
import { assertReplayParts, joinParts, parsePartKey, prepareParts, progressKey, replayPartOf, type PreparedParts } from './rebuild-parts';
import {
  emptyShadowCopies,
  finishSwap,
  journalName,
  rebuildCheckpointName,
  rebuildProjections,
  RebuildInterruptedError,
  type RebuildOptions,
  type RebuildProgress,
  type RebuildResult,
} from './rebuild';
import type { WorkingSetLimits } from './replay-working-set';

/**
 * Documents one live commit touches at most. A complaint's document holds its actions and grows
 * with them; at 500 documents of tens of kilobytes each a batch of one projection holds tens of
 * megabytes (loaded, evolved, serialised), and a lagging projections thread runs several at once.
 */
export const DEFAULT_MAX_BATCH_DOCUMENTS = 500;

export interface ProjectionEngineOptions<E extends ProjectableEvent> {
  readonly eventStore: EventStore;
  readonly readStore: ReadStore;
  readonly projections: readonly Projection<E>[];
  /** Recorded event → the current shape of the domain event (the app's upcasters run here). */
  readonly decodeEvent: (recorded: RecordedEvent) => E;
  /**
   * The metadata keys decodeEvent reads (projections see no metadata): a rebuild reads only these
   * of each event's metadata (ReadAllOptions.metadataKeys). Omitted: all of it.
   */
  readonly decodeMetadataKeys?: readonly string[];
  /** Events per batch (one subscription page). Default 500. */
  readonly batchSize?: number;
  /**
   * Events per page of a rebuild. A larger page writes each hot document (an open complaint, a
   * month's delivery figures, a survey period) once for many events instead of once per 500.
   * Default 5,000; `batchSize` when only that is given (a caller who sized the pages keeps them).
   */
  readonly rebuildBatchSize?: number;
  /**
   * Where a batch keeps the before-images afterBatch needs until it has run (see apply-batch.ts):
   * 'store' (default) in a collection of the read store, which survives a crash of the process;
   * 'memory' in this engine, only for a read store that lives and dies with it (the in-process
   * store, rebuilt at every start), where it saves two bulk writes per batch.
   */
  readonly journal?: 'store' | 'memory';
  /**
   * How evolved documents are frozen within a batch: 'deep' (default), or 'shallow' (top level
   * only) for a read store that deep-freezes every document written to it, as the in-process
   * store does; evolve's arguments stay unchangeable where it matters, without walking every
   * new document twice.
   */
  readonly freezeEvolved?: 'deep' | 'shallow';
  /**
   * How much of a rebuild's replay is held in memory between commits of its checkpoint
   * (DEFAULT_WORKING_SET_LIMITS): what an interrupted rebuild replays again when it resumes.
   */
  readonly rebuildWorkingSet?: WorkingSetLimits;
  readonly retry?: Partial<RetryPolicy>;
  /**
   * When a projection's stored version differs from its code, rebuild it at start (the old copy
   * keeps serving meanwhile). Default true; false leaves it stopped until `rebuild` is called.
   */
  readonly rebuildOnVersionChange?: boolean;
  /**
   * Events in the log from which a projection that has no read model yet is built by a rebuild
   * (DEFAULT_FIRST_BUILD_BY_REBUILD_FROM) rather than by following the log batch by batch: a
   * history imported or restored without its read models. A rebuild holds the documents of a
   * stretch of the log in memory and leaves derived work (a month's report) to one pass at its
   * end; following the log stores every batch and redoes that work as it goes.
   */
  readonly firstBuildByRebuildFrom?: number;
  /**
   * Most distinct documents one commit of a live batch touches (DEFAULT_MAX_BATCH_DOCUMENTS): a
   * page of events naming more is applied in several commits. A batch's memory follows its
   * documents, which grow with a complaint's actions, not its events.
   */
  readonly maxBatchDocuments?: number;
  /** Most events counted for the lag figure; beyond it the lag shows as at least this. Default 10,000. */
  readonly lagCountLimit?: number;
  /**
   * Which events an admin parked for each projection. Default: the parking streams of
   * `eventStore` (parking/parking-source.ts). A replay of part of the log still reads the
   * decisions of the whole log: pass the full log's here.
   */
  readonly parking?: ParkingSource;
  readonly now?: () => Date;
  readonly elapsed?: () => number;
  readonly logger?: { warn(message: string): void; log(message: string): void };
}

export interface ProjectionStatus {
  readonly name: string;
  readonly version: number;
  readonly state: ProjectionState;
  /** Position of the last event whose effects are written. */
  readonly position: number;
  /** Last position in the event store; null when it cannot be reached. */
  readonly headPosition: number | null;
  /** Events not yet applied (at most lagCountLimit, see lagCountCapped); null when unknown. */
  readonly lagEvents: number | null;
  readonly lagCountCapped: boolean;
  /** Age of the oldest event not yet applied (0 when caught up); null when unknown. */
  readonly lagSeconds: number | null;
  readonly lastFailure: RunnerFailure | null;
  /** The event the projection stands on because its code cannot apply it (state 'stopped'); null otherwise. */
  readonly stoppedOn: PoisonEvent | null;
  /**
   * Events an admin parked for this projection: its read model lacks them, so a figure built
   * from it may be incomplete.
   */
  readonly parkedEvents: readonly ParkedEvent[];
  readonly rebuild: RebuildProgress | null;
}

/**
 * The poison event that holds the projection, the one an admin may park: the live copy's, or else
 * its rebuild's (a first build the live copy waits for, or a rebuild after a code change).
 */
export function poisonHolding(status: Pick<ProjectionStatus, 'stoppedOn' | 'rebuild'>): PoisonEvent | null {
  return status.stoppedOn ?? status.rebuild?.stoppedOn ?? null;
}

/**
 * The event that holds the read model back: the one its live copy is stopped on, or the one the
 * rebuild it waits for (state 'rebuilding': a first build, a build after a code change) stands
 * on. Null while the read model follows the log, a rebuild beside it included.
 */
export function eventHoldingReadModel<P extends { readonly position: number }>(status: {
  readonly state: string;
  readonly stoppedOn?: P | null;
  readonly rebuild?: { readonly stoppedOn: P | null } | null;
}): P | null {
  if (status.stoppedOn !== undefined && status.stoppedOn !== null) return status.stoppedOn;
  return status.state === 'rebuilding' ? (status.rebuild?.stoppedOn ?? null) : null;
}

export const DEFAULT_REBUILD_BATCH_SIZE = 5_000;
/** See ProjectionEngineOptions.firstBuildByRebuildFrom: below it a first build takes seconds either way. */
const DEFAULT_FIRST_BUILD_BY_REBUILD_FROM = 10_000;

/**
 * Keeps every projection's read model current: one runner per projection following the global
 * log from its own checkpoint, rebuilds into shadow copies swapped in without downtime, and the
 * figures /health and the metrics need. Needs no transactions or change streams from the read
 * store: see apply-batch.ts for why a crash anywhere is harmless.
 */
export class ProjectionEngine<E extends ProjectableEvent = ProjectableEvent> implements ProjectionsHost {
  private readonly runners = new Map<string, ProjectionRunner<E>>();
  private readonly rebuilds = new Map<string, Promise<RebuildResult>>();
  private readonly progress = new Map<string, RebuildProgress>();
  private readonly rebuildWatchers = new Set<() => void>();
  private readonly batchSize: number;
  private readonly rebuildBatchSize: number;
  /** With `journal: 'memory'`: each projection's rebuild journal, kept for a rebuild resumed by this engine. */
  private readonly rebuildJournals = new Map<string, MemoryJournal>();
  private readonly now: () => Date;
  private readonly elapsed: () => number;
  private readonly parking: ParkingSource;
  /** See logReachesFirstBuildSize. */
  private firstBuildSizeReached: Promise<boolean> | undefined;
  readonly runsProjections = true;

  constructor(private readonly options: ProjectionEngineOptions<E>) {
    this.batchSize = options.batchSize ?? 500;
    this.rebuildBatchSize = options.rebuildBatchSize ?? options.batchSize ?? DEFAULT_REBUILD_BATCH_SIZE;
    for (const [name, size] of [['batchSize', this.batchSize], ['rebuildBatchSize', this.rebuildBatchSize]] as const) {
      if (!Number.isSafeInteger(size) || size < 1) throw new Error(`${name} must be a positive integer, not ${size}`);
    }
    this.now = options.now ?? (() => new Date());
    this.elapsed = options.elapsed ?? (() => performance.now());
    const retry: RetryPolicy = { ...DEFAULT_RETRY, ...options.retry };
    this.parking = options.parking ?? parkingFromLog(options.eventStore);
    for (const projection of options.projections) {
      if (this.runners.has(projection.name)) throw new Error(`Two projections are named ${projection.name}`);
      assertReplayParts(projection);
      const runner = new ProjectionRunner<E>(
        projection,
        {
          eventStore: options.eventStore,
          readStore: options.readStore,
          decodeEvent: options.decodeEvent,
          batchSize: this.batchSize,
          maxBatchDocuments: options.maxBatchDocuments ?? DEFAULT_MAX_BATCH_DOCUMENTS,
          retry,
          parking: this.parking,
          // Once per back-off step: the waits double up to retry.maxDelayMs, and so do the lines.
          onError: (name, error, failures, retryInMs) =>
            options.logger?.warn(
              error instanceof PoisonEventError
                ? `Projection ${name} stopped: ${error.message}. The other projections go on; fix the code or park the event ` +
                    `(POST /admin/projections/${name}/parked-events). Trying again in ${Math.round(retryInMs / 100) / 10} s (attempt ${failures}).`
                : `Projection ${name} failed (attempt ${failures}), retrying in ${Math.round(retryInMs / 100) / 10} s: ${error instanceof Error ? error.message : String(error)}`,
            ),
        },
        {
          physical: (collection) => collection,
          checkpointName: projection.name,
          journal: options.journal === 'memory' ? new MemoryJournal() : journalName(projection.name),
          freezeEvolved: options.freezeEvolved ?? 'deep',
        },
      );
      this.runners.set(projection.name, runner);
    }
  }

  /** Starts every runner and returns at once: a read store that is down delays them, not the app. */
  start(): void {
    for (const runner of this.runners.values()) runner.start(() => this.prepare(runner));
  }

  async stop(): Promise<void> {
    await Promise.all([...this.runners.values()].map((runner) => runner.stop()));
    await Promise.allSettled([...this.rebuilds.values()]);
  }

  /**
   * Rebuilds a projection from the first event into shadow collections while the live copy keeps
   * serving, then swaps them in. Resumes an interrupted rebuild of the same version.
   */
  rebuild(name: string, options: RebuildOptions = {}): Promise<RebuildResult> {
    return this.rebuildTogether([name], options).then(([result]) => result as RebuildResult);
  }

  /**
   * Rebuilds several projections (all by default) in one pass over the log, each into its own
   * shadow copies, then swaps each in (see rebuildProjections): one read of the history instead
   * of one per projection.
   */
  rebuildTogether(names: readonly string[] = this.projectionNames, options: RebuildOptions = {}): Promise<RebuildResult[]> {
    const unknown = names.find((name) => !this.runners.has(parsePartKey(name).projection));
    if (unknown !== undefined) return Promise.reject(new NotFoundError(`No projection named ${unknown}`));
    const running = names.find((name) => this.rebuilds.has(name));
    if (running !== undefined) return Promise.reject(new IllegalStateError(`A rebuild of ${running} is already running`));
    const unique = [...new Set(names)];
    let members;
    try {
      members = unique.map((name) => {
        const { projection, part } = parsePartKey(name);
        const runner = this.runner(projection);
        return {
          runner,
          journal: this.options.journal === 'memory' ? this.rebuildJournalOf(projection) : ('store' as const),
          ...(part === null ? {} : { part: replayPartOf(runner.projection, part) }),
        };
      });
    } catch (error) {
      return Promise.reject(new NotFoundError(error instanceof Error ? error.message : String(error)));
    }
    const together = rebuildProjections(
      members,
      {
        eventStore: this.options.eventStore,
        readStore: this.options.readStore,
        decodeEvent: this.options.decodeEvent,
        ...(this.options.decodeMetadataKeys === undefined ? {} : { metadataKeys: this.options.decodeMetadataKeys }),
        batchSize: this.rebuildBatchSize,
        elapsed: this.elapsed,
        freezeEvolved: this.options.freezeEvolved ?? 'deep',
        parking: this.parking,
        ...(this.options.rebuildWorkingSet === undefined ? {} : { workingSetLimits: this.options.rebuildWorkingSet }),
      },
      {
        onProgress: (progress) => {
          this.progress.set(progressKey(progress), progress);
          options.onProgress?.(progress);
          for (const watcher of this.rebuildWatchers) watcher();
        },
      },
    ).finally(() => {
      for (const name of unique) {
        this.rebuilds.delete(name);
        this.progress.delete(name);
      }
      for (const watcher of this.rebuildWatchers) watcher();
    });
    unique.forEach((name, index) => {
      const mine = together.then((results) => results[index] as RebuildResult);
      // Whoever awaits it sees the failure; nobody needs to for it to count as handled.
      mine.catch(() => undefined);
      this.rebuilds.set(name, mine);
    });
    return together;
  }

  /**
   * Step 1 of a rebuild in parts (rebuild-parts.ts): the shadow copies resumed or emptied, and a
   * checkpoint per part. Then `rebuildTogether` of the parts' keys (`<name>:<part>`), in this
   * engine or others, replays each part; `joinRebuildParts` and a `rebuild` of the whole finish it.
   */
  async prepareRebuildParts(name: string): Promise<PreparedParts> {
    const runner = this.runner(name);
    if (this.rebuilds.has(name)) throw new IllegalStateError(`A rebuild of ${name} is already running`);
    await finishSwap(runner, this.options.readStore);
    const journal = this.options.journal === 'memory' ? this.rebuildJournalOf(name) : null;
    return prepareParts(runner.projection, this.options.readStore, rebuildCheckpointName(name), () => emptyShadowCopies(runner.projection, this.options.readStore, journal));
  }

  /** Step 3 of a rebuild in parts: its checkpoint where the lowest part stands, from which `rebuild` resumes. */
  joinRebuildParts(name: string): Promise<number> {
    return joinParts(this.runner(name).projection, this.options.readStore, rebuildCheckpointName(name));
  }

  /**
   * Read-your-writes: resolves true once every named projection (all by default) has applied the
   * log up to `position`, false when `timeoutMs` passes first.
   */
  waitForPosition(position: number, timeoutMs: number, names?: readonly string[]): Promise<boolean> {
    const unknown = names?.find((name) => !this.runners.has(name));
    if (unknown !== undefined) return Promise.reject(new NotFoundError(`No projection named ${unknown}`));
    const runners = (names ?? [...this.runners.keys()]).map((name) => this.runner(name));
    const reached = (): boolean => runners.every((runner) => runner.position >= position);
    if (reached()) return Promise.resolve(true);
    return new Promise((resolve) => {
      const unsubscribes = runners.map((runner) => runner.onProgress(() => reached() && finish(true)));
      const timer = setTimeout(() => finish(false), timeoutMs);
      function finish(result: boolean): void {
        clearTimeout(timer);
        for (const unsubscribe of unsubscribes) unsubscribe();
        resolve(result);
      }
    });
  }

  /** Calls `listener` whenever a projection's position moves; returns the unsubscribe. */
  watchProgress(listener: (name: string, position: number) => void): () => void {
    const unsubscribes = [...this.runners.values()].map((runner) => runner.onProgress(() => listener(runner.projection.name, runner.position)));
    return () => {
      for (const unsubscribe of unsubscribes) unsubscribe();
    };
  }

  /** Calls `listener` whenever a rebuild reports progress or ends; returns the unsubscribe. */
  watchRebuilds(listener: () => void): () => void {
    this.rebuildWatchers.add(listener);
    return () => this.rebuildWatchers.delete(listener);
  }

  /**
   * Runs the projection's deferred work (a month's report) now, under its runner's lock, so the
   * live copy is what a rebuild to the same position gives: before comparing the two.
   */
  async settleDeferredWork(name: string): Promise<void> {
    const runner = this.runner(name);
    await runner.lock.run(() => runner.deferredWorkOn(runner.live));
  }

  /**
   * A parking decision was recorded for `name`: read the decisions again and try the event it
   * stands on now instead of at the end of the current back-off.
   */
  async parkingChanged(name: string): Promise<void> {
    const runner = this.runner(name);
    await runner.refreshParking();
    runner.retryNow();
  }

  /** Where the projection stands: position, state and the poison event it is stopped on, if any. */
  standing(name: string): { readonly position: number; readonly state: ProjectionState; readonly stoppedOn: PoisonEvent | null } {
    const runner = this.runner(name);
    return { position: runner.position, state: runner.state, stoppedOn: runner.stoppedOn };
  }

  /** The events parked for the projection as its runner last read them. */
  parkedEvents(name: string): readonly ParkedEvent[] {
    return [...this.runner(name).parked.values()].sort((a, b) => a.position - b.position);
  }

  /** Position up to which the projection has applied the log; cheap enough for every read. */
  positionOf(name: string): number {
    return this.runner(name).position;
  }

  /**
   * Every projection's status. `measureLag: false` leaves head and lag unknown (null): for a host
   * that measures them on its own view of the log (the API of the projections thread), which
   * would otherwise have them counted twice every half second.
   */
  async status(options: { readonly measureLag?: boolean } = {}): Promise<ProjectionStatus[]> {
    const lagOf =
      options.measureLag === false
        ? notMeasured
        : await lagBehindHead(this.options.eventStore, this.options.lagCountLimit ?? DEFAULT_LAG_COUNT_LIMIT, this.now());
    return Promise.all(
      [...this.runners.values()].map(
        async (runner): Promise<ProjectionStatus> => ({
          name: runner.projection.name,
          version: versionOf(runner.projection),
          state: runner.state,
          position: runner.position,
          ...(await lagOf(runner.position)),
          lastFailure: runner.lastFailure,
          stoppedOn: runner.stoppedOn,
          parkedEvents: [...runner.parked.values()].sort((a, b) => a.position - b.position),
          rebuild: this.progress.get(runner.projection.name) ?? null,
        }),
      ),
    );
  }

  get projectionNames(): string[] {
    return [...this.runners.keys()];
  }

  /**
   * Before following the log: finish a swap a crash interrupted, create the live indexes, read
   * the checkpoint, and rebuild first when the stored version is not the code's.
   */
  private async prepare(runner: ProjectionRunner<E>): Promise<void> {
    const { readStore } = this.options;
    const { projection } = runner;
    await finishSwap(runner, readStore);
    for (const collection of collectionsOf(projection)) {
      await readStore.ensureIndexes(collection.name, collection.indexes ?? []);
    }
    const checkpoint = await readStore.getCheckpoint(projection.name);
    runner.advanceTo(checkpoint?.position ?? 0);
    await runner.refreshParking();
    const stale = checkpoint !== null && checkpoint.version !== versionOf(projection);
    const unfinished = (await readStore.getCheckpoint(rebuildCheckpointName(projection.name))) !== null;
    const firstBuildFrom = this.options.firstBuildByRebuildFrom ?? DEFAULT_FIRST_BUILD_BY_REBUILD_FROM;
    // A first build cut short is resumed and waited for, not followed from the first event meanwhile.
    const firstBuild = checkpoint === null && (unfinished || (await this.logReachesFirstBuildSize()));
    if (!stale && !unfinished && !firstBuild) return;
    if (stale && this.options.rebuildOnVersionChange === false) {
      throw new IllegalStateError(
        `Projection ${projection.name} was built by version ${checkpoint?.version}, the code is version ${versionOf(projection)}: rebuild it`,
      );
    }
    if (!stale && !firstBuild) {
      // A rebuild was under way when the process stopped: let it finish in the background.
      this.resumeInBackground(projection.name);
      return;
    }
    // A stale live copy (built by the old code) keeps serving until the rebuilt one is swapped in.
    runner.state = 'rebuilding';
    this.options.logger?.log(
      stale
        ? `Projection ${projection.name}: stored version ${checkpoint?.version}, code version ${versionOf(projection)}; rebuilding`
        : unfinished
          ? `Projection ${projection.name}: no read model yet; resuming the rebuild that builds it`
          : `Projection ${projection.name}: no read model yet on a log of ${firstBuildFrom.toLocaleString('en')} events or more; building it by a rebuild`,
    );
    await (this.rebuilds.get(projection.name) ?? this.rebuild(projection.name));
  }

  /**
   * Whether the log holds firstBuildByRebuildFrom events or more (positions are not counts on every
   * store): counted once for every projection this engine prepares, again only after a failed count.
   */
  private logReachesFirstBuildSize(): Promise<boolean> {
    const events = this.options.firstBuildByRebuildFrom ?? DEFAULT_FIRST_BUILD_BY_REBUILD_FROM;
    this.firstBuildSizeReached ??= (async () => {
      if (events <= 0) return true;
      return (await this.options.eventStore.readAll({ fromPosition: 0, maxCount: events })).length >= events;
    })().catch((error: unknown) => {
      this.firstBuildSizeReached = undefined;
      throw error;
    });
    return this.firstBuildSizeReached;
  }

  private resumeInBackground(name: string): void {
    if (this.rebuilds.has(name)) return;
    this.rebuild(name).catch((error: unknown) => {
      if (error instanceof RebuildInterruptedError) return;
      this.options.logger?.warn(
        `Resumed rebuild of ${name} failed: ${error instanceof Error ? error.message : String(error)}`,
      );
    });
  }

  private rebuildJournalOf(name: string): MemoryJournal {
    let journal = this.rebuildJournals.get(name);
    if (journal === undefined) {
      journal = new MemoryJournal();
      this.rebuildJournals.set(name, journal);
    }
    return journal;
  }

  private runner(name: string): ProjectionRunner<E> {
    const runner = this.runners.get(name);
    if (runner === undefined) throw new NotFoundError(`No projection named ${name}`);
    return runner;
  }
}

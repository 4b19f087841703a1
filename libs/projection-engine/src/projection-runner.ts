import type { AllSubscription, EventStore, RecordedEvent } from '@qms/event-store';
import type { ReadStore } from '@qms/read-store';
import { applyBatch, type ProjectionTarget } from './apply-batch';
import { delayAfter, Pause, type RetryPolicy } from './backoff';
import { Mutex } from './mutex';
import { atEnd } from './rebuild';
import { collectionsOf, type ProjectableEvent, type Projection } from './projection';
import { ScopedProjectionStore } from './scoped-store';
import type { ParkedEvent } from './parking/parking.decider';
import type { ParkingSource } from './parking/parking-source';
import { type PoisonEvent, PoisonEventError } from './poison-event';

/** DeferredWork.maxShare's floor: work that may never run again would be a stopped projection. */
const MIN_DEFERRED_SHARE = 0.01;

export type ProjectionState =
  /**
   * Not started; or standing on an event its code cannot apply (`stoppedOn` says which), where it
   * stays until the code is fixed or an admin parks the event, trying again now and then.
   */
  | 'stopped'
  /** Reading its checkpoint, finishing a swap, creating indexes. */
  | 'starting'
  /** Rebuilding before it can follow the log (its stored version is older than the code). */
  | 'rebuilding'
  /** Following the log at its head. */
  | 'running'
  /** Following the log behind its head: the last batch was a full page. */
  | 'catching-up'
  /** The last attempt failed (read store or event store down); retrying until it is back. */
  | 'retrying';

export interface RunnerDependencies<E extends ProjectableEvent> {
  readonly eventStore: EventStore;
  readonly readStore: ReadStore;
  readonly decodeEvent: (recorded: RecordedEvent) => E;
  readonly batchSize: number;
  /** Most distinct documents one commit of a batch touches (ApplyBatchOptions.maxDocuments). */
  readonly maxBatchDocuments: number;
  readonly retry: RetryPolicy;
  readonly parking: ParkingSource;
  /** A failed attempt, and how long the runner waits before the next one: called once per wait. */
  readonly onError: (projection: string, error: unknown, failures: number, retryInMs: number) => void;
}

export interface RunnerFailure {
  readonly message: string;
  readonly at: string;
  readonly failures: number;
}

/**
 * Follows the global log for one projection: subscribes from its checkpoint, applies each batch
 * (retrying the same batch after a failure, with growing pauses), and tells waiters how far it
 * got. The engine pauses it through `lock` to swap in a rebuilt copy.
 */
export class ProjectionRunner<E extends ProjectableEvent> {
  /** Position whose effects are written and checkpointed. */
  position = 0;
  state: ProjectionState = 'stopped';
  lastFailure: RunnerFailure | null = null;
  /** The poison event the projection stands on; null while it can go on. */
  stoppedOn: PoisonEvent | null = null;
  /** The events an admin parked for this projection: gone past without being applied. */
  parked: ReadonlyMap<number, ParkedEvent> = new Map();
  readonly lock = new Mutex();
  private failures = 0;
  private stopping = false;
  private subscription: AllSubscription | undefined;
  private loop: Promise<void> | undefined;
  private readonly pause = new Pause();
  private readonly listeners = new Set<() => void>();
  /** The projection's deferred work: its timer, when the oldest batch it waits for came, the run under way. */
  private deferredTimer: ReturnType<typeof setTimeout> | undefined;
  private deferredSince: number | null = null;
  private deferredFailures = 0;
  private deferredRun: Promise<void> | undefined;
  /** The earliest the next deferred run may start (DeferredWork.maxShare), epoch ms. */
  private deferredPacedUntil = 0;
  private readonly deferredAborts = new Set<AbortController>();

  constructor(
    readonly projection: Projection<E>,
    private readonly dependencies: RunnerDependencies<E>,
    readonly live: ProjectionTarget,
  ) {}

  get running(): boolean {
    return this.loop !== undefined;
  }

  get isStopping(): boolean {
    return this.stopping;
  }

  /** `prepare` (retried until it succeeds) sets the position; then the runner follows the log. */
  start(prepare: () => Promise<void>): void {
    if (this.loop !== undefined) return;
    this.stopping = false;
    this.state = 'starting';
    this.loop = (async () => {
      if (!(await this.retrying(prepare))) return;
      this.state = 'running';
      // Already at the end: no caught-up batch will come to schedule what a previous run left.
      if (this.projection.deferredWork !== undefined && (await this.atHead())) this.scheduleDeferredWork();
      await this.follow();
    })().finally(() => {
      this.state = 'stopped';
      this.loop = undefined;
    });
  }

  async stop(): Promise<void> {
    this.stopping = true;
    this.pause.interrupt();
    clearTimeout(this.deferredTimer);
    this.deferredTimer = undefined;
    this.deferredSince = null;
    for (const abort of this.deferredAborts) abort.abort();
    await this.subscription?.close();
    await this.loop;
    await this.deferredRun;
  }

  /** Whether deferred work is scheduled or running (tests, status). */
  get deferredWorkPending(): boolean {
    return this.deferredTimer !== undefined || this.deferredRun !== undefined;
  }

  /**
   * Schedules the projection's deferred work on the live collections: `settleMs` from now, but no
   * later than `maxDelayMs` after the first call since it last ran. The runner calls it after each
   * caught-up batch; the engine may call it after swapping in a rebuilt copy.
   */
  scheduleDeferredWork(): void {
    const work = this.projection.deferredWork;
    if (work === undefined || this.stopping) return;
    const now = Date.now();
    this.deferredSince ??= now;
    const due = Math.min(now + work.settleMs, this.deferredSince + work.maxDelayMs);
    this.scheduleDeferredRun(due - now);
  }

  private scheduleDeferredRun(delayMs: number): void {
    clearTimeout(this.deferredTimer);
    const delay = Math.max(0, delayMs, this.deferredPacedUntil - Date.now());
    this.deferredTimer = setTimeout(() => this.runDeferredWork(), delay);
  }

  /**
   * Runs the deferred work once on `target`'s collections (a rebuild's shadow copies, say), with
   * no lock and no retry: the caller holds the one and does the other.
   */
  async deferredWorkOn(target: Pick<ProjectionTarget, 'physical'>, signal: AbortSignal = new AbortController().signal): Promise<void> {
    const work = this.projection.deferredWork;
    if (work === undefined) return;
    await work.run(this.storeOf(target), signal);
  }

  /** The projection's afterReplay on a rebuild's copies, after a replay without afterBatch. */
  async afterReplayOn(target: Pick<ProjectionTarget, 'physical'>): Promise<void> {
    await this.projection.afterReplay?.(this.storeOf(target));
  }

  /** Runs `attempt` until it succeeds (true) or the runner stops (false), pausing longer after each failure. */
  async retrying(attempt: () => Promise<void>, live = true): Promise<boolean> {
    for (;;) {
      if (this.stopping) return false;
      try {
        await attempt();
        this.recovered(live);
        return true;
      } catch (error) {
        if (this.stopping) return false;
        await this.pause.wait(this.failed(error, live));
      }
    }
  }

  /** Reads the parking decisions again (at start, and while standing on a poison event). */
  async refreshParking(): Promise<void> {
    this.parked = await this.dependencies.parking.parked(this.projection.name);
  }

  /** Cuts the current back-off short: a decision was just taken that may let the projection go on. */
  retryNow(): void {
    this.pause.interrupt();
  }

  /** Calls `listener` after every move of the position; returns the unsubscribe. */
  onProgress(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  advanceTo(position: number): void {
    this.position = position;
    for (const listener of [...this.listeners]) listener();
  }

  private async follow(): Promise<void> {
    const { eventStore, batchSize } = this.dependencies;
    while (!this.stopping) {
      this.state = this.failures === 0 ? 'running' : this.stoppedOn !== null ? 'stopped' : 'retrying';
      const subscription = eventStore.subscribeToAll({
        fromPosition: this.position,
        maxBatchSize: batchSize,
      });
      this.subscription = subscription;
      try {
        for await (const batch of subscription) {
          if (this.stopping) break;
          if (!(await this.retrying(() => this.apply(batch)))) break;
        }
      } catch (error) {
        // The event store failed: subscribe again from the checkpoint after a pause.
        if (this.stopping) break;
        await this.pause.wait(this.failed(error));
      } finally {
        await subscription.close();
        this.subscription = undefined;
      }
    }
  }

  private apply(batch: readonly RecordedEvent[]): Promise<void> {
    return this.lock.run(async () => {
      // Re-read the position under the lock: a swap may have moved it past part of the batch.
      const fresh = batch.filter((event) => event.position > this.position);
      const caughtUp = await atEnd(this.dependencies.eventStore, batch, this.dependencies.batchSize);
      if (fresh.length === 0) {
        // A rebuild's swap took the copy past the pages still being delivered: once the last of
        // them arrives, the copy is as current as a batch of its own would have left it. Past an
        // event it stood on or a batch it failed, too: the swap may come before the retry.
        if (caughtUp) this.state = 'running';
        else if (this.state === 'stopped' || this.state === 'retrying') this.state = 'catching-up';
        return;
      }
      const { readStore, decodeEvent } = this.dependencies;
      // Standing on a poison event: an admin may have parked it since the last attempt.
      if (this.stoppedOn !== null) await this.refreshParking();
      const parked = new Set(this.parked.keys());
      try {
        // A page that names more documents than one commit may hold goes in several commits.
        for (let rest = fresh; rest.length > 0; ) {
          const outcome = await applyBatch(this.projection, rest, readStore, this.live, decodeEvent, {
            info: { caughtUp },
            parked,
            maxDocuments: this.dependencies.maxBatchDocuments,
          });
          this.advanceTo(outcome.position);
          const next = rest.findIndex((event) => event.position > outcome.position);
          rest = next === -1 ? [] : rest.slice(next);
        }
      } catch (error) {
        if (error instanceof PoisonEventError && error.appliedThrough !== null) this.advanceTo(error.appliedThrough);
        throw error;
      }
      this.state = caughtUp ? 'running' : 'catching-up';
      if (caughtUp) this.scheduleDeferredWork();
    });
  }

  private runDeferredWork(): void {
    this.deferredTimer = undefined;
    this.deferredSince = null;
    const work = this.projection.deferredWork;
    if (work === undefined || this.stopping) return;
    const abort = new AbortController();
    this.deferredAborts.add(abort);
    let startedAt: number | undefined;
    const run = this.lock
      .run(() => {
        if (abort.signal.aborted) return Promise.resolve();
        startedAt = Date.now();
        return work.run(this.storeOf(this.live), abort.signal);
      })
      .finally(() => {
        if (startedAt === undefined) return;
        const endedAt = Date.now();
        const share = Math.min(1, Math.max(MIN_DEFERRED_SHARE, work.maxShare ?? 1));
        this.deferredPacedUntil = endedAt + (endedAt - startedAt) * (1 / share - 1);
      })
      .then(
        () => {
          this.deferredFailures = 0;
        },
        (error: unknown) => {
          if (this.stopping) return;
          this.deferredFailures++;
          this.lastFailure = {
            message: error instanceof Error ? error.message : String(error),
            at: new Date().toISOString(),
            failures: this.deferredFailures,
          };
          const delay = delayAfter(this.deferredFailures, this.dependencies.retry);
          this.dependencies.onError(this.projection.name, error, this.deferredFailures, delay);
          // Retried like a batch; a caught-up batch meanwhile reschedules it sooner.
          this.scheduleDeferredRun(delay);
        },
      )
      .finally(() => {
        if (this.deferredRun === run) this.deferredRun = undefined;
        this.deferredAborts.delete(abort);
      });
    this.deferredRun = run;
  }

  private storeOf(target: Pick<ProjectionTarget, 'physical'>): ScopedProjectionStore {
    const collections = collectionsOf(this.projection).map((collection) => collection.name);
    return new ScopedProjectionStore(this.dependencies.readStore, collections, target.physical);
  }

  private async atHead(): Promise<boolean> {
    try {
      return (await this.dependencies.eventStore.headPosition()) <= this.position;
    } catch {
      return false;
    }
  }

  /**
   * Records a failed attempt and returns how long to wait. A poison event stops the projection
   * (its code fails the same way every time); anything else — a store that is down — is retried
   * until it is back, and never taken for poison.
   */
  private failed(error: unknown, live = true): number {
    this.failures++;
    if (!live) {
      // A rebuild's step: the live copy's own standing is its runner's, not the rebuild's. An event
      // the shadow copy cannot apply shows in the rebuild's progress (stoppedOn); a store that
      // fails fails the live copy too.
      if (this.stoppedOn === null && !(error instanceof PoisonEventError)) this.state = 'retrying';
    } else if (error instanceof PoisonEventError) {
      this.state = 'stopped';
      this.stoppedOn = error.event;
    } else {
      this.state = 'retrying';
    }
    this.lastFailure = {
      message: error instanceof Error ? error.message : String(error),
      at: new Date().toISOString(),
      failures: this.failures,
    };
    const delay = delayAfter(this.failures, this.dependencies.retry);
    this.dependencies.onError(this.projection.name, error, this.failures, delay);
    return delay;
  }

  private recovered(live: boolean): void {
    this.failures = 0;
    if (live) this.stoppedOn = null;
  }
}

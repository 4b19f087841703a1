import type { AllSubscription, EventStore, RecordedEvent } from '@qms/event-store';
import type { ReadStore } from '@qms/read-store';
import { applyBatch, type ProjectionTarget } from './apply-batch';
import { delayAfter, Pause, type RetryPolicy } from './backoff';
import { Mutex } from './mutex';
import { atEnd } from './rebuild';
import { collectionsOf, type ProjectableEvent, type Projection } from './projection';
import { ScopedProjectionStore } from './scoped-store';

export type ProjectionState =
  /** Not started, or stopped. */
  | 'stopped'
  /** Reading its checkpoint, finishing a swap, creating indexes. */
  | 'starting'
  /** Rebuilding before it can follow the log (its stored version is older than the code). */
  | 'rebuilding'
  | 'running'
  /** The last attempt failed (read store or event store down, or a projection bug); retrying. */
  | 'retrying';

export interface RunnerDependencies<E extends ProjectableEvent> {
  readonly eventStore: EventStore;
  readonly readStore: ReadStore;
  readonly decodeEvent: (recorded: RecordedEvent) => E;
  readonly batchSize: number;
  readonly retry: RetryPolicy;
  readonly onError: (projection: string, error: unknown, failures: number) => void;
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
    const delay = Math.max(0, Math.min(work.settleMs, this.deferredSince + work.maxDelayMs - now));
    clearTimeout(this.deferredTimer);
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

  /** Runs `attempt` until it succeeds (true) or the runner stops (false), pausing longer after each failure. */
  async retrying(attempt: () => Promise<void>): Promise<boolean> {
    for (;;) {
      if (this.stopping) return false;
      try {
        await attempt();
        this.recovered();
        return true;
      } catch (error) {
        if (this.stopping) return false;
        this.failed(error);
        await this.pause.wait(delayAfter(this.failures, this.dependencies.retry));
      }
    }
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
      this.state = this.failures > 0 ? 'retrying' : 'running';
      const subscription = eventStore.subscribeToAll({
        fromPosition: this.position,
        maxBatchSize: batchSize,
      });
      this.subscription = subscription;
      try {
        for await (const batch of subscription) {
          if (this.stopping) break;
          if (!(await this.retrying(() => this.apply(batch)))) break;
          this.state = 'running';
        }
      } catch (error) {
        // The event store failed: subscribe again from the checkpoint after a pause.
        if (this.stopping) break;
        this.failed(error);
        await this.pause.wait(delayAfter(this.failures, this.dependencies.retry));
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
      if (fresh.length === 0) return;
      const { readStore, decodeEvent } = this.dependencies;
      const caughtUp = await atEnd(this.dependencies.eventStore, batch, this.dependencies.batchSize);
      const outcome = await applyBatch(this.projection, fresh, readStore, this.live, decodeEvent, { caughtUp });
      this.advanceTo(outcome.position);
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
    const run = this.lock
      .run(() => (abort.signal.aborted ? Promise.resolve() : work.run(this.storeOf(this.live), abort.signal)))
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
          this.dependencies.onError(this.projection.name, error, this.deferredFailures);
          // Retried like a batch; a caught-up batch meanwhile reschedules it sooner.
          clearTimeout(this.deferredTimer);
          this.deferredTimer = setTimeout(() => this.runDeferredWork(), delayAfter(this.deferredFailures, this.dependencies.retry));
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

  private failed(error: unknown): void {
    this.failures++;
    this.state = 'retrying';
    this.lastFailure = {
      message: error instanceof Error ? error.message : String(error),
      at: new Date().toISOString(),
      failures: this.failures,
    };
    this.dependencies.onError(this.projection.name, error, this.failures);
  }

  private recovered(): void {
    this.failures = 0;
  }
}

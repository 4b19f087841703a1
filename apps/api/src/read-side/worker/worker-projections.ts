import { Worker } from 'node:worker_threads';
import { IllegalStateError, NotFoundError, StoreUnavailableError, ValidationError } from '@qms/domain-kernel';
import { FollowedProjections, type LogView, type ProjectionsHost, type ProjectionStatus, type RebuildResult } from '@qms/projection-engine';
import type { AppConfig } from '../../config/app-config';
import { letThreadsKeepTheirOwnHeapLimits } from '../../infrastructure/thread-heap-limits';
import { threadLaunch } from '../../infrastructure/typescript-bootstrap';
import type { FromProjectionsWorker, ProjectionsWorkerData, ThreadHeap, ToProjectionsWorker, WorkerFailure } from './projections-worker.protocol';

/**
 * The projections thread's young generation, MiB. V8's default (48 MiB on 64-bit) is a third of
 * the thread's whole cap again, resident whenever the thread is busy; its garbage is a batch's
 * decoded events and documents, which a smaller nursery collects as well, only more often.
 */
export const PROJECTIONS_YOUNG_GENERATION_MB = 16;

export interface WorkerProjectionsOptions {
  readonly config: AppConfig;
  readonly projectionNames: readonly string[];
  readonly logger: { log(message: string): void; warn(message: string): void };
  /** The API's own view of the log, for the head and lag a status read answers with. */
  readonly log: LogView;
}

/**
 * The projections of the embedded default, run in a worker thread (projections-worker.ts) so that
 * applying batches, rebuilding and recomputing months never hold up a request. This side keeps
 * what every read needs without a round trip — each projection's position (for the position a
 * read answers with and `?minPosition=`) and its last status — from the thread's messages. A
 * status read never waits for the thread, which answers only between batches: the state comes
 * from its last published status, the head and lag from this side's own reads of the log.
 */
export class WorkerProjections extends FollowedProjections implements ProjectionsHost {
  readonly runsProjections = true;
  private worker: Worker | undefined;
  private statuses: readonly ProjectionStatus[] = [];
  /** The projections thread's heap as it last published it; null before it has. */
  heap: ThreadHeap | null = null;
  private readonly pending = new Map<number, { resolve(value: unknown): void; reject(error: unknown): void }>();
  private nextId = 1;
  private failure: string | null = null;
  private stopped: Promise<void> | undefined;

  constructor(private readonly options: WorkerProjectionsOptions) {
    super(options.projectionNames, options.log);
  }

  start(): void {
    if (this.worker !== undefined) return;
    const how = threadLaunch(__dirname, 'projections-worker', __filename);
    const workerData: ProjectionsWorkerData & Record<string, unknown> = { config: this.options.config, ...how.extra };
    const heapMb = this.options.config.projectionsHeapMb;
    letThreadsKeepTheirOwnHeapLimits();
    const worker = new Worker(how.script, {
      eval: how.eval,
      workerData,
      resourceLimits: { maxOldGenerationSizeMb: heapMb, maxYoungGenerationSizeMb: PROJECTIONS_YOUNG_GENERATION_MB },
    });
    this.worker = worker;
    worker.on('message', (message: FromProjectionsWorker) => this.receive(message));
    worker.on('error', (error: Error & { code?: string }) =>
      this.fail(
        error.code === 'ERR_WORKER_OUT_OF_MEMORY'
          ? `The projections thread ran out of its ${heapMb} MiB heap: raise PROJECTIONS_HEAP_MB and restart (the read models resume from their checkpoints)`
          : `The projections thread failed: ${error.message}`,
      ),
    );
    worker.once('exit', (code) => {
      if (this.stopped === undefined) this.fail(`The projections thread stopped (exit code ${code})`);
    });
  }

  stop(): Promise<void> {
    const worker = this.worker;
    if (worker === undefined) return Promise.resolve();
    this.stopped ??= new Promise<void>((resolve) => {
      worker.once('exit', () => resolve());
      this.post({ type: 'stop' });
    });
    return this.stopped;
  }

  async status(): Promise<ProjectionStatus[]> {
    if (this.failure !== null) return this.withCurrentLag(this.failedStatuses());
    return this.withCurrentLag(this.options.projectionNames.map((name) => this.statusOf(name)));
  }

  /** Answered once the thread has published the status that includes the decision. */
  async parkingChanged(name: string): Promise<void> {
    this.known(name);
    await this.call({ type: 'call', id: 0, method: 'parkingChanged', name });
  }

  async rebuild(name: string): Promise<RebuildResult> {
    this.known(name);
    await this.call({ type: 'call', id: 0, method: 'rebuild', name });
    // Runs on in the thread; GET /admin/projections shows its progress.
    return { projection: name, position: this.positionOf(name), eventsProcessed: 0, durationMs: 0 };
  }

  async settleDeferredWork(name: string): Promise<void> {
    this.known(name);
    await this.call({ type: 'call', id: 0, method: 'settleDeferredWork', name });
  }

  private receive(message: FromProjectionsWorker): void {
    switch (message.type) {
      case 'positions':
        for (const [name, position] of Object.entries(message.positions)) this.positions.set(name, position);
        this.waiters.notify();
        return;
      case 'status':
        this.statuses = message.statuses;
        this.heap = message.heap;
        return;
      case 'reply': {
        const pending = this.pending.get(message.id);
        this.pending.delete(message.id);
        if (message.error !== undefined) pending?.reject(errorOf(message.error));
        else pending?.resolve(message.result);
        return;
      }
      case 'log':
        if (message.level === 'warn') this.options.logger.warn(message.message);
        else this.options.logger.log(message.message);
        return;
      case 'stopped':
        return;
    }
  }

  private call(message: ToProjectionsWorker & { type: 'call' }): Promise<unknown> {
    if (this.failure !== null) return Promise.reject(new StoreUnavailableError(this.failure));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.post({ ...message, id });
    });
  }

  private post(message: ToProjectionsWorker): void {
    this.worker?.postMessage(message);
  }

  private fail(reason: string): void {
    this.failure = reason;
    this.options.logger.warn(`${reason}; the read models no longer follow the log until the API restarts.`);
    for (const pending of this.pending.values()) pending.reject(new StoreUnavailableError(reason));
    this.pending.clear();
  }

  private failedStatuses(): ProjectionStatus[] {
    return this.options.projectionNames.map((name) => ({
      ...this.statusOf(name),
      state: 'stopped' as const,
      lastFailure: { message: this.failure ?? '', at: new Date().toISOString(), failures: 1 },
    }));
  }

  protected statusOf(name: string): ProjectionStatus {
    this.known(name);
    const status = this.statuses.find((candidate) => candidate.name === name);
    const position = this.positions.get(name) ?? 0;
    if (status === undefined) {
      return {
        name,
        version: 0,
        state: 'starting',
        position,
        headPosition: null,
        lagEvents: null,
        lagCountCapped: false,
        lagSeconds: null,
        lastFailure: null,
        stoppedOn: null,
        parkedEvents: [],
        rebuild: null,
      };
    }
    return { ...status, position: Math.max(position, status.position) };
  }
}

/** The thread's error as the class the API maps to HTTP (404, 409, 400, 503), or a plain Error. */
function errorOf(failure: WorkerFailure): Error {
  switch (failure.name) {
    case 'NotFoundError':
      return new NotFoundError(failure.message);
    case 'IllegalStateError':
      return new IllegalStateError(failure.message);
    case 'ValidationError':
      return ValidationError.field('name', failure.message);
    case 'StoreUnavailableError':
      return new StoreUnavailableError(failure.message);
    default:
      return new Error(failure.message);
  }
}

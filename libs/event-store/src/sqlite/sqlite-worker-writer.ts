import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { StoreUnavailableError } from '@qms/domain-kernel';
import { type SqliteWriter, closedError, storageError } from './sqlite-writer';
import {
  type FromWriter,
  LAST_COMMIT_MICROS,
  REQUESTS_POSTED,
  REQUESTS_TAKEN,
  SIGNAL_BYTES,
  WRITER_ASLEEP,
  type SerializedWrite,
  type ToWriter,
  type WriteOutcome,
  type WriterWorkerData,
  decodeOutcomes,
  encodeWrites,
} from './sqlite-writer-protocol';

/*
 * See WorkerSqliteWriter.keepAwake: how long the event loop keeps turning for the thread to take
 * a request, and at most for its commit.
 */
const PICKUP_MS = 0.03;
const AWAKE_MS = 0.5;

interface PendingRequest {
  readonly writeCount: number;
  readonly resolve: (outcomes: WriteOutcome[]) => void;
  readonly reject: (error: unknown) => void;
}

interface Launch {
  readonly script: string;
  readonly eval: boolean;
  readonly extra: Record<string, string>;
}

/**
 * Run from TypeScript sources (Jest, ts-node) the worker has no compiled script: this bootstrap
 * compiles the worker's few files with swc as Node loads them. They import nothing of `@qms/*`,
 * so no path mapping is needed.
 */
const TYPESCRIPT_BOOTSTRAP = `
const { readFileSync } = require('node:fs');
const { workerData } = require('node:worker_threads');
const swc = require(workerData.swc);
require.extensions['.ts'] = (module, filename) => {
  const { code } = swc.transformSync(readFileSync(filename, 'utf8'), {
    filename,
    swcrc: false,
    jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
    module: { type: 'commonjs' },
  });
  module._compile(code, filename);
};
require(workerData.entry);
`;

/** How to start the writer thread from here, or undefined when it cannot be started. */
function launch(): Launch | undefined {
  if (!__filename.endsWith('.ts')) {
    const script = join(__dirname, 'sqlite-writer-worker.js');
    return existsSync(script) ? { script, eval: false, extra: {} } : undefined;
  }
  let swc: string;
  try {
    swc = require.resolve('@swc/core');
  } catch {
    return undefined;
  }
  return {
    script: TYPESCRIPT_BOOTSTRAP,
    eval: true,
    extra: { swc, entry: join(__dirname, 'sqlite-writer-worker.ts') },
  };
}

/**
 * Commits in a worker thread that owns the write connection: the main thread only posts the
 * request and gets the outcome, so it keeps serving during the fsync, and every append requested
 * meanwhile joins the next commit. Reads stay on the main thread's connection: in WAL mode it sees
 * each commit once acknowledged.
 */
export class WorkerSqliteWriter implements SqliteWriter {
  private readonly pending = new Map<number, PendingRequest>();
  private readonly exited: Promise<void>;
  private nextId = 1;
  /** Set once the writer no longer takes appends: closed, or stopped by a failure. */
  private stopped: StoreUnavailableError | undefined;
  private closing: Promise<void> | undefined;
  /** This side's copy of the REQUESTS_POSTED count. */
  private posted = 0;
  private awake = false;
  private awakeUntil = 0;
  private awaitingPickup = false;

  private constructor(
    private readonly worker: Worker,
    private readonly signal: Int32Array,
    private readonly path: string,
    private readonly onCommitted: () => void,
  ) {
    worker.on('message', (message: FromWriter) => this.receive(message));
    worker.on('error', (error) =>
      this.stop(
        new StoreUnavailableError(
          `The event store writer for ${path} crashed: ${error.message.replace(/\s+/g, ' ')}. Appends are refused until the service restarts.`,
        ),
      ),
    );
    worker.on('messageerror', (error) =>
      this.stop(
        new StoreUnavailableError(
          `The event store writer for ${path} sent an unreadable reply: ${error.message}.`,
        ),
      ),
    );
    this.exited = new Promise((resolve) =>
      worker.once('exit', (code) => {
        this.stop(
          new StoreUnavailableError(
            `The event store writer for ${path} stopped unexpectedly (exit code ${code}). Appends are refused until the service restarts.`,
          ),
        );
        resolve();
      }),
    );
    // Idle, the thread must not keep the process alive; with appends pending it must. After the
    // listeners: a 'message' listener added to an unreferenced worker references its port again.
    worker.unref();
  }

  /** Undefined when no worker script can be run from here (then the caller writes on its own thread). */
  static start(path: string, onCommitted: () => void): WorkerSqliteWriter | undefined {
    const how = launch();
    if (how === undefined) return undefined;
    const signal = new SharedArrayBuffer(SIGNAL_BYTES);
    const workerData: WriterWorkerData & Record<string, unknown> = { path, signal, ...how.extra };
    const worker = new Worker(how.script, { eval: how.eval, workerData });
    return new WorkerSqliteWriter(worker, new Int32Array(signal), path, onCommitted);
  }

  append(writes: readonly SerializedWrite[]): Promise<WriteOutcome[]> {
    if (this.stopped !== undefined) return Promise.reject(this.stopped);
    if (this.closing !== undefined) return Promise.reject(closedError(this.path));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      if (this.pending.size === 0) this.worker.ref();
      this.pending.set(id, { writeCount: writes.length, resolve, reject });
      // Read before posting: the thread clears it once woken by the post.
      const writerAsleep = Atomics.load(this.signal, WRITER_ASLEEP) === 1;
      this.post({ type: 'append', id, writes: encodeWrites(writes) });
      if (!writerAsleep) this.keepAwake();
    });
  }

  checkHealth(): void {
    if (this.stopped !== undefined) throw this.stopped;
  }

  /** The thread commits what it holds, closes its connection and ends; pending appends settle first. */
  close(): Promise<void> {
    this.closing ??= this.closeWorker();
    return this.closing;
  }

  /** Resolves once the thread is gone, also after a failure, so that nothing outlives the store. */
  private async closeWorker(): Promise<void> {
    this.worker.ref();
    if (this.stopped === undefined) this.post({ type: 'close' });
    else void this.worker.terminate();
    await this.exited;
  }

  /** The message first, then the count: the thread takes every message up to the count it sees. */
  private post(message: ToWriter): void {
    this.worker.postMessage(message);
    this.posted = (Atomics.add(this.signal, REQUESTS_POSTED, 1) + 1) | 0;
    Atomics.notify(this.signal, REQUESTS_POSTED);
  }

  /**
   * While a commit is under way the event loop keeps turning (a chain of immediates: I/O and
   * timers are still served at every turn) instead of sleeping until the reply, because a sleeping
   * thread takes tens of microseconds to wake, on a virtual machine often a quarter of a commit.
   *
   * Never at the writer thread's expense: the scheduler may run it on this thread's core, where it
   * waits until the turning loop gives up. So only while the thread is awake, only as long as it
   * takes requests at once (PICKUP_MS), and then for about twice its last commit (at most
   * AWAKE_MS, so that a slow disk does not keep a core busy).
   */
  private keepAwake(): void {
    this.awakeUntil = performance.now() + PICKUP_MS;
    this.awaitingPickup = true;
    if (this.awake) return;
    this.awake = true;
    const turn = (): void => {
      const now = performance.now();
      if (this.awaitingPickup && Atomics.load(this.signal, REQUESTS_TAKEN) === this.posted) {
        this.awaitingPickup = false;
        const commitMs = Atomics.load(this.signal, LAST_COMMIT_MICROS) / 1000;
        this.awakeUntil = now + Math.min(AWAKE_MS, 2 * commitMs + PICKUP_MS);
      }
      if (this.pending.size > 0 && now < this.awakeUntil) setImmediate(turn);
      else this.awake = false;
    };
    setImmediate(turn);
  }

  private receive(message: FromWriter): void {
    switch (message.type) {
      case 'committed': {
        let at = 0;
        for (const id of message.ids) {
          // Unknown only once stopped, which already failed every pending request.
          const request = this.settle(id);
          if (request === undefined) break;
          try {
            const { outcomes, next } = decodeOutcomes(message.outcomes, at, request.writeCount);
            at = next;
            request.resolve(outcomes);
          } catch (error) {
            request.reject(error);
          }
        }
        this.onCommitted();
        return;
      }
      case 'failed': {
        const failure = Object.assign(new Error(message.failure.message), message.failure);
        const error = storageError(failure, this.path);
        for (const id of message.ids) this.settle(id)?.reject(error);
        return;
      }
      case 'open-failed':
        this.stop(
          new StoreUnavailableError(
            `Cannot open the event store at ${this.path}: ${message.message}. Set EVENTS_DB_PATH to a writable file.`,
          ),
        );
        return;
      case 'closed':
        this.stop(closedError(this.path));
        return;
    }
  }

  private settle(id: number): PendingRequest | undefined {
    const request = this.pending.get(id);
    this.pending.delete(id);
    if (this.pending.size === 0) this.worker.unref();
    return request;
  }

  /** The first reason wins; every append still waiting fails with it, and so does every later one. */
  private stop(reason: StoreUnavailableError): void {
    this.stopped ??= reason;
    const waiting = [...this.pending.values()];
    this.pending.clear();
    for (const request of waiting) request.reject(this.stopped);
  }
}

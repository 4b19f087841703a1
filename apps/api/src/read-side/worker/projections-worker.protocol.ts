import type { ProjectionStatus } from '@qms/projection-engine';
import type { AppConfig } from '../../config/app-config';

/** What the projections thread starts from: the API's configuration, as loaded by the API. */
export interface ProjectionsWorkerData {
  readonly config: AppConfig;
}

/**
 * Requests of the API to the projections thread; each is answered by a `reply` with its id, sent
 * after a `status` that includes what the call did (a rebuild started, a parking decision read).
 */
export type ToProjectionsWorker =
  | { readonly type: 'call'; readonly id: number; readonly method: 'rebuild' | 'parkingChanged' | 'settleDeferredWork'; readonly name: string }
  | { readonly type: 'stop' };

export interface WorkerFailure {
  /** The error class, so that the API maps it to the same HTTP status (NotFoundError → 404…). */
  readonly name: string;
  readonly message: string;
}

export type FromProjectionsWorker =
  /** Sent once the engine has started, then whenever a projection's position moves. */
  | { readonly type: 'positions'; readonly positions: Readonly<Record<string, number>> }
  /** Every half second and before each reply, with the thread's heap as V8 sees it (for /metrics). */
  | { readonly type: 'status'; readonly statuses: readonly ProjectionStatus[]; readonly heap: ThreadHeap }
  | { readonly type: 'reply'; readonly id: number; readonly result?: unknown; readonly error?: WorkerFailure }
  | { readonly type: 'log'; readonly level: 'log' | 'warn'; readonly message: string }
  | { readonly type: 'stopped' };

/** A thread's heap, in bytes: in use, reserved, and the limit it runs out at. */
export interface ThreadHeap {
  readonly usedBytes: number;
  readonly totalBytes: number;
  readonly limitBytes: number;
}

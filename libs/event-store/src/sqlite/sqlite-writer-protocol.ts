/**
 * What crosses between the event store and its writer: plain data only, because the writer may
 * run in a worker thread (structured clone keeps neither classes nor prototypes).
 */
import type { AppendResult, ExpectedRevision } from '../event-store.port';

/** An event whose data and metadata are already JSON text, serialised by the caller's thread. */
export interface SerializedEvent {
  readonly id: string;
  readonly type: string;
  readonly data: string;
  readonly metadata: string;
}

export interface SerializedWrite {
  readonly streamId: string;
  readonly events: readonly SerializedEvent[];
  readonly expectedRevision: ExpectedRevision;
}

/** Why a write was refused; the store turns it back into its error class. */
export type AppendConflict =
  | {
      readonly kind: 'wrong_version';
      readonly streamId: string;
      readonly expected: ExpectedRevision;
      readonly actual: number | 'no_stream';
    }
  | { readonly kind: 'idempotency'; readonly streamId: string; readonly detail: string };

export type WriteOutcome =
  | { readonly ok: true; readonly result: AppendResult }
  | { readonly ok: false; readonly conflict: AppendConflict };

/** A failure of the storage itself (disk, lock, corrupt file): fails every request of its commit. */
export interface StorageFailure {
  readonly name: string;
  readonly message: string;
  readonly code?: string;
}

export interface WriterWorkerData {
  readonly path: string;
}

export type ToWriter =
  | { readonly type: 'append'; readonly id: number; readonly writes: readonly SerializedWrite[] }
  | { readonly type: 'close' };

export type FromWriter =
  | { readonly type: 'committed'; readonly ids: readonly number[]; readonly outcomes: readonly (readonly WriteOutcome[])[] }
  | { readonly type: 'failed'; readonly ids: readonly number[]; readonly failure: StorageFailure }
  | { readonly type: 'open-failed'; readonly message: string }
  | { readonly type: 'closed' };

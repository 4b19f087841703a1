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
  /** Stored only together with the write before it (see StreamWrite.withPrevious). */
  readonly withPrevious?: boolean;
  /** When this write's unit is refused, the request's later writes are not attempted. */
  readonly stopAtRefusal?: boolean;
}

/** Why a write was refused; the store turns it back into its error class. */
export type AppendConflict =
  | {
      readonly kind: 'wrong_version';
      readonly streamId: string;
      readonly expected: ExpectedRevision;
      readonly actual: number | 'no_stream';
    }
  | { readonly kind: 'idempotency'; readonly streamId: string; readonly detail: string }
  /** Not stored because another write of its unit, or an earlier unit of a stopping batch, was refused. */
  | { readonly kind: 'not_stored'; readonly streamId: string; readonly detail: string };

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
  /** Int32 slots shared with the thread, at the indexes below. */
  readonly signal: SharedArrayBuffer;
}

/**
 * Counts the messages posted to the thread. The thread blocks on it with Atomics.wait and takes
 * the messages with receiveMessageOnPort: waking by futex costs far less than a MessagePort event
 * and an event-loop turn per request.
 */
export const REQUESTS_POSTED = 0;
/** The count of REQUESTS_POSTED up to which the thread has taken the messages. */
export const REQUESTS_TAKEN = 1;
/** 1 while the thread sleeps in Atomics.wait, 0 while it polls or commits. */
export const WRITER_ASLEEP = 2;
/** How long the thread's last commit took, in microseconds. */
export const LAST_COMMIT_MICROS = 3;
export const SIGNAL_BYTES = 4 * Int32Array.BYTES_PER_ELEMENT;

/*
 * Writes and outcomes cross the thread boundary as flat arrays of strings and numbers: structured
 * clone copies those quickly, while every object costs it its keys on both sides (a batch of 500
 * one-event writes and their outcomes took about a millisecond as objects, a third of that flat).
 */

/** Per write: stream id, expected revision, event count, flags, then per event: id, type, data, metadata. */
export type EncodedWrites = (string | number)[];

/** Per write: its next expected revision and position, or the conflict that refused it. */
export type EncodedOutcomes = (number | AppendConflict)[];

export type ToWriter =
  | { readonly type: 'append'; readonly id: number; readonly writes: EncodedWrites }
  | { readonly type: 'close' };

export type FromWriter =
  | { readonly type: 'committed'; readonly ids: readonly number[]; readonly outcomes: EncodedOutcomes }
  | { readonly type: 'failed'; readonly ids: readonly number[]; readonly failure: StorageFailure }
  | { readonly type: 'open-failed'; readonly message: string }
  | { readonly type: 'closed' };

const WITH_PREVIOUS = 1;
const STOP_AT_REFUSAL = 2;

export function encodeWrites(writes: readonly SerializedWrite[]): EncodedWrites {
  const encoded: EncodedWrites = [];
  for (const { streamId, expectedRevision, events, withPrevious, stopAtRefusal } of writes) {
    encoded.push(streamId, expectedRevision, events.length, (withPrevious ? WITH_PREVIOUS : 0) | (stopAtRefusal ? STOP_AT_REFUSAL : 0));
    for (const event of events) encoded.push(event.id, event.type, event.data, event.metadata);
  }
  return encoded;
}

export function decodeWrites(encoded: EncodedWrites): SerializedWrite[] {
  const writes: SerializedWrite[] = [];
  let at = 0;
  while (at < encoded.length) {
    const streamId = encoded[at] as string;
    const expectedRevision = encoded[at + 1] as ExpectedRevision;
    const count = encoded[at + 2] as number;
    const flags = encoded[at + 3] as number;
    at += 4;
    const events: SerializedEvent[] = [];
    for (let index = 0; index < count; index += 1, at += 4) {
      events.push({
        id: encoded[at] as string,
        type: encoded[at + 1] as string,
        data: encoded[at + 2] as string,
        metadata: encoded[at + 3] as string,
      });
    }
    writes.push({
      streamId,
      expectedRevision,
      events,
      ...((flags & WITH_PREVIOUS) !== 0 ? { withPrevious: true } : {}),
      ...((flags & STOP_AT_REFUSAL) !== 0 ? { stopAtRefusal: true } : {}),
    });
  }
  return writes;
}

/** The outcomes of several requests, one after the other. */
export function encodeOutcomes(requests: readonly (readonly WriteOutcome[])[]): EncodedOutcomes {
  const encoded: EncodedOutcomes = [];
  for (const outcomes of requests) {
    for (const outcome of outcomes) {
      if (outcome.ok) encoded.push(outcome.result.nextExpectedRevision, outcome.result.position);
      else encoded.push(outcome.conflict);
    }
  }
  return encoded;
}

/** Reads `count` outcomes from `at` on; returns them and where the next request's begin. */
export function decodeOutcomes(
  encoded: EncodedOutcomes,
  at: number,
  count: number,
): { outcomes: WriteOutcome[]; next: number } {
  const outcomes: WriteOutcome[] = [];
  let next = at;
  for (let index = 0; index < count; index += 1) {
    const first = encoded[next];
    if (typeof first === 'number') {
      outcomes.push({
        ok: true,
        result: { nextExpectedRevision: first, position: encoded[next + 1] as number },
      });
      next += 2;
    } else if (first !== undefined) {
      outcomes.push({ ok: false, conflict: first });
      next += 1;
    } else {
      throw new Error('The event store writer returned fewer outcomes than writes.');
    }
  }
  return { outcomes, next };
}

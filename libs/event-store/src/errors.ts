import { ConcurrencyError, StoreUnavailableError } from '@qms/domain-kernel';
import type { ExpectedRevision, StreamWriteOutcome } from './event-store.port';

/** The typed error of an append whose expected revision does not match the stream. */
export class WrongExpectedVersionError extends ConcurrencyError {
  constructor(
    readonly streamId: string,
    readonly expected: ExpectedRevision,
    /** Last revision of the stream, or 'no_stream'. */
    readonly actual: number | 'no_stream',
  ) {
    super(
      `Stream ${streamId} was changed by someone else: expected revision ${String(expected)}, found ${String(actual)}. Reload and retry.`,
    );
  }
}

/**
 * An append whose event ids are already stored but not as the same events at the same place, so it
 * is neither new nor an idempotent retry. EventStoreDB answers this case with a wrong expected
 * version; both are concurrency conflicts, and this one says what to fix.
 */
export class IdempotencyConflictError extends ConcurrencyError {
  constructor(
    readonly streamId: string,
    detail: string,
  ) {
    super(
      `Cannot append to stream ${streamId}: ${detail}. A retry must resend exactly the same events with the same expected revision; new events need new ids.`,
    );
  }
}

/**
 * A write of a batched append that was not stored although nothing was wrong with it: another
 * write of its unit (`withPrevious`) was refused, or an earlier one of a batch that stops at the
 * first refusal. Nothing of it is in the store; sending it again may succeed.
 */
export class WriteNotStoredError extends ConcurrencyError {
  constructor(
    readonly streamId: string,
    detail: string,
  ) {
    super(`The write to stream ${streamId} was not stored: ${detail}.`);
  }
}

/**
 * A batched append that failed part-way on a store without multi-stream transactions: `outcomes`
 * holds the writes decided before the failure (stored or refused), in write order; the writes
 * after them were not attempted, and the one that failed may or may not be stored.
 */
export class AppendInterruptedError extends StoreUnavailableError {
  constructor(
    readonly outcomes: readonly StreamWriteOutcome[],
    readonly failedStreamId: string,
    readonly reason: unknown,
  ) {
    const stored = outcomes.length;
    super(
      `Batched append interrupted at write ${stored + 1} (stream ${failedStreamId}) after ${stored} write(s) were decided: ${reason instanceof Error ? reason.message : String(reason)}`,
    );
  }
}

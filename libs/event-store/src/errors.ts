import { ConcurrencyError } from '@qms/domain-kernel';
import type { ExpectedRevision } from './event-store.port';

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

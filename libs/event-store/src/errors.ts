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

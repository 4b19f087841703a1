import type { RecordedEvent } from '@qms/event-store';

/** Where a projection stands still: the event its code could not apply. */
export interface PoisonEvent {
  readonly position: number;
  readonly streamId: string;
  readonly type: string;
  readonly error: string;
}

/**
 * A projection's own code (decode, documentIds, readsDocuments, evolve) threw on one event. Such a
 * failure repeats on every attempt, unlike an unreachable store: the runner stops that projection
 * on it until the code is fixed or an admin parks the event, and the other projections go on.
 * The events of the batch before it are applied and checkpointed first (`appliedThrough`).
 */
export class PoisonEventError extends Error {
  readonly event: PoisonEvent;

  constructor(
    readonly projection: string,
    readonly recorded: RecordedEvent,
    override readonly cause: unknown,
    /** The checkpoint stored for the events before it; null when none of them was stored. */
    readonly appliedThrough: number | null = null,
  ) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    super(`Projection ${projection} cannot apply ${recorded.type} at position ${recorded.position} (stream ${recorded.streamId}): ${reason}`);
    this.event = { position: recorded.position, streamId: recorded.streamId, type: recorded.type, error: reason };
  }
}

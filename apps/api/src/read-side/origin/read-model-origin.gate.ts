import { assertNever, StoreUnavailableError } from '@qms/domain-kernel';
import type { EventStore } from '@qms/event-store';
import {
  checkReadModelOrigin,
  type OriginCheckResult,
  type OriginMismatchPolicy,
  ReadModelOriginError,
} from '@qms/projection-engine';
import type { ReadStore } from '@qms/read-store';
import type { DependencyCheck } from '../../health/with-timeout';
import type { OriginWording } from './origin-wording';

export interface ReadModelOriginGateOptions {
  readonly eventStore: EventStore;
  readonly readStore: ReadStore;
  readonly policy: OriginMismatchPolicy;
  readonly wording: OriginWording;
  /** Outcomes and retries; `error` for a refusal found after start (open rejects with one found at start). */
  readonly logger: { log(message: string): void; warn(message: string): void; error(message: string): void };
  /** How often the check is tried again while the read store cannot be reached, or the log is empty. Default 5 s. */
  readonly retryMs?: number;
}

type GateState =
  | { readonly kind: 'unchecked'; readonly reason: string }
  | { readonly kind: 'pending' }
  | { readonly kind: 'verified'; readonly outcome: OriginCheckResult['outcome'] }
  | { readonly kind: 'refused'; readonly reason: string };

/**
 * The API's side of the read-model origin check (projection-engine's checkReadModelOrigin): run
 * before the projections start and before anything is served from the read store.
 *
 * A mismatch found at start rejects `open`, and the caller stops start-up with it. A read store
 * that cannot be reached at start (MongoDB down) leaves the API starting as it always has; the
 * check is tried again until it answers, and the projections start only then. Until the store is
 * known to be this log's, reads answer 503 with the reason and /health/ready is down; a refusal
 * found that late keeps it so. An empty log has no identity yet: the projections start, and the
 * origin is recorded once the first event is there.
 */
export class ReadModelOriginGate {
  private state: GateState = {
    kind: 'unchecked',
    reason: 'the read models have not been checked against the event log yet',
  };
  private timer: NodeJS.Timeout | undefined;
  private started = false;
  private stopped = false;

  constructor(private readonly options: ReadModelOriginGateOptions) {}

  /**
   * Checks, then calls `start` (the projections) once the read store may be followed and served.
   * Rejects with the ReadModelOriginError of a refusal found now; one found later is logged.
   */
  async open(start: () => void): Promise<void> {
    await this.attempt(start, true);
    if (this.state.kind === 'unchecked' || this.state.kind === 'pending') this.retryLater(start);
  }

  /** Throws the 503 a read answers while the read store is not known to be this log's. */
  assertServing(): void {
    if (this.state.kind === 'unchecked' || this.state.kind === 'refused')
      throw new StoreUnavailableError(this.state.reason);
  }

  health(): DependencyCheck {
    switch (this.state.kind) {
      case 'verified':
        return { status: 'up', outcome: this.state.outcome };
      case 'pending':
        return {
          status: 'up',
          outcome: 'pending',
          note: 'the event log is empty: its identity is recorded with the read models once it has an event',
        };
      case 'unchecked':
      case 'refused':
        return { status: 'down', reason: this.state.reason };
      default:
        return assertNever(this.state, 'read-model origin state');
    }
  }

  close(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }

  private async attempt(start: () => void, atStart: boolean): Promise<void> {
    let result: OriginCheckResult;
    try {
      result = await checkReadModelOrigin({
        eventStore: this.options.eventStore,
        readStore: this.options.readStore,
        onMismatch: this.options.policy,
        ...this.options.wording,
      });
    } catch (error) {
      if (error instanceof ReadModelOriginError) {
        this.state = { kind: 'refused', reason: error.message };
        // At start the caller stops start-up with it (and says so); later, only the log can.
        if (atStart) throw error;
        this.options.logger.error(`Refusing to serve the read models: ${error.message}`);
        return;
      }
      // Already following an empty log: a store that fails a recheck says so through its own health.
      if (this.state.kind === 'pending') return;
      const reason = error instanceof Error ? error.message : String(error);
      this.state = {
        kind: 'unchecked',
        reason: `the read models have not been checked against the event log yet: ${reason}`,
      };
      if (atStart)
        this.options.logger.warn(
          `Cannot check which event log the read models were built from (${reason}); the projections start once it can be checked.`,
        );
      return;
    }
    this.report(result);
    this.state =
      result.outcome === 'pending' ? { kind: 'pending' } : { kind: 'verified', outcome: result.outcome };
    if (!this.started) {
      this.started = true;
      start();
    }
  }

  private report(result: OriginCheckResult): void {
    const { readStoreName } = this.options.wording;
    switch (result.outcome) {
      case 'rebuilt':
        this.options.logger.warn(
          `Cleared ${readStoreName}, which ${result.mismatch ?? 'did not match this event log'}; rebuilding them from this log's first event (READ_MODELS_ON_MISMATCH=rebuild).`,
        );
        return;
      case 'adopted':
        this.options.logger.log(
          `Recorded that ${readStoreName} were built from this event log (their checkpoints are within it).`,
        );
        return;
      case 'new':
      case 'matches':
      case 'pending':
        return;
      default:
        assertNever(result.outcome, 'origin check outcome');
    }
  }

  private retryLater(start: () => void): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      void this.attempt(start, false).then(() => {
        if (this.state.kind === 'unchecked' || this.state.kind === 'pending') this.retryLater(start);
      });
    }, this.options.retryMs ?? 5_000);
    this.timer.unref();
  }
}

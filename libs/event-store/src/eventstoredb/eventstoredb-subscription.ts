import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import type {
  AllStreamResolvedEvent,
  AllStreamSubscription,
  EventStoreDBClient,
  Position,
} from '@eventstore/db-client';
import { excludeSystemEvents } from '@eventstore/db-client';
import { StoreUnavailableError } from '@qms/domain-kernel';
import type { AllSubscription, RecordedEvent } from '../event-store.port';
import { allStreamPosition, hasPosition, isSystemEvent, oldServerError, toReadPosition, toRecordedEvent } from './eventstoredb-mapping';

export interface EventStoreDbSubscriptionOptions {
  /** Filtered events between two checkpoints the server sends (so a resubscription skips what it filtered). */
  readonly checkpointInterval?: number;
  /** Delay before the first resubscription after a drop; doubled each failed attempt. */
  readonly retryDelayMs?: number;
  readonly maxRetryDelayMs?: number;
  /** Resubscriptions in a row without receiving anything before the subscription fails. */
  readonly maxRetries?: number;
}

const DEFAULTS: Required<EventStoreDbSubscriptionOptions> = {
  checkpointInterval: 32,
  retryDelayMs: 100,
  maxRetryDelayMs: 5_000,
  maxRetries: 8,
};

/**
 * Wraps the client's one-event-at-a-time catch-up subscription (its `fromPosition` is exclusive,
 * like ours) into batches: a batch is flushed when it is full, when the server says the
 * subscription caught up (the `caughtUp` event of client 6.x, sent by servers 23.10 and later),
 * or, for servers without that signal, when no further event is immediately available.
 * `caughtUp` tells the consumer whether the last batch reached the end of the log. The server's
 * filter drops system events and sends a checkpoint every `checkpointInterval` filtered events,
 * which moves the resume position past them. A subscription that drops after it was confirmed is
 * resubscribed from the last position with exponential backoff; one that never got going, or
 * keeps failing, fails the iterator with the store's error. The client stream is paused while
 * the consumer is behind, so memory stays bounded. Our own iterator ends on close(): the client's
 * stream does not end reliably when it is cancelled.
 */
export class EventStoreDbAllSubscription implements AllSubscription {
  private readonly buffer: RecordedEvent[] = [];
  private readonly options: Required<EventStoreDbSubscriptionOptions>;
  private source: AllStreamSubscription | undefined;
  private failure: unknown;
  private closed = false;
  private iterated = false;
  private wake: (() => void) | undefined;
  private lastPosition: number;
  /** The server's last filtered checkpoint: where a resubscription may start (see checkpoint()). */
  private checkpointPosition = 0;
  private confirmed = false;
  private retries = 0;
  private retryTimer: NodeJS.Timeout | undefined;
  private serverCaughtUp = false;
  private lastBatchCaughtUp = false;

  constructor(
    private readonly client: EventStoreDBClient,
    fromPosition: number,
    private readonly maxBatchSize: number,
    private readonly toStoreError: (error: unknown) => unknown,
    private readonly onClosed: (subscription: EventStoreDbAllSubscription) => void,
    options: EventStoreDbSubscriptionOptions = {},
  ) {
    this.lastPosition = fromPosition;
    this.options = { ...DEFAULTS, ...options };
  }

  /** Whether the last batch yielded reached the end of the log as the server signalled it. */
  get caughtUp(): boolean {
    return this.lastBatchCaughtUp;
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<readonly RecordedEvent[], void, undefined> {
    if (this.iterated) throw new Error('A subscription can be iterated only once; subscribe again instead.');
    this.iterated = true;
    this.start();
    try {
      for (;;) {
        if (this.buffer.length === 0 && this.failure === undefined && !this.closed)
          await this.waitForEvents();
        if (this.closed) return;
        if (this.buffer.length > 0) {
          // Without the server's signal, events the socket has already received arrive within
          // this turn: let them join the batch.
          if (this.buffer.length < this.maxBatchSize && !this.serverCaughtUp) await yieldToEventLoop();
          if (this.closed) return;
          const batch = this.buffer.splice(0, this.maxBatchSize);
          this.lastBatchCaughtUp = this.serverCaughtUp && this.buffer.length === 0 && (this.source?.readableLength ?? 0) === 0;
          if (this.buffer.length < this.maxBatchSize) this.source?.resume();
          yield batch;
        } else if (this.failure !== undefined) {
          throw this.failure;
        }
      }
    } finally {
      await this.stop();
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.retryTimer !== undefined) clearTimeout(this.retryTimer);
    this.wake?.();
    await this.stop();
    this.onClosed(this);
  }

  private start(): void {
    if (this.closed) return;
    this.serverCaughtUp = false;
    const source = this.client.subscribeToAll({
      fromPosition: toReadPosition(Math.max(this.lastPosition, this.checkpointPosition)),
      filter: excludeSystemEvents({
        checkpointInterval: this.options.checkpointInterval,
        checkpointReached: (subscription, position) => this.checkpoint(subscription, position),
      }),
    });
    source.on('confirmation', () => this.alive());
    source.on('caughtUp', () => {
      this.alive();
      this.serverCaughtUp = true;
      this.wake?.();
    });
    source.on('fellBehind', () => {
      this.serverCaughtUp = false;
    });
    source.on('data', (resolved: AllStreamResolvedEvent) => this.receive(resolved));
    source.on('error', (error: Error) => this.dropped(source, this.toStoreError(error)));
    source.on('close', () =>
      this.dropped(source, new StoreUnavailableError('EventStoreDB ended the subscription to $all; resubscribe from the last checkpoint.')),
    );
    this.source = source;
  }

  private alive(): void {
    this.confirmed = true;
    this.retries = 0;
  }

  private receive(resolved: AllStreamResolvedEvent): void {
    const event = resolved.event;
    if (event === undefined || this.failure !== undefined) return;
    this.alive();
    if (!hasPosition(event.position?.commit)) {
      this.fail(oldServerError(`event ${event.id} of the subscription to $all`));
      return;
    }
    const position = allStreamPosition(event);
    // The server filter drops $-typed events; $-streams and any replay at or before the
    // checkpoint are dropped here, so the consumer never sees a duplicate.
    if (position <= this.lastPosition || isSystemEvent(event)) return;
    this.lastPosition = position;
    this.buffer.push(toRecordedEvent(event));
    if (this.buffer.length >= this.maxBatchSize * 2) this.source?.pause();
    this.wake?.();
  }

  /**
   * Every event before a checkpoint was sent or filtered out: once those sent have reached us, a
   * resubscription may start after the checkpoint instead of re-reading what the filter skipped.
   */
  private checkpoint(source: AllStreamSubscription, position: Position): void {
    if (!hasPosition(position.commit) || source.readableLength > 0) return;
    this.checkpointPosition = Math.max(this.checkpointPosition, Number(position.commit));
  }

  /**
   * The server or the connection ended the subscription. Once it had been confirmed, a drop is
   * retried from the last position after a growing delay; the first subscribe failing, or too many
   * failed attempts in a row, fails the iterator.
   */
  private dropped(source: AllStreamSubscription, error: unknown): void {
    if (this.closed || this.failure !== undefined || source !== this.source) return;
    this.source = undefined;
    source.removeAllListeners('data');
    source.removeAllListeners('close');
    source.on('error', () => undefined);
    void source.unsubscribe().catch(() => undefined);
    if (!this.confirmed || this.retries >= this.options.maxRetries) {
      this.fail(error);
      return;
    }
    const delay = Math.min(this.options.retryDelayMs * 2 ** this.retries, this.options.maxRetryDelayMs);
    this.retries += 1;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      this.start();
    }, delay);
  }

  private fail(error: unknown): void {
    if (this.closed || this.failure !== undefined) return;
    this.failure = error;
    this.wake?.();
  }

  private waitForEvents(): Promise<void> {
    return new Promise((resolve) => {
      this.wake = () => {
        this.wake = undefined;
        resolve();
      };
    });
  }

  private async stop(): Promise<void> {
    if (this.retryTimer !== undefined) clearTimeout(this.retryTimer);
    const source = this.source;
    this.source = undefined;
    if (source === undefined) return;
    // The error listener stays: an error emitted while cancelling must not become an uncaught one.
    source.removeAllListeners('data');
    try {
      await source.unsubscribe();
    } catch {
      // Already broken or cancelled: nothing left to release.
    }
  }
}

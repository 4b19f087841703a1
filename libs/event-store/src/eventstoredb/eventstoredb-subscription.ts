import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import type {
  AllStreamResolvedEvent,
  AllStreamSubscription,
  EventStoreDBClient,
} from '@eventstore/db-client';
import { excludeSystemEvents } from '@eventstore/db-client';
import { StoreUnavailableError } from '@qms/domain-kernel';
import type { AllSubscription, RecordedEvent } from '../event-store.port';
import { allStreamPosition, isSystemEvent, toReadPosition, toRecordedEvent } from './eventstoredb-mapping';

/**
 * Wraps the client's one-event-at-a-time catch-up subscription (its `fromPosition` is exclusive,
 * like ours) into batches: a batch is flushed when it is full or when no further event is
 * immediately available. The client stream is paused while the consumer is behind, so memory
 * stays bounded. Our own iterator ends on close(): the client's stream does not end reliably
 * when it is cancelled.
 */
export class EventStoreDbAllSubscription implements AllSubscription {
  private readonly buffer: RecordedEvent[] = [];
  private source: AllStreamSubscription | undefined;
  private failure: unknown;
  private closed = false;
  private iterated = false;
  private wake: (() => void) | undefined;
  private lastPosition: number;

  constructor(
    private readonly client: EventStoreDBClient,
    fromPosition: number,
    private readonly maxBatchSize: number,
    private readonly toStoreError: (error: unknown) => unknown,
    private readonly onClosed: (subscription: EventStoreDbAllSubscription) => void,
  ) {
    this.lastPosition = fromPosition;
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
          // Events the socket has already received arrive within this turn; let them join the batch.
          if (this.buffer.length < this.maxBatchSize) await yieldToEventLoop();
          if (this.closed) return;
          const batch = this.buffer.splice(0, this.maxBatchSize);
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
    this.wake?.();
    await this.stop();
    this.onClosed(this);
  }

  private start(): void {
    if (this.closed) return;
    const source = this.client.subscribeToAll({
      fromPosition: toReadPosition(this.lastPosition),
      filter: excludeSystemEvents(),
    });
    source.on('data', (resolved: AllStreamResolvedEvent) => this.receive(resolved));
    source.on('error', (error: Error) => this.fail(this.toStoreError(error)));
    source.on('close', () =>
      this.fail(
        new StoreUnavailableError(
          'EventStoreDB ended the subscription to $all; resubscribe from the last checkpoint.',
        ),
      ),
    );
    this.source = source;
  }

  private receive(resolved: AllStreamResolvedEvent): void {
    const event = resolved.event;
    if (event === undefined) return;
    const position = allStreamPosition(event);
    // The server filter drops $-typed events; $-streams and any replay at or before the
    // checkpoint are dropped here, so the consumer never sees a duplicate.
    if (position <= this.lastPosition || isSystemEvent(event)) return;
    this.lastPosition = position;
    this.buffer.push(toRecordedEvent(event));
    if (this.buffer.length >= this.maxBatchSize * 2) this.source?.pause();
    this.wake?.();
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

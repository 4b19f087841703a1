import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import type { AllSubscription, RecordedEvent } from '../event-store.port';

export interface SubscriptionSource {
  /** Events strictly after `position`, at most `maxCount`, in position order. */
  readPage(position: number, maxCount: number): RecordedEvent[];
  /** Calls `listener` after each append committed through this process; returns the unsubscribe. */
  onAppended(listener: () => void): () => void;
}

/**
 * Catch-up then live, by one loop: read the next page after the checkpoint; when none is left,
 * sleep until this process appends (immediate) or the poll interval passes (appends by other
 * processes on the same file). Reading by position after commit never skips or repeats an event,
 * because SQLite commits positions in order.
 */
export class SqliteAllSubscription implements AllSubscription {
  private closed = false;
  private iterated = false;
  private wake: (() => void) | undefined;

  constructor(
    private readonly source: SubscriptionSource,
    private readonly fromPosition: number,
    private readonly maxBatchSize: number,
    private readonly pollIntervalMs: number,
    private readonly onClosed: (subscription: SqliteAllSubscription) => void,
  ) {}

  async *[Symbol.asyncIterator](): AsyncGenerator<readonly RecordedEvent[], void, undefined> {
    if (this.iterated) throw new Error('A subscription can be iterated only once; subscribe again instead.');
    this.iterated = true;
    let checkpoint = this.fromPosition;
    let appendedMeanwhile = false;
    const unsubscribe = this.source.onAppended(() => {
      appendedMeanwhile = true;
      this.wake?.();
    });
    try {
      while (!this.closed) {
        appendedMeanwhile = false;
        const page = this.source.readPage(checkpoint, this.maxBatchSize);
        const last = page[page.length - 1];
        if (last !== undefined) {
          checkpoint = last.position;
          yield page;
          // A long catch-up must not starve timers and I/O of the rest of the process.
          await yieldToEventLoop();
          // At the head, events appended elsewhere wait for the next poll and come as one batch.
          if (page.length < this.maxBatchSize && !appendedMeanwhile) await this.sleep();
        } else if (!appendedMeanwhile) {
          await this.sleep();
        }
      }
    } finally {
      unsubscribe();
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.wake?.();
    this.onClosed(this);
  }

  private sleep(): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.wake = undefined;
        resolve();
      };
      const timer = setTimeout(done, this.pollIntervalMs);
      this.wake = done;
    });
  }
}

import { randomUUID } from 'node:crypto';
import { StoreUnavailableError } from '@qms/domain-kernel';
import type {
  AllSubscription,
  LogTail,
  AppendResult,
  AppendToStreamsOptions,
  EventStore,
  EventToAppend,
  ExpectedRevision,
  JsonObject,
  ReadAllOptions,
  ReadStreamOptions,
  RecordedEvent,
  StreamWrite,
  StreamWriteOutcome,
  SubscribeToAllOptions,
} from '@qms/event-store';
import { WriteNotStoredError, WrongExpectedVersionError } from '@qms/event-store';

export interface FakeEventStoreOptions {
  /** Distance between global positions: > 1 catches code that assumes contiguous positions. */
  readonly positionStep?: number;
  /** Recorded time of each appended event; defaults to a fixed clock ticking a second per event. */
  readonly clock?: () => Date;
}

/**
 * A minimal in-memory EventStore for specs of components that read the log (projection engine,
 * query handlers): appends with expected-revision checks, readAll, catch-up-then-live
 * subscriptions, and a switch that makes it "unavailable".
 */
export class FakeEventStore implements EventStore {
  private readonly events: RecordedEvent[] = [];
  private readonly streams = new Map<string, RecordedEvent[]>();
  private readonly listeners = new Set<() => void>();
  private readonly step: number;
  private readonly clock: () => Date;
  private ticks = 0;
  /** While true every call fails with StoreUnavailableError (subscriptions end with it). */
  unavailable = false;

  constructor(options: FakeEventStoreOptions = {}) {
    this.step = options.positionStep ?? 1;
    this.clock = options.clock ?? (() => new Date(Date.UTC(2024, 0, 1) + 1000 * this.ticks++));
  }

  /** Appends `{ type, data }` events to a stream without revision checks; returns their positions. */
  async append(
    streamId: string,
    ...events: { type: string; data?: JsonObject; metadata?: JsonObject }[]
  ): Promise<number[]> {
    const result = await this.appendToStream(
      streamId,
      events.map((event) => ({
        id: randomUUID(),
        type: event.type,
        data: event.data ?? {},
        metadata: event.metadata ?? {},
      })),
    );
    return events.map((_, i) => result.position - (events.length - 1 - i) * this.step);
  }

  async appendToStream(
    streamId: string,
    events: readonly EventToAppend[],
    options: { readonly expectedRevision?: ExpectedRevision } = {},
  ): Promise<AppendResult> {
    this.assertAvailable();
    const stream = this.streams.get(streamId) ?? [];
    const last = stream.length - 1;
    const expected = options.expectedRevision ?? 'any';
    const actual = last < 0 ? 'no_stream' : last;
    if (
      (expected === 'no_stream' && last >= 0) ||
      (expected === 'stream_exists' && last < 0) ||
      (typeof expected === 'number' && expected !== last)
    ) {
      throw new WrongExpectedVersionError(streamId, expected, actual);
    }
    for (const event of events) {
      const recorded: RecordedEvent = {
        id: event.id,
        streamId,
        type: event.type,
        data: structuredClone(event.data),
        metadata: structuredClone(event.metadata),
        revision: stream.length,
        position: (this.events.length + 1) * this.step,
        recordedAt: this.clock(),
      };
      stream.push(recorded);
      this.events.push(recorded);
    }
    this.streams.set(streamId, stream);
    for (const listener of this.listeners) listener();
    return { nextExpectedRevision: stream.length - 1, position: this.events.length * this.step };
  }

  /** Like EventStoreDB: one write after the other, a unit's earlier writes stay when a later one is refused. */
  async appendToStreams(writes: readonly StreamWrite[], options: AppendToStreamsOptions = {}): Promise<StreamWriteOutcome[]> {
    this.assertAvailable();
    const outcomes: StreamWriteOutcome[] = [];
    let skip = false;
    for (const [index, write] of writes.entries()) {
      const unitStart = write.withPrevious !== true;
      if (unitStart && skip && options.stopAtRefusal !== true) skip = false;
      if (skip) {
        outcomes.push({ ok: false, error: new WriteNotStoredError(write.streamId, 'an earlier write was refused') });
        continue;
      }
      try {
        const result = await this.appendToStream(write.streamId, write.events, {
          expectedRevision: write.expectedRevision ?? 'any',
        });
        outcomes.push({ ok: true, result });
      } catch (error) {
        if (!(error instanceof WrongExpectedVersionError)) throw error;
        outcomes.push({ ok: false, error });
        skip = index + 1 < writes.length;
      }
    }
    return outcomes;
  }

  async readStream(streamId: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    this.assertAvailable();
    const stream = [...(this.streams.get(streamId) ?? [])];
    const ordered = options.direction === 'backwards' ? stream.reverse() : stream;
    const from = options.fromRevision;
    const selected = ordered.filter((event) =>
      from === undefined
        ? true
        : options.direction === 'backwards'
          ? event.revision <= from
          : event.revision >= from,
    );
    return selected.slice(0, options.maxCount ?? selected.length);
  }

  async readAll(options: ReadAllOptions = {}): Promise<RecordedEvent[]> {
    this.assertAvailable();
    const types = options.eventTypes;
    if (types === undefined) return this.page(options.fromPosition ?? 0, options.maxCount ?? Number.POSITIVE_INFINITY);
    const matching = this.page(options.fromPosition ?? 0, Number.POSITIVE_INFINITY).filter((event) => types.includes(event.type));
    return matching.slice(0, options.maxCount ?? matching.length);
  }

  subscribeToAll(options: SubscribeToAllOptions = {}): AllSubscription {
    let checkpoint = options.fromPosition ?? 0;
    const maxBatchSize = options.maxBatchSize ?? 100;
    let closed = false;
    let wake: (() => void) | undefined;
    const listener = (): void => wake?.();
    this.listeners.add(listener);
    const store = this;
    return {
      async *[Symbol.asyncIterator]() {
        try {
          while (!closed) {
            store.assertAvailable();
            const page = store.page(checkpoint, maxBatchSize);
            const last = page[page.length - 1];
            if (last !== undefined) {
              checkpoint = last.position;
              yield page;
            } else {
              await new Promise<void>((resolve) => {
                const timer = setTimeout(resolve, 50);
                wake = () => {
                  clearTimeout(timer);
                  resolve();
                };
              });
              wake = undefined;
            }
          }
        } finally {
          store.listeners.delete(listener);
        }
      },
      async close() {
        closed = true;
        wake?.();
        store.listeners.delete(listener);
      },
    };
  }

  async headPosition(): Promise<number> {
    this.assertAvailable();
    return this.events.length * this.step;
  }

  async tailAfter(afterPosition: number, limit: number): Promise<LogTail> {
    this.assertAvailable();
    const tail = this.page(afterPosition, Number.POSITIVE_INFINITY);
    return { events: Math.min(tail.length, limit), firstRecordedAt: tail[0]?.recordedAt ?? null };
  }

  async checkHealth(): Promise<void> {
    this.assertAvailable();
  }

  async close(): Promise<void> {
    for (const listener of this.listeners) listener();
  }

  private page(after: number, maxCount: number): RecordedEvent[] {
    // Positions are (index + 1) * step: the first event after `after` is at index floor(after / step).
    const start = Math.max(0, Math.floor(after / this.step));
    return this.events.slice(start, start + Math.min(maxCount, this.events.length));
  }

  private assertAvailable(): void {
    if (this.unavailable) throw new StoreUnavailableError('Event store unavailable (fake switched off)');
  }
}

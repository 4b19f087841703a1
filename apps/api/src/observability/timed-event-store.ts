import type {
  AllSubscription,
  LogTail,
  AppendResult,
  EventStore,
  EventToAppend,
  ExpectedRevision,
  ReadAllOptions,
  ReadStreamOptions,
  RecordedEvent,
  StreamWrite,
  StreamWriteOutcome,
  SubscribeToAllOptions,
} from '@qms/event-store';
import { ConcurrencyError } from '@qms/domain-kernel';
import type { ApiMetrics } from './api-metrics';

/** The event-store port with its appends timed into `qms_event_store_append_duration_seconds`. */
export class TimedEventStore implements EventStore {
  constructor(
    private readonly store: EventStore,
    private readonly metrics: ApiMetrics,
  ) {}

  async appendToStream(
    streamId: string,
    events: readonly EventToAppend[],
    options?: { readonly expectedRevision?: ExpectedRevision },
  ): Promise<AppendResult> {
    const stop = this.metrics.appendDuration.startTimer({ operation: 'append' });
    try {
      const result = await this.store.appendToStream(streamId, events, options);
      stop({ outcome: 'ok' });
      this.metrics.appendedEvents.inc(events.length);
      return result;
    } catch (error) {
      stop({ outcome: error instanceof ConcurrencyError ? 'conflict' : 'error' });
      throw error;
    }
  }

  async appendToStreams(writes: readonly StreamWrite[]): Promise<StreamWriteOutcome[]> {
    const stop = this.metrics.appendDuration.startTimer({ operation: 'append-many' });
    try {
      const outcomes = await this.store.appendToStreams(writes);
      stop({ outcome: 'ok' });
      const appended = outcomes.reduce((sum, outcome, index) => sum + (outcome.ok ? (writes[index]?.events.length ?? 0) : 0), 0);
      this.metrics.appendedEvents.inc(appended);
      return outcomes;
    } catch (error) {
      stop({ outcome: 'error' });
      throw error;
    }
  }

  readStream(streamId: string, options?: ReadStreamOptions): Promise<RecordedEvent[]> {
    return this.store.readStream(streamId, options);
  }

  readAll(options?: ReadAllOptions): Promise<RecordedEvent[]> {
    return this.store.readAll(options);
  }

  subscribeToAll(options?: SubscribeToAllOptions): AllSubscription {
    return this.store.subscribeToAll(options);
  }

  headPosition(): Promise<number> {
    return this.store.headPosition();
  }

  tailAfter(afterPosition: number, limit: number): Promise<LogTail> {
    return this.store.tailAfter(afterPosition, limit);
  }

  checkHealth(): Promise<void> {
    return this.store.checkHealth();
  }

  close(): Promise<void> {
    return this.store.close();
  }
}

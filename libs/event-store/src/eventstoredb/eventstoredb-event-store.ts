import type {
  AllStreamRecordedEvent,
  AppendResult as ClientAppendResult,
  ReadPosition,
} from '@eventstore/db-client';
import {
  BACKWARDS,
  END,
  EventStoreDBClient,
  FORWARDS,
  START,
  StreamNotFoundError,
  WrongExpectedVersionError as ClientWrongExpectedVersionError,
} from '@eventstore/db-client';
import { ConcurrencyError, StoreUnavailableError } from '@qms/domain-kernel';
import {
  DEFAULT_MAX_BATCH_SIZE,
  assertCount,
  assertEventTypes,
  assertMetadataKeys,
  assertValidAppend,
  assertValidStreamId,
  oneLine,
} from '../append-validation';
import { AppendInterruptedError, WriteNotStoredError, WrongExpectedVersionError } from '../errors';
import type {
  AllSubscription,
  AppendResult,
  AppendToStreamsOptions,
  EventStore,
  EventToAppend,
  ExpectedRevision,
  LogTail,
  ReadAllOptions,
  ReadStreamOptions,
  RecordedEvent,
  SubscribeToAllOptions,
  StreamWrite,
  StreamWriteOutcome,
} from '../event-store.port';
import { toStoreError } from './eventstoredb-errors';
import {
  allStreamPosition,
  appendPosition,
  isSystemEvent,
  toClientExpectedRevision,
  toEventData,
  toReadPosition,
  toRecordedEvent,
} from './eventstoredb-mapping';
import { EventStoreDbAllSubscription } from './eventstoredb-subscription';

/** $all is read in pages of this size; system events are dropped after reading, so pages may shrink. */
const READ_ALL_PAGE = 1000;
const HEALTH_CHECK_DEADLINE_MS = 3000;

/** The production event store: the same port over EventStoreDB's gRPC client. */
export class EventStoreDbEventStore implements EventStore {
  private readonly subscriptions = new Set<EventStoreDbAllSubscription>();

  private constructor(
    private readonly client: EventStoreDBClient,
    private readonly url: string,
  ) {}

  /** Parses the connection string; nothing is contacted until the first call (see checkHealth). */
  static connect(url: string): EventStoreDbEventStore {
    let client: EventStoreDBClient;
    try {
      client = EventStoreDBClient.connectionString(url);
    } catch (error) {
      throw new StoreUnavailableError(
        `EVENTSTORE_URL is not a valid EventStoreDB connection string (${oneLine(error)}): expected e.g. esdb://localhost:2113?tls=false.`,
      );
    }
    return new EventStoreDbEventStore(client, url);
  }

  async appendToStream(
    streamId: string,
    events: readonly EventToAppend[],
    options: { readonly expectedRevision?: ExpectedRevision } = {},
  ): Promise<AppendResult> {
    const expected = options.expectedRevision ?? 'any';
    assertValidAppend(streamId, events, expected);
    let result: ClientAppendResult;
    try {
      // A retried append (same event ids, same expected revision) is answered by the server as the
      // earlier one, without writing again: we rely on its idempotent writes by event id, which hold
      // while the earlier write is in the server's recent-write cache or the expected revision is
      // exact (https://developers.eventstore.com/clients/grpc/appending-events.html#duplicate-event-ids);
      // the contract suite's retry tests check it against a real server.
      result = await this.client.appendToStream(streamId, events.map(toEventData), {
        expectedRevision: toClientExpectedRevision(expected),
      });
    } catch (error) {
      if (error instanceof ClientWrongExpectedVersionError) {
        const actual = error.actualVersion;
        throw new WrongExpectedVersionError(
          streamId,
          expected,
          actual === 'no_stream' ? 'no_stream' : Number(actual),
        );
      }
      throw this.storeError(error);
    }
    if (!result.success) {
      // Only with throwOnAppendFailure=false in the URL, whose reported revision is unreliable.
      throw new WrongExpectedVersionError(streamId, expected, await this.currentRevision(streamId));
    }
    return { nextExpectedRevision: Number(result.nextExpectedRevision), position: appendPosition(streamId, result.position) };
  }

  /**
   * EventStoreDB has no multi-stream transaction in client 6.x, so the writes go one after the
   * other, in order, each awaited before the next: whatever a crash or a failure interrupts, the
   * stored writes are a prefix of the batch (the allocator's "N exists when N + 1 does" and the
   * claim-before-record order of an Idempotency-Key rely on that). A unit (`withPrevious`) is
   * therefore not atomic here: its earlier writes stay when a later one is refused. A failure
   * other than a refusal rejects with AppendInterruptedError, which lists the outcomes so far.
   */
  async appendToStreams(writes: readonly StreamWrite[], options: AppendToStreamsOptions = {}): Promise<StreamWriteOutcome[]> {
    for (const write of writes) assertValidAppend(write.streamId, write.events, write.expectedRevision ?? 'any');
    const outcomes: StreamWriteOutcome[] = [];
    let skipUnit = false;
    let stopped = false;
    for (const write of writes) {
      if (write.withPrevious !== true) skipUnit = false;
      if (stopped || skipUnit) {
        outcomes.push({ ok: false, error: new WriteNotStoredError(write.streamId, stopped ? 'an earlier write of this batch was refused' : 'the write it belongs with was refused') });
        continue;
      }
      try {
        const result = await this.appendToStream(write.streamId, write.events, { expectedRevision: write.expectedRevision ?? 'any' });
        outcomes.push({ ok: true, result });
      } catch (error) {
        if (!(error instanceof ConcurrencyError)) throw new AppendInterruptedError([...outcomes], write.streamId, error);
        outcomes.push({ ok: false, error });
        skipUnit = true;
        stopped = options.stopAtRefusal === true;
      }
    }
    return outcomes;
  }

  async readStream(streamId: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    assertValidStreamId(streamId);
    assertCount('fromRevision', options.fromRevision);
    assertCount('maxCount', options.maxCount);
    if (options.maxCount === 0) return [];
    const backwards = options.direction === 'backwards';
    const events: RecordedEvent[] = [];
    try {
      const read = this.client.readStream(streamId, {
        direction: backwards ? BACKWARDS : FORWARDS,
        fromRevision:
          options.fromRevision !== undefined ? BigInt(options.fromRevision) : backwards ? END : START,
        maxCount: options.maxCount ?? Number.MAX_SAFE_INTEGER,
      });
      for await (const resolved of read) {
        if (resolved.event !== undefined)
          events.push(toRecordedEvent(resolved.event, resolved.commitPosition));
      }
    } catch (error) {
      if (error instanceof StreamNotFoundError) return [];
      throw this.storeError(error);
    }
    return events;
  }

  /**
   * The client's `fromPosition` is inclusive and ours exclusive, and system events are filtered
   * after reading: so read pages, skip anything at or before the cursor, and keep going until
   * `maxCount` of our events are collected or $all ends. `eventTypes` is applied here too, with
   * the system events, rather than as the server's filter, whose pages can end before `maxCount`
   * matches with no sign of where the search stopped.
   */
  async readAll(options: ReadAllOptions = {}): Promise<RecordedEvent[]> {
    assertCount('fromPosition', options.fromPosition);
    assertCount('maxCount', options.maxCount);
    assertEventTypes(options.eventTypes);
    // metadataKeys: the client parses each event's metadata whole; returning all of it is allowed.
    assertMetadataKeys(options.metadataKeys);
    const types = options.eventTypes === undefined ? null : new Set(options.eventTypes);
    const wanted = options.maxCount ?? Number.POSITIVE_INFINITY;
    const events: RecordedEvent[] = [];
    if (wanted === 0) return events;
    for await (const event of this.eventsAfter(options.fromPosition ?? 0, () => Math.min(READ_ALL_PAGE, wanted - events.length + 1))) {
      if (types === null || types.has(event.type)) events.push(toRecordedEvent(event));
      if (events.length === wanted) break;
    }
    return events;
  }

  subscribeToAll(options: SubscribeToAllOptions = {}): AllSubscription {
    assertCount('fromPosition', options.fromPosition);
    const maxBatchSize = options.maxBatchSize ?? DEFAULT_MAX_BATCH_SIZE;
    if (!Number.isSafeInteger(maxBatchSize) || maxBatchSize < 1) {
      throw new RangeError(`maxBatchSize must be a positive integer, got ${maxBatchSize}.`);
    }
    const subscription = new EventStoreDbAllSubscription(
      this.client,
      options.fromPosition ?? 0,
      maxBatchSize,
      (error) => this.storeError(error),
      (closed) => this.subscriptions.delete(closed),
    );
    this.subscriptions.add(subscription);
    return subscription;
  }

  /** The position of the last non-system event: what a caught-up subscriber has seen last. */
  async headPosition(): Promise<number> {
    const pageSize = 100;
    let from: ReadPosition = END;
    let previousLast: number | undefined;
    for (;;) {
      const page = await this.readAllPage(from, pageSize, BACKWARDS);
      const ours = page.find((event) => !isSystemEvent(event));
      if (ours !== undefined) return allStreamPosition(ours);
      const last = page[page.length - 1];
      if (page.length < pageSize || last === undefined || allStreamPosition(last) === previousLast) return 0;
      previousLast = allStreamPosition(last);
      from = last.position;
    }
  }

  /**
   * EventStoreDB has no count of $all: the tail is read in pages as readAll reads it, but each
   * event is only counted, never converted or kept past its page.
   */
  async tailAfter(afterPosition: number, limit: number): Promise<LogTail> {
    assertCount('afterPosition', afterPosition);
    assertCount('limit', limit);
    let events = 0;
    let firstRecordedAt: Date | null = null;
    // At least one record past the limit, for the first one's time even when none is counted.
    for await (const event of this.eventsAfter(afterPosition, () => Math.min(READ_ALL_PAGE, Math.max(limit - events, 1) + 1))) {
      firstRecordedAt ??= event.created;
      if (events === limit) break;
      events += 1;
    }
    return { events, firstRecordedAt };
  }

  /**
   * Our events strictly after `afterPosition`, read page by page. The client's `fromPosition` is
   * inclusive and ours exclusive, and system events are filtered after reading: so each page
   * skips anything at or before the cursor, and $all is read on until it ends or the caller stops.
   * `nextPageSize` is asked before each page (one more than the caller still wants, for the record
   * at the cursor).
   */
  private async *eventsAfter(afterPosition: number, nextPageSize: () => number): AsyncGenerator<AllStreamRecordedEvent> {
    let cursor = afterPosition;
    for (;;) {
      const pageSize = nextPageSize();
      const page = await this.readAllPage(toReadPosition(cursor), pageSize, FORWARDS);
      let lastPosition = cursor;
      for (const event of page) {
        const position = allStreamPosition(event);
        if (position <= cursor) continue;
        lastPosition = position;
        if (!isSystemEvent(event)) yield event;
      }
      if (page.length < pageSize || lastPosition === cursor) return;
      cursor = lastPosition;
    }
  }

  async checkHealth(): Promise<void> {
    await this.readAllPage(END, 1, BACKWARDS, HEALTH_CHECK_DEADLINE_MS);
  }

  async close(): Promise<void> {
    await Promise.all([...this.subscriptions].map((subscription) => subscription.close()));
    await this.client.dispose();
  }

  private async readAllPage(
    from: ReadPosition,
    maxCount: number,
    direction: typeof FORWARDS | typeof BACKWARDS,
    deadline?: number,
  ): Promise<AllStreamRecordedEvent[]> {
    const events: AllStreamRecordedEvent[] = [];
    try {
      const read = this.client.readAll({
        fromPosition: from,
        maxCount,
        direction,
        ...(deadline ? { deadline } : {}),
      });
      for await (const resolved of read) {
        if (resolved.event !== undefined) events.push(resolved.event);
      }
    } catch (error) {
      throw this.storeError(error);
    }
    return events;
  }

  private async currentRevision(streamId: string): Promise<number | 'no_stream'> {
    const [last] = await this.readStream(streamId, { direction: 'backwards', maxCount: 1 });
    return last === undefined ? 'no_stream' : last.revision;
  }

  private storeError(error: unknown): unknown {
    return toStoreError(error, this.url);
  }
}

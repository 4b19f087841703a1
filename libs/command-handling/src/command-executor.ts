import { createHash } from 'node:crypto';
import {
  type Actor,
  ConcurrencyError,
  type Decider,
  type DomainEvent,
} from '@qms/domain-kernel';
import { type AppendResult, type EventStore, type EventToAppend, type JsonObject, type RecordedEvent, type StreamWrite, type StreamWriteOutcome, WrongExpectedVersionError } from '@qms/event-store';
import { canonicalJson, eventHash } from '@qms/audit';
import type { EventCodec } from './event-codec.port';
import { assertSameRequest, IdempotencyRecords, keyReusedError, PerKeyQueue } from './idempotency-records';
import { emptyView, extendView, follows, keyedIndexKey, type StateFolder, type StreamView, StreamViewCache } from './stream-view';
import { newEventId } from './event-ids';

/** Who sends a command and how it is traced. Filled by the transport, never from a request body. */
export interface CommandMetadata {
  readonly actor: Actor;
  readonly correlationId: string;
  readonly causationId: string;
  readonly idempotencyKey?: string;
  /** The revision the client last saw (`If-Match`): a mismatch is a 409, never a silent retry. */
  readonly expectedRevision?: number;
  /** Identifies the request behind an Idempotency-Key; defaults to a hash of the command. */
  readonly requestFingerprint?: string;
}

export interface CommandResult<State = unknown> {
  readonly streamId: string;
  /** Revision of the stream's last event after the command (the ETag). -1 when the stream is empty. */
  readonly revision: number;
  /** Global position of the stream's last event: the consistency token for read-your-writes. */
  readonly position: number;
  readonly appendedEventIds: readonly string[];
  /** True when an earlier request with the same Idempotency-Key already did the work. */
  readonly replayed: boolean;
  readonly state: State;
}

export interface ExecuteOptions {
  /** The stream must not exist yet (registrations): a conflict means the id is taken. */
  readonly mustBeNew?: boolean;
}

export interface CommandExecutorOptions {
  /**
   * How many streams keep their folded state between commands (least recently used go first);
   * 0 reads and folds the whole stream for every command.
   */
  readonly cachedStreams?: number;
}

/** A decided command not yet appended: see `prepareNew`. */
export interface PreparedWrite<State> {
  readonly write: StreamWrite;
  complete(result: AppendResult): CommandResult<State>;
}

const MAX_ATTEMPTS = 5;
// Above the open complaints a busy site works on at once (the benchmark cycles through 2,185).
const DEFAULT_CACHED_STREAMS = 4_096;

/**
 * The command handler loop in one place: read the stream, fold evolve, decide, append with the
 * expected revision, retry a bounded number of times when another writer got there first.
 * Each appended event's metadata carries the actor, tracing ids, its schema version and the hash
 * chained to the previous event of the stream.
 *
 * Recently used streams stay folded in memory with the revision they reflect, and a command is
 * decided on that view without reading the stream (a read was a tenth of a command's time): the
 * append's expected revision refuses it if another process appended since, and the retry reads
 * only the events after the view. An answer that appends nothing (no change, a domain error, an
 * idempotent replay) first looks for newer events, and so does anything comparing the revision
 * (If-Match, a stream that must be new). Only the events this executor appended (and read) move an
 * entry forward; a refusal other than another writer's append drops it.
 */
export class CommandExecutor {
  private readonly views: StreamViewCache;
  private readonly idempotency: IdempotencyRecords;
  private readonly keyQueue = new PerKeyQueue();

  constructor(
    /** For handlers that append a claim with a command's events (see executeNew). */
    readonly store: EventStore,
    private readonly codec: EventCodec,
    private readonly clock: () => Date = () => new Date(),
    options: CommandExecutorOptions = {},
  ) {
    this.views = new StreamViewCache(options.cachedStreams ?? DEFAULT_CACHED_STREAMS);
    this.idempotency = new IdempotencyRecords(store);
  }

  /**
   * A command that creates a stream whose id the server picks (`newId`, e.g. a UUID): with an
   * Idempotency-Key, exactly one stream per key however many requests run at once or are retried
   * after a crash. The key's claim (naming the stream) and the stream's first events go in one
   * batched append, the claim first: atomic on SQLite; on EventStoreDB a crash between the two
   * leaves a claim without its record, which the next request with the key finds and completes
   * (creating the record under the claimed id), so a retry never picks a second id. A request
   * whose claim or record is refused by a concurrent one reads the claim again and answers with
   * that request's result (the same body) or, for a different body, a 400 naming the key.
   */
  async executeNew<Command extends { type: string }, Event extends DomainEvent, State>(
    decider: Decider<Command, Event, State>,
    newId: () => string,
    streamIdOf: (id: string) => string,
    commandFor: (id: string) => Command,
    metadata: CommandMetadata,
  ): Promise<CommandResult<State> & { readonly id: string }> {
    const key = metadata.idempotencyKey;
    if (key === undefined) {
      const id = newId();
      return { ...(await this.execute(decider, streamIdOf(id), commandFor(id), metadata, { mustBeNew: true })), id };
    }
    const commandHash = metadata.requestFingerprint ?? sha256(canonicalJson(commandFor('')));
    const keyed = { ...metadata, requestFingerprint: commandHash };
    return this.keyQueue.run(JSON.stringify([metadata.actor.userId, key]), async () => {
      for (let attempt = 1; ; attempt++) {
        const claim = await this.idempotency.find(metadata.actor, key);
        if (claim !== undefined) {
          assertSameRequest(claim, commandHash);
          const id = idOf(claim.streamId, streamIdOf);
          // Replays the record, or creates it when a crash left the claim alone (EventStoreDB).
          return { ...(await this.execute(decider, claim.streamId, commandFor(id), keyed, { mustBeNew: true })), id };
        }
        const id = newId();
        const prepared = this.prepareNew(decider, streamIdOf(id), commandFor(id), keyed);
        const [claimed, recorded] = await this.store.appendToStreams([
          this.idempotency.claim(metadata.actor, key, streamIdOf(id), commandHash, 'no_stream'),
          { ...prepared.write, withPrevious: true },
        ]);
        if (recorded?.ok === true) return { ...prepared.complete(recorded.result), id };
        // A concurrent request claimed the key (or completed our claim first): answer from its claim.
        if (attempt >= MAX_ATTEMPTS) throw firstRefusal([claimed, recorded]);
      }
    });
  }

  async execute<Command extends { type: string }, Event extends DomainEvent, State>(
    decider: Decider<Command, Event, State>,
    streamId: string,
    command: Command,
    metadata: CommandMetadata,
    options: ExecuteOptions = {},
  ): Promise<CommandResult<State>> {
    const keyed = keyedCommand(metadata, () => requestHash(command, metadata));
    for (let attempt = 1; ; attempt++) {
      // A cached view is decided on as it is: the append's expected revision refuses it if another
      // writer got there first, and an answer without an append looks for newer events first. An
      // If-Match, and a stream that must be new, answer with the stream's real revision: they read.
      const trustCache = attempt === 1 && metadata.expectedRevision === undefined && options.mustBeNew !== true;
      const cached = trustCache ? this.views.get(streamId, decider) : undefined;
      const view = cached ?? (await this.currentView(decider, streamId));
      const decidedUnread = cached !== undefined;
      const previous = findIdempotentResult(view, metadata.actor, keyed);
      if (previous) {
        // The replayed answer carries the stream's state now, as a fresh read would.
        if (decidedUnread && (await this.streamMovedOn(streamId, view.revision))) continue;
        return { ...previous, streamId, state: view.state };
      }
      const { revision, state } = view;
      // Taken already (by another process, or before a stale counter noticed): the caller moves on.
      if (options.mustBeNew && revision >= 0) throw new WrongExpectedVersionError(streamId, 'no_stream', revision);
      if (metadata.expectedRevision !== undefined && metadata.expectedRevision !== revision) {
        throw new ConcurrencyError(
          `Stream ${streamId} is at revision ${revision}, the request expected ${metadata.expectedRevision} (If-Match). Reload and retry.`,
        );
      }
      const now = this.clock();
      let decided: Event[];
      try {
        decided = decider.decide(command, state, { now, actor: metadata.actor });
      } catch (error) {
        if (decidedUnread && (await this.streamMovedOn(streamId, revision))) continue;
        throw error;
      }
      if (decided.length === 0) {
        if (decidedUnread && (await this.streamMovedOn(streamId, revision))) continue;
        return { streamId, revision, position: view.position, appendedEventIds: [], replayed: false, state };
      }
      const toAppend = this.chain(streamId, revision, view.lastHash, decided, command.type, metadata, keyed);
      let result: AppendResult;
      try {
        result = await this.store.appendToStream(streamId, toAppend, {
          expectedRevision: revision < 0 ? 'no_stream' : revision,
        });
      } catch (error) {
        // Another writer appended after the view: the retry reads only the events after it. Any
        // other refusal may mean the store no longer holds what the view reflects: read afresh.
        const wentOn = error instanceof WrongExpectedVersionError && typeof error.actual === 'number' && error.actual > revision;
        if (!wentOn) this.views.delete(streamId);
        const retryable = error instanceof WrongExpectedVersionError && !options.mustBeNew && metadata.expectedRevision === undefined;
        if (!retryable || attempt >= MAX_ATTEMPTS) throw error;
        continue;
      }
      const after = this.afterAppend(decider, streamId, view, toAppend, result, true);
      return {
        streamId,
        revision: result.nextExpectedRevision,
        position: result.position,
        appendedEventIds: toAppend.map((event) => event.id),
        replayed: false,
        state: after.state,
      };
    }
  }

  /**
   * Decides a command for a stream that must not exist yet, without reading it, and returns the
   * write for the caller to append together with others (`appendToStreams`, expected revision
   * `no_stream`) and how to turn the store's result into the command's result. Throws what
   * `decide` throws; a refused write means the stream exists.
   */
  prepareNew<Command extends { type: string }, Event extends DomainEvent, State>(
    decider: Decider<Command, Event, State>,
    streamId: string,
    command: Command,
    metadata: CommandMetadata,
  ): PreparedWrite<State> {
    const keyed = keyedCommand(metadata, () => requestHash(command, metadata));
    const view = emptyView(decider);
    const decided = decider.decide(command, view.state, { now: this.clock(), actor: metadata.actor });
    if (decided.length === 0) throw new Error(`${command.type} decided nothing for new stream ${streamId}`);
    const events = this.chain(streamId, view.revision, view.lastHash, decided, command.type, metadata, keyed);
    return {
      write: { streamId, events, expectedRevision: 'no_stream' },
      complete: (result) => ({
        streamId,
        revision: result.nextExpectedRevision,
        position: result.position,
        appendedEventIds: events.map((event) => event.id),
        replayed: false,
        state: this.afterAppend(decider, streamId, view, events, result, true).state,
      }),
    };
  }

  /**
   * The same decision loop for many independent streams at once (bulk imports): each command is
   * decided against its own stream, and every resulting append goes to the store in one batch
   * (one commit on SQLite). A write that loses a race is retried alone through `execute`.
   * Per item: its result, or the domain error that refused it.
   */
  async executeMany<Command extends { type: string }, Event extends DomainEvent, State>(
    decider: Decider<Command, Event, State>,
    items: readonly { readonly streamId: string; readonly command: Command }[],
    metadata: CommandMetadata,
  ): Promise<(CommandResult<State> | { readonly error: unknown })[]> {
    const now = this.clock();
    const outcomes: (CommandResult<State> | { readonly error: unknown } | undefined)[] = Array.from({ length: items.length }, () => undefined);
    const pending: { index: number; view: StreamView<State>; write: StreamWrite }[] = [];
    for (const [index, { streamId, command }] of items.entries()) {
      const view = await this.currentView(decider, streamId);
      const { state, revision } = view;
      let decided: Event[];
      try {
        decided = decider.decide(command, state, { now, actor: metadata.actor });
      } catch (error) {
        outcomes[index] = { error };
        continue;
      }
      if (decided.length === 0) {
        outcomes[index] = { streamId, revision, position: view.position, appendedEventIds: [], replayed: false, state };
        continue;
      }
      const events = this.chain(streamId, revision, view.lastHash, decided, command.type, metadata, keyedCommand(metadata, () => sha256(canonicalJson(command))));
      pending.push({ index, view, write: { streamId, events, expectedRevision: revision < 0 ? 'no_stream' : revision } });
    }
    const written = await this.store.appendToStreams(pending.map((item) => item.write));
    for (const [slot, outcome] of written.entries()) {
      const item = pending[slot]!;
      const { streamId, command } = items[item.index]!;
      if (outcome.ok) {
        // A bulk import creates many streams that no command may touch again: only refresh known ones.
        const after = this.afterAppend(decider, streamId, item.view, item.write.events, outcome.result, item.view.revision >= 0);
        outcomes[item.index] = {
          streamId,
          revision: outcome.result.nextExpectedRevision,
          position: outcome.result.position,
          appendedEventIds: item.write.events.map((event) => event.id),
          replayed: false,
          state: after.state,
        };
      } else {
        this.views.delete(streamId);
        outcomes[item.index] = await this.execute(decider, streamId, command, metadata).catch((error: unknown) => ({ error }));
      }
    }
    return outcomes as (CommandResult<State> | { readonly error: unknown })[];
  }

  /** The current state of a stream, for reads and as-of views. */
  async load<Event extends DomainEvent, State>(decider: StateFolder<Event, State>, streamId: string) {
    const recorded = await this.store.readStream(streamId);
    return { state: this.fold(decider, recorded), revision: recorded.length - 1, position: recorded.at(-1)?.position ?? 0, recorded };
  }

  private fold<Event extends DomainEvent, State>(decider: StateFolder<Event, State>, recorded: readonly RecordedEvent[]): State {
    return extendView(emptyView(decider), decider, recorded, this.codec).state;
  }

  /** Whether the stream holds events after `revision`: a view decided on unread was stale. */
  private async streamMovedOn(streamId: string, revision: number): Promise<boolean> {
    return (await this.store.readStream(streamId, { fromRevision: revision + 1, maxCount: 1 })).length > 0;
  }

  /** The stream as it is now: the cached view plus the events appended since, or a full read. */
  private async currentView<Event extends DomainEvent, State>(folder: StateFolder<Event, State>, streamId: string): Promise<StreamView<State>> {
    const cached = this.views.get(streamId, folder);
    if (cached !== undefined) {
      const newer = await this.store.readStream(streamId, { fromRevision: cached.revision + 1 });
      if (newer.length === 0) return cached;
      if (follows(newer, cached.revision)) {
        const view = extendView(cached, folder, newer, this.codec);
        this.views.put(streamId, view);
        return view;
      }
    }
    const view = extendView(emptyView(folder), folder, await this.store.readStream(streamId), this.codec);
    // Empty streams are mostly ids about to be claimed (registrations, imports): not worth a slot.
    if (view.revision >= 0) this.views.put(streamId, view);
    return view;
  }

  /**
   * The view after our own append, folded from the events as they were written (the fold decodes
   * them exactly as a later read would). Every event of one command carries the same key, so the
   * append's position is the one a keyed retry reports; earlier events' positions are never read.
   */
  private afterAppend<Event extends DomainEvent, State>(
    folder: StateFolder<Event, State>,
    streamId: string,
    view: StreamView<State>,
    appended: readonly EventToAppend[],
    result: AppendResult,
    keep: boolean,
  ): StreamView<State> {
    const recordedAt = new Date();
    const recorded: RecordedEvent[] = appended.map((event, index) => ({
      ...event,
      streamId,
      revision: view.revision + 1 + index,
      position: result.position,
      recordedAt,
    }));
    const after = extendView(view, folder, recorded, this.codec);
    if (result.nextExpectedRevision !== after.revision) this.views.delete(streamId);
    else if (keep) this.views.put(streamId, after);
    return after;
  }

  private chain(
    streamId: string,
    lastRevision: number,
    previousHash: string,
    events: readonly DomainEvent[],
    commandType: string,
    metadata: CommandMetadata,
    keyed: KeyedCommand | undefined,
  ): EventToAppend[] {
    const appended: EventToAppend[] = [];
    let linkHash = previousHash;
    events.forEach((event, index) => {
      const id = newEventId();
      const eventMetadata: JsonObject = {
        schemaVersion: this.codec.schemaVersion(event.type),
        commandType,
        actor: { userId: metadata.actor.userId, role: metadata.actor.role, ...(metadata.actor.department ? { department: metadata.actor.department } : {}) },
        correlationId: metadata.correlationId,
        causationId: metadata.causationId,
        ...keyed,
        previousHash: linkHash,
      };
      const data = event.data as JsonObject;
      const hash = eventHash({ streamId, revision: lastRevision + 1 + index, id, type: event.type, data, metadata: eventMetadata }, linkHash);
      appended.push({ id, type: event.type, data, metadata: { ...eventMetadata, hash } });
      linkHash = hash;
    });
    return appended;
  }
}

/** A retried command (same actor and Idempotency-Key) returns its first result and appends nothing. */
function findIdempotentResult(
  view: StreamView<unknown>,
  actor: Actor,
  keyed: KeyedCommand | undefined,
): Omit<CommandResult, 'streamId' | 'state'> | undefined {
  if (keyed === undefined) return undefined;
  const earlier = view.keyed.get(keyedIndexKey(actor.userId, keyed.idempotencyKey));
  if (earlier === undefined) return undefined;
  if (earlier.commandHash !== keyed.commandHash) throw keyReusedError();
  return { revision: earlier.revision, position: earlier.position, appendedEventIds: earlier.eventIds, replayed: true };
}

function firstRefusal(outcomes: readonly (StreamWriteOutcome | undefined)[]): unknown {
  for (const outcome of outcomes) if (outcome?.ok === false) return outcome.error;
  return new Error('appendToStreams returned no outcome');
}

/** The id inside a claimed stream id, or a 400 when the key was claimed for another kind of record. */
function idOf(streamId: string, streamIdOf: (id: string) => string): string {
  const prefix = streamIdOf('');
  if (!streamId.startsWith(prefix)) throw keyReusedError();
  return streamId.slice(prefix.length);
}

/** The fingerprint stored with a keyed command's events: the request's, or a hash of the command. */
export function requestHash(command: unknown, metadata: Pick<CommandMetadata, 'requestFingerprint'>): string {
  return metadata.requestFingerprint ?? sha256(canonicalJson(command));
}

/** What a keyed command's events carry in their metadata: its Idempotency-Key and fingerprint. */
interface KeyedCommand {
  readonly idempotencyKey: string;
  readonly commandHash: string;
}

/**
 * The key and fingerprint of a command with an Idempotency-Key, undefined without one: most
 * commands have none, and nothing reads the canonical text and hash of an unkeyed command.
 */
function keyedCommand(metadata: Pick<CommandMetadata, 'idempotencyKey'>, fingerprint: () => string): KeyedCommand | undefined {
  return metadata.idempotencyKey === undefined ? undefined : { idempotencyKey: metadata.idempotencyKey, commandHash: fingerprint() };
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

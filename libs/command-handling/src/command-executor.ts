import { createHash, randomUUID } from 'node:crypto';
import {
  type Actor,
  ConcurrencyError,
  type Decider,
  type DomainEvent,
  ValidationError,
} from '@qms/domain-kernel';
import { type EventStore, type EventToAppend, type JsonObject, type RecordedEvent, type StreamWrite, WrongExpectedVersionError } from '@qms/event-store';
import { canonicalJson, eventHash, GENESIS_HASH, hashOf } from '@qms/audit';
import type { EventCodec } from './event-codec.port';

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

const MAX_ATTEMPTS = 5;

type StateFolder<Event extends DomainEvent, State> = Pick<Decider<unknown, Event, State>, 'initialState' | 'evolve'>;

/**
 * The command handler loop in one place: read the stream, fold evolve, decide, append with the
 * expected revision, retry a bounded number of times when another writer got there first.
 * Each appended event's metadata carries the actor, tracing ids, its schema version and the hash
 * chained to the previous event of the stream.
 */
export class CommandExecutor {
  constructor(
    private readonly store: EventStore,
    private readonly codec: EventCodec,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  async execute<Command extends { type: string }, Event extends DomainEvent, State>(
    decider: Decider<Command, Event, State>,
    streamId: string,
    command: Command,
    metadata: CommandMetadata,
    options: ExecuteOptions = {},
  ): Promise<CommandResult<State>> {
    const commandHash = metadata.requestFingerprint ?? sha256(canonicalJson(command));
    for (let attempt = 1; ; attempt++) {
      const recorded = await this.store.readStream(streamId);
      const previous = findIdempotentResult(recorded, metadata, commandHash);
      if (previous) return { ...previous, streamId, state: this.fold(decider, recorded) };
      const revision = recorded.length - 1;
      if (metadata.expectedRevision !== undefined && metadata.expectedRevision !== revision) {
        throw new ConcurrencyError(
          `Stream ${streamId} is at revision ${revision}, the request expected ${metadata.expectedRevision} (If-Match). Reload and retry.`,
        );
      }
      const state = this.fold(decider, recorded);
      const now = this.clock();
      const decided = decider.decide(command, state, { now, actor: metadata.actor });
      const last = recorded.at(-1);
      if (decided.length === 0) {
        return { streamId, revision, position: last?.position ?? 0, appendedEventIds: [], replayed: false, state };
      }
      const toAppend = this.chain(streamId, revision, last ? (hashOf(last) ?? GENESIS_HASH) : GENESIS_HASH, decided, command.type, metadata, commandHash);
      try {
        const result = await this.store.appendToStream(streamId, toAppend, {
          expectedRevision: revision < 0 ? 'no_stream' : revision,
        });
        const newState = decided.reduce(decider.evolve, state);
        return {
          streamId,
          revision: result.nextExpectedRevision,
          position: result.position,
          appendedEventIds: toAppend.map((event) => event.id),
          replayed: false,
          state: newState,
        };
      } catch (error) {
        const retryable = error instanceof WrongExpectedVersionError && !options.mustBeNew && metadata.expectedRevision === undefined;
        if (!retryable || attempt >= MAX_ATTEMPTS) throw error;
      }
    }
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
    const pending: { index: number; state: State; revision: number; events: Event[]; write: StreamWrite }[] = [];
    for (const [index, { streamId, command }] of items.entries()) {
      const recorded = await this.store.readStream(streamId);
      const state = this.fold(decider, recorded);
      const revision = recorded.length - 1;
      const last = recorded.at(-1);
      let decided: Event[];
      try {
        decided = decider.decide(command, state, { now, actor: metadata.actor });
      } catch (error) {
        outcomes[index] = { error };
        continue;
      }
      if (decided.length === 0) {
        outcomes[index] = { streamId, revision, position: last?.position ?? 0, appendedEventIds: [], replayed: false, state };
        continue;
      }
      const events = this.chain(streamId, revision, last ? (hashOf(last) ?? GENESIS_HASH) : GENESIS_HASH, decided, command.type, metadata, sha256(canonicalJson(command)));
      pending.push({ index, state, revision, events: decided, write: { streamId, events, expectedRevision: revision < 0 ? 'no_stream' : revision } });
    }
    const written = await this.store.appendToStreams(pending.map((item) => item.write));
    for (const [slot, outcome] of written.entries()) {
      const item = pending[slot]!;
      const { streamId, command } = items[item.index]!;
      if (outcome.ok) {
        outcomes[item.index] = {
          streamId,
          revision: outcome.result.nextExpectedRevision,
          position: outcome.result.position,
          appendedEventIds: item.write.events.map((event) => event.id),
          replayed: false,
          state: item.events.reduce(decider.evolve, item.state),
        };
      } else {
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
    let state = decider.initialState();
    for (const event of recorded) state = decider.evolve(state, this.codec.decode(event) as Event);
    return state;
  }

  private chain(
    streamId: string,
    lastRevision: number,
    previousHash: string,
    events: readonly DomainEvent[],
    commandType: string,
    metadata: CommandMetadata,
    commandHash: string,
  ): EventToAppend[] {
    const appended: EventToAppend[] = [];
    let linkHash = previousHash;
    events.forEach((event, index) => {
      const id = randomUUID();
      const eventMetadata: JsonObject = {
        schemaVersion: this.codec.schemaVersion(event.type),
        commandType,
        actor: { userId: metadata.actor.userId, role: metadata.actor.role, ...(metadata.actor.department ? { department: metadata.actor.department } : {}) },
        correlationId: metadata.correlationId,
        causationId: metadata.causationId,
        ...(metadata.idempotencyKey !== undefined ? { idempotencyKey: metadata.idempotencyKey, commandHash } : {}),
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
  recorded: readonly RecordedEvent[],
  metadata: CommandMetadata,
  commandHash: string,
): Omit<CommandResult, 'streamId' | 'state'> | undefined {
  if (metadata.idempotencyKey === undefined) return undefined;
  const earlier = recorded.filter(
    (event) =>
      event.metadata['idempotencyKey'] === metadata.idempotencyKey &&
      (event.metadata['actor'] as { userId?: unknown } | undefined)?.userId === metadata.actor.userId,
  );
  const last = earlier.at(-1);
  if (!last) return undefined;
  if (last.metadata['commandHash'] !== commandHash) {
    throw ValidationError.field('Idempotency-Key', 'was already used for a different request; use a new key for a new request');
  }
  return { revision: last.revision, position: last.position, appendedEventIds: earlier.map((event) => event.id), replayed: true };
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

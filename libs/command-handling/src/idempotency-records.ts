import { createHash } from 'node:crypto';
import { type Actor, ConcurrencyError, ValidationError } from '@qms/domain-kernel';
import type { EventStore, StreamWrite } from '@qms/event-store';
import { newEventId } from './event-ids';

/** Which stream an Idempotency-Key was claimed for, by which request, at which revision of the key's stream. */
export interface IdempotencyClaim {
  readonly streamId: string;
  /** Undefined for claims recorded before requests were fingerprinted. */
  readonly commandHash: string | undefined;
  readonly revision: number;
}

/**
 * For commands that create a stream whose id the server picks (a complaint number, a return id),
 * each Idempotency-Key has a stream of its own whose last event names the stream the key's
 * request creates. The claim is written with expected revision `no_stream` in the same batched
 * append as the record's first event (`withPrevious`): on SQLite both or neither are stored, so
 * concurrent requests and a crash at any instant leave exactly one record. On EventStoreDB the
 * claim is stored first: a crash after it leaves a claim without its record, and a retry that
 * finds the claim creates the record under the stream it names (or, when a complaint number was
 * taken meanwhile, moves the claim on to a new number at the claim's revision): see
 * CommandExecutor.executeNew and the complaint registration.
 */
export class IdempotencyRecords {
  constructor(private readonly store: EventStore) {}

  async find(actor: Actor, key: string): Promise<IdempotencyClaim | undefined> {
    const [record] = await this.store.readStream(recordStreamId(actor, key), { direction: 'backwards', maxCount: 1 });
    const streamId = record?.data['streamId'];
    if (record === undefined || typeof streamId !== 'string') return undefined;
    const commandHash = record.data['commandHash'];
    return { streamId, commandHash: typeof commandHash === 'string' ? commandHash : undefined, revision: record.revision };
  }

  /** The write claiming `key` for `streamId`: `no_stream` for a first claim, the claim's revision to move it. */
  claim(actor: Actor, key: string, streamId: string, commandHash: string, expectedRevision: 'no_stream' | number): StreamWrite {
    return {
      streamId: recordStreamId(actor, key),
      events: [{ id: newEventId(), type: 'IdempotencyKeyUsed', data: { streamId, commandHash }, metadata: { userId: actor.userId } }],
      expectedRevision,
    };
  }
}

/** A claim made by a request with another body: the key cannot be used for this one. */
export function assertSameRequest(claim: IdempotencyClaim, commandHash: string): void {
  if (claim.commandHash !== undefined && claim.commandHash !== commandHash) throw keyReusedError();
}

export function keyReusedError(): ValidationError {
  return ValidationError.field('Idempotency-Key', 'was already used for a different request; use a new key for a new request');
}

/** Another request claimed the key first: the caller reads the claim and answers from it. */
export class KeyClaimedElsewhereError extends ConcurrencyError {
  constructor() {
    super('The Idempotency-Key was claimed by a concurrent request; its result is read back.');
  }
}

/**
 * Runs the tasks of one key one after the other within this process, so that concurrent requests
 * with one key wait for the first and answer from its record instead of racing for the claim
 * (other processes still race, and the claim decides).
 */
export class PerKeyQueue {
  private readonly tails = new Map<string, Promise<unknown>>();

  run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    const next = previous.then(task, task);
    const tail = next.catch(() => undefined);
    this.tails.set(key, tail);
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return next;
  }
}

export function recordStreamId(actor: Actor, key: string): string {
  return `idempotency-${createHash('sha256').update(`${actor.userId}\u0000${key}`).digest('hex')}`;
}

import { createHash, randomUUID } from 'node:crypto';
import type { Actor } from '@qms/domain-kernel';
import type { EventStore } from '@qms/event-store';

/**
 * For commands that create a stream whose id is only known once decided (a complaint number),
 * remembers which stream an Idempotency-Key created, so a retry goes back to that stream, where
 * the executor finds the events carrying the key and returns the first result.
 */
export class IdempotencyRecords {
  constructor(private readonly store: EventStore) {}

  async find(actor: Actor, key: string): Promise<string | undefined> {
    const [record] = await this.store.readStream(recordStreamId(actor, key), { maxCount: 1 });
    const streamId = record?.data['streamId'];
    return typeof streamId === 'string' ? streamId : undefined;
  }

  async remember(actor: Actor, key: string, streamId: string): Promise<void> {
    await this.store.appendToStream(
      recordStreamId(actor, key),
      [{ id: randomUUID(), type: 'IdempotencyKeyUsed', data: { streamId }, metadata: { userId: actor.userId } }],
      { expectedRevision: 'any' },
    );
  }
}

function recordStreamId(actor: Actor, key: string): string {
  return `idempotency-${createHash('sha256').update(`${actor.userId}\u0000${key}`).digest('hex')}`;
}

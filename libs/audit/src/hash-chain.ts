import { createHash } from 'node:crypto';
import { canonicalJson } from './canonical-json';

/**
 * Tamper evidence (IATF 7.5.3.2.1): every event's metadata carries `hash`, a SHA-256 over its
 * canonical content and the hash of the previous event of its stream, so altering, removing or
 * reordering any stored event breaks every later link.
 */
export const GENESIS_HASH = '0'.repeat(64);

export interface HashableEvent {
  readonly streamId: string;
  readonly revision: number;
  readonly id: string;
  readonly type: string;
  readonly data: unknown;
  readonly metadata: Readonly<Record<string, unknown>>;
}

export function eventHash(event: HashableEvent, previousHash: string): string {
  const { hash: _ignored, ...metadata } = event.metadata;
  const content = canonicalJson({
    streamId: event.streamId,
    revision: event.revision,
    id: event.id,
    type: event.type,
    data: event.data,
    metadata,
    previousHash,
  });
  return createHash('sha256').update(content).digest('hex');
}

export function hashOf(event: { readonly metadata: Readonly<Record<string, unknown>> }): string | undefined {
  const hash = event.metadata['hash'];
  return typeof hash === 'string' ? hash : undefined;
}

export type StreamVerification =
  | { readonly ok: true; readonly streamId: string; readonly eventCount: number; readonly lastHash: string }
  | {
      readonly ok: false;
      readonly streamId: string;
      readonly eventCount: number;
      readonly firstBadRevision: number;
      readonly firstBadEventId: string;
      readonly reason: string;
    };

/** Walks a stream from its first event; names the first event whose link does not hold. */
export function verifyChain(streamId: string, events: readonly HashableEvent[]): StreamVerification {
  let previousHash = GENESIS_HASH;
  for (const [index, event] of events.entries()) {
    const bad = (reason: string): StreamVerification => ({
      ok: false,
      streamId,
      eventCount: events.length,
      firstBadRevision: event.revision,
      firstBadEventId: event.id,
      reason,
    });
    if (event.revision !== index) return bad(`expected revision ${index}, found ${event.revision}`);
    if (event.metadata['previousHash'] !== previousHash) return bad('previousHash does not link to the event before it');
    const stored = hashOf(event);
    if (stored === undefined) return bad('the event carries no hash');
    if (stored !== eventHash(event, previousHash)) return bad('content does not match its hash: the event was altered');
    previousHash = stored;
  }
  return { ok: true, streamId, eventCount: events.length, lastHash: previousHash };
}

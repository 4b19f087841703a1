import { eventHash, GENESIS_HASH, hashOf, type HashableEvent } from './hash-chain';

/** The first event of a stream whose link does not hold, and why. */
export interface ChainBreak {
  readonly streamId: string;
  readonly revision: number;
  readonly eventId: string;
  readonly position?: number;
  readonly reason: string;
}

export interface ChainVerifierOptions {
  /**
   * Streams kept outside any hash chain by design; only their revisions are checked. Decided by
   * the stream id, never by an event's content, so that stripping the hash from an event does not
   * turn its stream into one that is not checked.
   */
  readonly isUnchainedStream?: (streamId: string) => boolean;
}

/**
 * The idempotency records (libs/command-handling) map a key to the stream it created; they hold
 * no business record and are appended without a chain.
 */
export const UNCHAINED_STREAM_PREFIXES: readonly string[] = ['idempotency-'];

export function isUnchainedByDesign(streamId: string): boolean {
  return UNCHAINED_STREAM_PREFIXES.some((prefix) => streamId.startsWith(prefix));
}

type StreamLink =
  | { readonly kind: 'chained'; readonly nextRevision: number; readonly lastHash: string }
  | { readonly kind: 'unchained'; readonly nextRevision: number }
  | { readonly kind: 'broken' };

type CheckedEvent = HashableEvent & { readonly position?: number };

/**
 * Checks hash chains one event at a time, for events fed in stream order (the global log is).
 * It keeps one link per stream (the last hash and the next revision), never the events, so a
 * whole store is verified in one pass with memory bounded by the number of streams. After its
 * first break a stream is no longer checked: every later link would fail too.
 */
export class ChainVerifier {
  private readonly links = new Map<string, StreamLink>();
  private readonly breaks: ChainBreak[] = [];
  private events = 0;
  private readonly isUnchainedStream: (streamId: string) => boolean;

  constructor(options: ChainVerifierOptions = {}) {
    this.isUnchainedStream = options.isUnchainedStream ?? isUnchainedByDesign;
  }

  /** Returns the break this event reveals, if any. */
  check(event: CheckedEvent): ChainBreak | undefined {
    this.events += 1;
    const link = this.links.get(event.streamId) ?? this.firstLink(event);
    if (link.kind === 'broken') return undefined;
    const problem = this.problemOf(event, link);
    if (problem !== undefined) {
      const found: ChainBreak = {
        streamId: event.streamId,
        revision: event.revision,
        eventId: event.id,
        ...(event.position !== undefined ? { position: event.position } : {}),
        reason: problem,
      };
      this.breaks.push(found);
      this.links.set(event.streamId, { kind: 'broken' });
      return found;
    }
    this.links.set(
      event.streamId,
      link.kind === 'chained'
        ? { kind: 'chained', nextRevision: link.nextRevision + 1, lastHash: hashOf(event) ?? GENESIS_HASH }
        : { kind: 'unchained', nextRevision: link.nextRevision + 1 },
    );
    return undefined;
  }

  summary(): ChainSummary {
    let unchained = 0;
    for (const link of this.links.values()) if (link.kind === 'unchained') unchained += 1;
    return {
      ok: this.breaks.length === 0,
      streamsChecked: this.links.size,
      eventsChecked: this.events,
      unchainedStreams: unchained,
      breaks: [...this.breaks],
    };
  }

  private firstLink(event: CheckedEvent): StreamLink {
    return this.isUnchainedStream(event.streamId)
      ? { kind: 'unchained', nextRevision: 0 }
      : { kind: 'chained', nextRevision: 0, lastHash: GENESIS_HASH };
  }

  private problemOf(event: CheckedEvent, link: Exclude<StreamLink, { kind: 'broken' }>): string | undefined {
    if (event.revision !== link.nextRevision) {
      return `expected revision ${link.nextRevision}, found ${event.revision}: an event is missing or out of place`;
    }
    if (link.kind === 'unchained') return undefined;
    if (event.metadata['previousHash'] !== link.lastHash) return 'previousHash does not link to the event before it';
    const stored = hashOf(event);
    if (stored === undefined) return 'the event carries no hash';
    if (stored !== eventHash(event, link.lastHash)) return 'content does not match its hash: the event was altered';
    return undefined;
  }
}

export interface ChainSummary {
  readonly ok: boolean;
  readonly streamsChecked: number;
  readonly eventsChecked: number;
  /** Streams outside any hash chain by design (see ChainVerifierOptions.isUnchainedStream). */
  readonly unchainedStreams: number;
  /** The first break of every tampered stream, in the order found. */
  readonly breaks: readonly ChainBreak[];
}

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
  /**
   * How many streams keep their link between two of their events, least recently checked let go
   * first; unbounded when unset. A stream whose link was let go must be resumed from the event
   * before its next one (`needsPrevious`, `resume`): a store holds a stream per delivery line, a
   * million on a busy site, more links than a server's heap should hold.
   */
  readonly rememberedStreams?: number;
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
  | { readonly kind: 'unchained'; readonly nextRevision: number };

type CheckedEvent = HashableEvent & { readonly position?: number };

/**
 * Checks hash chains one event at a time, for events fed in stream order (the global log is).
 * It keeps one link per stream (the last hash and the next revision), never the events, so a
 * whole store is verified in one pass. With `rememberedStreams` it keeps at most that many links;
 * the caller resumes a stream let go from its event before, which gives the same verdict as a
 * link kept all along. After its first break a stream is no longer checked: every later link
 * would fail too.
 */
export class ChainVerifier {
  private readonly links = new Map<string, StreamLink>();
  private readonly broken = new Set<string>();
  private readonly breaks: ChainBreak[] = [];
  private events = 0;
  private streams = 0;
  private unchainedStreams = 0;
  private readonly isUnchainedStream: (streamId: string) => boolean;
  private readonly rememberedStreams: number;

  constructor(options: ChainVerifierOptions = {}) {
    this.isUnchainedStream = options.isUnchainedStream ?? isUnchainedByDesign;
    this.rememberedStreams = options.rememberedStreams ?? Number.POSITIVE_INFINITY;
  }

  /**
   * Whether the link `event` is checked against was let go: then the stream's last stored event
   * below its revision must be handed to `resume` first (`undefined` when there is none).
   */
  needsPrevious(event: Pick<CheckedEvent, 'streamId' | 'revision'>): boolean {
    return event.revision > 0 && !this.links.has(event.streamId) && !this.broken.has(event.streamId);
  }

  /**
   * Restores a stream's link from the last event before the one to check. That event was checked
   * earlier in the pass (the log holds a stream's events in revision order), and it held, or the
   * stream would be broken; without one the stream starts here, and its first event is checked
   * as such.
   */
  resume(streamId: string, previous: CheckedEvent | undefined): void {
    if (previous === undefined || this.links.has(streamId) || this.broken.has(streamId)) return;
    this.remember(streamId, this.linkAfter(previous));
  }

  /** Returns the break this event reveals, if any. */
  check(event: CheckedEvent): ChainBreak | undefined {
    this.events += 1;
    if (this.broken.has(event.streamId)) return undefined;
    const link = this.links.get(event.streamId) ?? this.firstLink(event);
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
      this.links.delete(event.streamId);
      this.broken.add(event.streamId);
      return found;
    }
    this.remember(event.streamId, this.linkAfter(event));
    return undefined;
  }

  summary(): ChainSummary {
    return {
      ok: this.breaks.length === 0,
      streamsChecked: this.streams,
      eventsChecked: this.events,
      unchainedStreams: this.unchainedStreams,
      breaks: [...this.breaks],
    };
  }

  /** Sets a stream's link as the most recently used, letting the least recently used go past the bound. */
  private remember(streamId: string, link: StreamLink): void {
    this.links.delete(streamId);
    this.links.set(streamId, link);
    if (this.links.size > this.rememberedStreams) {
      const oldest = this.links.keys().next();
      if (oldest.done !== true) this.links.delete(oldest.value);
    }
  }

  /** The link the next event of a stream checks against, once `event` held. */
  private linkAfter(event: CheckedEvent): StreamLink {
    const nextRevision = event.revision + 1;
    return this.isUnchainedStream(event.streamId) ? { kind: 'unchained', nextRevision } : { kind: 'chained', nextRevision, lastHash: hashOf(event) ?? GENESIS_HASH };
  }

  /** A stream met for the first time in the pass. */
  private firstLink(event: CheckedEvent): StreamLink {
    this.streams += 1;
    if (!this.isUnchainedStream(event.streamId)) return { kind: 'chained', nextRevision: 0, lastHash: GENESIS_HASH };
    this.unchainedStreams += 1;
    return { kind: 'unchained', nextRevision: 0 };
  }

  private problemOf(event: CheckedEvent, link: StreamLink): string | undefined {
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

import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import type { EventStore, RecordedEvent } from '@qms/event-store';
import { ChainVerifier, type ChainBreak, type ChainSummary, type ChainVerifierOptions } from './chain-verifier';

export interface VerifyProgress {
  readonly position: number;
  readonly headPosition: number;
  readonly eventsChecked: number;
}

export interface VerifyStoreOptions extends ChainVerifierOptions {
  /** Events read per page of the global log. */
  readonly pageSize?: number;
  readonly onProgress?: (progress: VerifyProgress) => void;
  /** Called for each break as it is found, before the pass ends. */
  readonly onBreak?: (found: ChainBreak) => void;
}

export interface StoreVerification extends ChainSummary {
  /** The pass covers the events up to this position: the head when it started. */
  readonly headPosition: number;
}

const DEFAULT_PAGE_SIZE = 1000;

/**
 * Links kept between a stream's events in a pass over the whole store: about 25 MiB of heap. A
 * complaint's events lie within weeks of each other, so its link is still held at its next event;
 * a stream let go is resumed with one read of its event before (see ChainVerifier).
 */
export const DEFAULT_REMEMBERED_STREAMS = 100_000;

/**
 * Verifies every stream of the store in one pass over the global log, up to the head position
 * seen at the start (events appended meanwhile are left for the next pass). Memory stays bounded
 * whatever the number of streams (`rememberedStreams`), and the event loop gets a turn between
 * pages, so that a server verifying its store keeps answering.
 */
export async function verifyStore(store: EventStore, options: VerifyStoreOptions = {}): Promise<StoreVerification> {
  const pageSize = options.pageSize ?? DEFAULT_PAGE_SIZE;
  const verifier = new ChainVerifier({ rememberedStreams: DEFAULT_REMEMBERED_STREAMS, ...options });
  const headPosition = await store.headPosition();
  let position = 0;
  options.onProgress?.({ position, headPosition, eventsChecked: 0 });
  while (position < headPosition) {
    const page = await store.readAll({ fromPosition: position, maxCount: pageSize });
    const within = page.filter((event) => event.position <= headPosition);
    for (const event of within) {
      if (verifier.needsPrevious(event)) verifier.resume(event.streamId, await previousEvent(store, event));
      const found = verifier.check(event);
      if (found) options.onBreak?.(found);
    }
    const last = within.at(-1);
    if (last === undefined) break;
    position = last.position;
    options.onProgress?.({ position, headPosition, eventsChecked: verifier.summary().eventsChecked });
    if (page.length < pageSize || within.length < page.length) break;
    await yieldToEventLoop();
  }
  return { ...verifier.summary(), headPosition };
}

/** The stream's last stored event below `event`'s revision (the one before it, unless events are missing). */
async function previousEvent(store: EventStore, event: RecordedEvent): Promise<RecordedEvent | undefined> {
  const [previous] = await store.readStream(event.streamId, { direction: 'backwards', fromRevision: event.revision - 1, maxCount: 1 });
  return previous;
}

export interface StreamChainVerification extends ChainSummary {
  readonly streamId: string;
  /** -1 when the stream has no event. */
  readonly lastRevision: number;
}

/** Verifies one stream, reading it page by page. */
export async function verifyStream(
  store: EventStore,
  streamId: string,
  options: Omit<VerifyStoreOptions, 'onBreak'> = {},
): Promise<StreamChainVerification> {
  const pageSize = options.pageSize ?? DEFAULT_PAGE_SIZE;
  const verifier = new ChainVerifier(options);
  let fromRevision = 0;
  let lastEvent: RecordedEvent | undefined;
  for (;;) {
    const page = await store.readStream(streamId, { fromRevision, maxCount: pageSize });
    for (const event of page) verifier.check(event);
    lastEvent = page.at(-1) ?? lastEvent;
    if (lastEvent !== undefined) {
      options.onProgress?.({ position: lastEvent.position, headPosition: lastEvent.position, eventsChecked: verifier.summary().eventsChecked });
    }
    if (page.length < pageSize || lastEvent === undefined) break;
    fromRevision = lastEvent.revision + 1;
  }
  const summary = verifier.summary();
  return { ...summary, streamId, lastRevision: lastEvent?.revision ?? -1 };
}

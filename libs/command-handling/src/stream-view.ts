import { GENESIS_HASH, hashOf } from '@qms/audit';
import type { Decider, DomainEvent } from '@qms/domain-kernel';
import type { RecordedEvent } from '@qms/event-store';
import type { EventCodec } from './event-codec.port';

export type StateFolder<Event extends DomainEvent, State> = Pick<Decider<unknown, Event, State>, 'initialState' | 'evolve'>;

/** Which functions folded a view (compared by identity). */
interface FolderIdentity {
  readonly initialState: unknown;
  readonly evolve: unknown;
}

/** The events one actor appended under one Idempotency-Key: what a retry of that request answers. */
export interface KeyedEvents {
  /** Of the last such event: a different hash means the key was reused for another request. */
  readonly commandHash: unknown;
  readonly revision: number;
  readonly position: number;
  readonly eventIds: readonly string[];
}

/**
 * A stream folded up to `revision`, with everything a command reads from the stream's events:
 * the last hash (for the chain) and every Idempotency-Key ever used in it (a retry may come after
 * any number of later commands). Immutable, so concurrent commands can share one.
 */
export interface StreamView<State> {
  readonly folder: FolderIdentity;
  readonly state: State;
  /** -1 for an empty stream. */
  readonly revision: number;
  /** Of the last event; 0 for an empty stream. */
  readonly position: number;
  readonly lastHash: string;
  readonly keyed: ReadonlyMap<string, KeyedEvents>;
}

export function emptyView<Event extends DomainEvent, State>(folder: StateFolder<Event, State>): StreamView<State> {
  return { folder: { initialState: folder.initialState, evolve: folder.evolve }, state: folder.initialState(), revision: -1, position: 0, lastHash: GENESIS_HASH, keyed: new Map() };
}

/** The view after `events`, which must directly follow the view's revision. */
export function extendView<Event extends DomainEvent, State>(
  view: StreamView<State>,
  folder: StateFolder<Event, State>,
  events: readonly RecordedEvent[],
  codec: EventCodec,
): StreamView<State> {
  const last = events.at(-1);
  if (last === undefined) return view;
  let state = view.state;
  let keyed = view.keyed as Map<string, KeyedEvents>;
  let copied = false;
  for (const event of events) {
    state = folder.evolve(state, codec.decode(event) as Event);
    const key = event.metadata['idempotencyKey'];
    const userId = (event.metadata['actor'] as { userId?: unknown } | undefined)?.userId;
    if (typeof key !== 'string' || typeof userId !== 'string') continue;
    // Copy on write: a view already handed out must not see keys from after its revision.
    if (!copied) {
      keyed = new Map(keyed);
      copied = true;
    }
    const indexKey = keyedIndexKey(userId, key);
    keyed.set(indexKey, {
      commandHash: event.metadata['commandHash'],
      revision: event.revision,
      position: event.position,
      eventIds: [...(keyed.get(indexKey)?.eventIds ?? []), event.id],
    });
  }
  return { folder: view.folder, state, revision: last.revision, position: last.position, lastHash: hashOf(last) ?? GENESIS_HASH, keyed };
}

export function keyedIndexKey(userId: string, idempotencyKey: string): string {
  return JSON.stringify([userId, idempotencyKey]);
}

/** True when the events are exactly the revisions following `revision`, in order. */
export function follows(events: readonly RecordedEvent[], revision: number): boolean {
  return events.every((event, index) => event.revision === revision + 1 + index);
}

/**
 * Least recently used views by stream id. A view is only valid for the folder that built it
 * (another decider over the same stream folds another state).
 */
export class StreamViewCache {
  private readonly views = new Map<string, StreamView<unknown>>();

  constructor(private readonly capacity: number) {}

  get<Event extends DomainEvent, State>(streamId: string, folder: StateFolder<Event, State>): StreamView<State> | undefined {
    const view = this.views.get(streamId);
    if (view === undefined || !sameFolder(view.folder, folder)) return undefined;
    this.views.delete(streamId);
    this.views.set(streamId, view);
    return view as StreamView<State>;
  }

  put(streamId: string, view: StreamView<unknown>): void {
    if (this.capacity <= 0) return;
    const current = this.views.get(streamId);
    // Two commands on one stream may finish out of order: never move an entry backwards.
    if (current !== undefined && sameFolder(current.folder, view.folder) && current.revision > view.revision) return;
    this.views.delete(streamId);
    this.views.set(streamId, view);
    while (this.views.size > this.capacity) {
      const oldest = this.views.keys().next().value as string;
      this.views.delete(oldest);
    }
  }

  delete(streamId: string): void {
    this.views.delete(streamId);
  }

  get size(): number {
    return this.views.size;
  }
}

/** Deciders are often built per handler (createComplaintDecider(policy)) around the same functions. */
function sameFolder(a: FolderIdentity, b: FolderIdentity): boolean {
  return a.evolve === b.evolve && a.initialState === b.initialState;
}

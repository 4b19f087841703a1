import { getHeapStatistics } from 'node:v8';
import type { RecordedEvent } from '@qms/event-store';
import type { CollectionWrite, ReadStore } from '@qms/read-store';
import { BatchEvolveContext, names, shapeOf, type ProjectionTarget } from './apply-batch';
import { PoisonEventError } from './poison-event';
import { versionOf, type DocumentRef, type ProjectableEvent, type ProjectedDocument, type Projection } from './projection';

/** How much of a replay the working set holds before it stores it. */
export interface WorkingSetLimits {
  /** Events of the log applied between two commits; the rebuild checkpoint moves with each. */
  readonly commitEvery: number;
  /** Documents changed since the last commit that bring the next one forward. */
  readonly maxDirty: number;
  /**
   * Share of this isolate's heap limit in use past which the set commits at once and lets go of
   * every document: a thread under a heap cap (the API's projections thread) rebuilds in smaller
   * steps instead of running out of memory. Commits move no result, only where a resume starts.
   */
  readonly heapShare: number;
}

/**
 * About a month of the benchmark history per commit: a complaint's 8D runs over a few of them,
 * a customer's deliveries of a month over one or two, so most documents are stored once or twice
 * rather than once per page. The dirty cap bounds the heap whatever the history looks like.
 */
export const DEFAULT_WORKING_SET_LIMITS: WorkingSetLimits = { commitEvery: 100_000, maxDirty: 20_000, heapShare: 0.5 };

function heapInUse(): number {
  const { used_heap_size: used, heap_size_limit: limit } = getHeapStatistics();
  return used / limit;
}

interface Entry {
  /** As evolve left it: its `_position` is stamped when it is stored (see `position`). */
  document: ProjectedDocument | null;
  /** The last event applied to it (`_position` as stored); -1 for none. */
  position: number;
  /** The store holds a version of it (so a deletion must reach the store). */
  stored: boolean;
  dirty: boolean;
  /** The commit interval it was last used in: entries idle for a whole interval are let go. */
  usedIn: number;
}

const NO_REFS: readonly DocumentRef[] = [];

/**
 * A rebuild's replay of a projection without per-page round trips: the documents the log touches
 * stay in memory from page to page, and are stored together with the rebuild checkpoint every
 * `commitEvery` events (one transaction on SQLite). A document touched on twenty pages of a month
 * is read once and written once or twice instead of twenty times each.
 *
 * afterBatch does not run here: its queries would not see the documents held in memory. A
 * projection with afterBatch is replayed this way only when it declares `afterReplay`, which
 * derives the same result from the whole store once the replay is stored (see Projection).
 *
 * Evolved documents are not frozen here, unlike in applyBatch: each stays the working set's
 * own until it is stored, nothing else holds it, and freezing every document of every event was
 * a sixth of a rebuild (at a tenth of the benchmark history, 6.5–7.2 s without against 7.7–9.0 s
 * with, three runs each). Evolve's purity is held where its documents are shared: the live
 * batches deep-freeze what evolve is given and returns, and so do the projections' specs. Nor is
 * each evolved document copied to stamp its `_position`, as applyBatch does: the entry keeps the
 * position, and the copy stored gets it once, when it is stored.
 *
 * What is not committed is lost with the process and replayed from the checkpoint, as a page
 * would be. An event the projection cannot apply is a poison event as in applyBatch: everything
 * before it is committed first, then PoisonEventError names it.
 */
export class ReplayWorkingSet<E extends ProjectableEvent> {
  private readonly entries = new Map<string, Map<string, Entry>>();
  private interval = 0;
  private eventsSinceCommit = 0;
  private dirtyCount = 0;
  private committedPosition: number;

  constructor(
    private readonly projection: Projection<E>,
    private readonly store: ReadStore,
    private readonly target: ProjectionTarget,
    private readonly decodeEvent: (recorded: RecordedEvent) => E,
    /** The position the shadow copy's checkpoint holds. */
    public position: number,
    private readonly limits: WorkingSetLimits = DEFAULT_WORKING_SET_LIMITS,
  ) {
    this.committedPosition = position;
    for (const collection of shapeOf(projection).collections) this.entries.set(collection, new Map());
  }

  /** Documents held in memory, for tests and progress. */
  get size(): number {
    let size = 0;
    for (const entries of this.entries.values()) size += entries.size;
    return size;
  }

  /** Applies the events after `position`; commits when an interval is full. Returns how many it handled. */
  async apply(events: readonly RecordedEvent[], parked: ReadonlySet<number>): Promise<number> {
    const ahead = events.filter((event) => event.position > this.position);
    if (ahead.length === 0) return 0;
    const { handled, resolve } = shapeOf(this.projection);
    const planned: { recorded: RecordedEvent; event: E; writes: readonly DocumentRef[]; reads: readonly DocumentRef[] }[] = [];
    let poison: { recorded: RecordedEvent; cause: unknown } | null = null;
    for (const recorded of ahead) {
      if (!handled.has(recorded.type) || parked.has(recorded.position)) continue;
      try {
        const event = this.decodeEvent(recorded);
        const reads = this.projection.readsDocuments?.(event);
        planned.push({
          recorded,
          event,
          writes: this.projection.documentIds(event).map(resolve),
          reads: reads === undefined || reads.length === 0 ? NO_REFS : reads.map(resolve),
        });
      } catch (cause) {
        poison = { recorded, cause };
        break;
      }
    }
    await this.load(planned.flatMap((step) => [...step.writes, ...step.reads]));

    let applied = 0;
    for (const { recorded, event, writes, reads } of planned) {
      // An event's documents change together or not at all (a later one may throw): each is
      // staged, and what evolve looks up during the event sees the ones staged before it.
      const entries = writes.map((ref) => this.entry(ref.collection, ref.id));
      const staged: (ProjectedDocument | null | undefined)[] = new Array<undefined>(writes.length);
      /** The entry as this event has left it so far (a document named twice sees its first change). */
      const stagedOf = (entry: Entry): ProjectedDocument | null | undefined => {
        for (let index = staged.length - 1; index >= 0; index--) {
          const document = staged[index];
          if (document !== undefined && entries[index] === entry) return document;
        }
        return undefined;
      };
      const currentOf = (entry: Entry): ProjectedDocument | null => {
        const document = stagedOf(entry);
        return document === undefined ? entry.document : document;
      };
      const lookup = <D extends ProjectedDocument>(collection: string, id: string): D | null => {
        if (!names(writes, collection, id) && !names(reads, collection, id)) {
          throw new Error(`Projection ${this.projection.name} looked up ${collection}/${id} without naming it in readsDocuments`);
        }
        return currentOf(this.entry(collection, id)) as D | null;
      };
      try {
        for (let index = 0; index < writes.length; index++) {
          const ref = writes[index] as DocumentRef;
          const entry = entries[index] as Entry;
          const earlier = stagedOf(entry);
          const document = earlier === undefined ? entry.document : earlier;
          // Already past this event: evolved by it when named before in it, or stored before a
          // crash by a commit whose checkpoint did not follow.
          if (document !== null && (earlier !== undefined || entry.position >= recorded.position)) continue;
          const next = this.projection.evolve(document, event, ref.id, new BatchEvolveContext(ref.collection, recorded, lookup));
          // Unchanged, as applyBatch leaves it: not rewritten, its position not moved.
          if (next === document) continue;
          staged[index] = next === null || next._id === ref.id ? next : { ...next, _id: ref.id };
        }
      } catch (cause) {
        poison = { recorded, cause };
        break;
      }
      for (let index = 0; index < writes.length; index++) {
        const document = staged[index];
        if (document === undefined) continue;
        const entry = entries[index] as Entry;
        entry.document = document;
        entry.position = recorded.position;
        if (!entry.dirty) {
          entry.dirty = true;
          this.dirtyCount += 1;
        }
      }
      applied += 1;
    }

    if (poison !== null) {
      const before = ahead.slice(0, ahead.indexOf(poison.recorded));
      const appliedThrough = before.at(-1)?.position ?? null;
      if (appliedThrough !== null) this.position = appliedThrough;
      await this.commit();
      throw new PoisonEventError(this.projection.name, poison.recorded, poison.cause, appliedThrough);
    }
    this.position = (ahead.at(-1) as RecordedEvent).position;
    this.eventsSinceCommit += ahead.length;
    if (heapInUse() >= this.limits.heapShare) await this.commit({ keep: 'nothing' });
    else if (this.eventsSinceCommit >= this.limits.commitEvery || this.dirtyCount >= this.limits.maxDirty) await this.commit();
    return applied;
  }

  /**
   * Moves the replay to `position` without events (none of the projection's types lie before it):
   * the next commit stores the checkpoint there.
   */
  passTo(position: number): void {
    if (position > this.position) this.position = position;
  }

  /**
   * Stores every changed document with the checkpoint at `position`, in one commit, then lets go
   * of the documents the interval did not use (or of all of them). Nothing is marked stored before the commit holds:
   * a failed commit is simply made again by the next one.
   */
  async commit(options: { keep: 'used' | 'nothing' } = { keep: 'used' }): Promise<void> {
    if (this.dirtyCount === 0 && this.position === this.committedPosition) {
      if (options.keep === 'nothing') for (const entries of this.entries.values()) entries.clear();
      return;
    }
    const writes: CollectionWrite[] = [];
    for (const [collection, entries] of this.entries) {
      const upserts: ProjectedDocument[] = [];
      const deletes: string[] = [];
      for (const id of [...entries.keys()].sort()) {
        const entry = entries.get(id) as Entry;
        if (!entry.dirty) continue;
        if (entry.document !== null) upserts.push({ ...entry.document, _id: id, _position: entry.position });
        else if (entry.stored) deletes.push(id);
      }
      if (upserts.length + deletes.length > 0) writes.push({ collection: this.target.physical(collection), upserts, deletes });
    }
    const position = this.position;
    await this.store.commit({
      writes,
      checkpoint: { name: this.target.checkpointName, checkpoint: { position, version: versionOf(this.projection) } },
    });
    for (const entries of this.entries.values()) {
      for (const [id, entry] of entries) {
        if (entry.dirty) {
          entry.dirty = false;
          entry.stored = entry.document !== null;
        }
        if (entry.usedIn < this.interval || options.keep === 'nothing') entries.delete(id);
      }
    }
    this.committedPosition = position;
    this.interval += 1;
    this.eventsSinceCommit = 0;
    this.dirtyCount = 0;
  }

  /** Reads the documents not held yet, one getMany per collection. */
  private async load(refs: readonly DocumentRef[]): Promise<void> {
    const missing = new Map<string, Set<string>>();
    for (const ref of refs) {
      const held = this.entries.get(ref.collection)?.get(ref.id);
      if (held !== undefined) {
        held.usedIn = this.interval;
        continue;
      }
      let ids = missing.get(ref.collection);
      if (ids === undefined) missing.set(ref.collection, (ids = new Set()));
      ids.add(ref.id);
    }
    await Promise.all(
      [...missing].map(async ([collection, ids]) => {
        const found = await this.store.getMany<ProjectedDocument>(this.target.physical(collection), [...ids]);
        const entries = this.entries.get(collection) as Map<string, Entry>;
        for (const id of ids) {
          const document = found.get(id);
          entries.set(id, { document: document ?? null, position: document?._position ?? -1, stored: document !== undefined, dirty: false, usedIn: this.interval });
        }
      }),
    );
  }

  private entry(collection: string, id: string): Entry {
    const entry = this.entries.get(collection)?.get(id);
    if (entry === undefined) throw new Error(`Projection ${this.projection.name}: ${collection}/${id} was not loaded`);
    return entry;
  }
}

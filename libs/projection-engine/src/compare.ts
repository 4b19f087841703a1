import { createHash } from 'node:crypto';
import { canonicalJson } from '@qms/audit';
import type { EventStore, RecordedEvent } from '@qms/event-store';
import { shadowCollection, type ReadStore, type StoredDocument } from '@qms/read-store';
import { parkingFromLog } from './parking/parking-source';
import { collectionsOf, type ProjectableEvent, type Projection } from './projection';
import { ProjectionEngine } from './projection-engine';
import { journalName, rebuildCheckpointName, swapMarkerName, type RebuildProgress } from './rebuild';

// ---------------------------------------------------------------------------------------------
// DESIGN §10 "a check that a rebuilt read model equals the live one". Documents are compared as
// canonical JSON (keys sorted, as both stores keep JSON: the hash chain's form), `_position`
// included: a document carries the position of the last event applied to it, which is the same
// whether the events came live in batches of any size or in a rebuild, so there is nothing to
// ignore by default.
// ---------------------------------------------------------------------------------------------

/** One copy of a read model: a store, and where its logical collections live (shadow copies, say). */
export interface ReadModelCopy {
  readonly store: ReadStore;
  /** Physical collection of a logical one; identity by default. */
  readonly physical?: (collection: string) => string;
}

export type DifferenceKind = 'missing' | 'extra' | 'changed';

export interface ReadModelDifference {
  readonly collection: string;
  readonly id: string;
  /** missing: in the expected copy only; extra: in the actual copy only; changed: in both, unequal. */
  readonly kind: DifferenceKind;
  /** For `changed`: the first path whose values differ, e.g. `actions[0].dueAt`. */
  readonly path?: string;
}

export interface ReadModelComparison {
  readonly equal: boolean;
  /** At most `maxDifferences`, in collection then id order. */
  readonly differences: readonly ReadModelDifference[];
  /** How many differences there are in all (the list may be cut short). */
  readonly differenceCount: number;
  readonly documentsCompared: number;
}

export interface CompareOptions {
  /** Top-level fields left out of the comparison (none by default). */
  readonly ignoreFields?: readonly string[];
  /** Default 1,000. */
  readonly maxDifferences?: number;
}

const copyOf = (side: ReadStore | ReadModelCopy): Required<ReadModelCopy> =>
  'store' in side
    ? { store: side.store, physical: side.physical ?? ((collection) => collection) }
    : { store: side, physical: (collection) => collection };

function digest(document: StoredDocument, ignore: ReadonlySet<string>): string {
  let comparable: unknown = document;
  if (ignore.size > 0) {
    comparable = Object.fromEntries(Object.entries(document).filter(([key]) => !ignore.has(key)));
  }
  return createHash('sha256').update(canonicalJson(comparable)).digest('base64');
}

/**
 * Compares two copies of the given collections document by document. One side is held as a
 * digest per id (a few dozen bytes each), the other streamed past it, so neither copy is loaded
 * whole and the stores' own orders do not matter.
 */
export async function compareReadModels(
  expected: ReadStore | ReadModelCopy,
  actual: ReadStore | ReadModelCopy,
  collections: readonly string[],
  options: CompareOptions = {},
): Promise<ReadModelComparison> {
  const a = copyOf(expected);
  const b = copyOf(actual);
  const ignore = new Set(options.ignoreFields ?? []);
  const limit = options.maxDifferences ?? 1000;
  const differences: ReadModelDifference[] = [];
  let differenceCount = 0;
  let documentsCompared = 0;

  for (const collection of collections) {
    const digests = new Map<string, string>();
    for await (const document of a.store.stream(a.physical(collection))) {
      digests.set(document._id, digest(document, ignore));
    }
    const found: ReadModelDifference[] = [];
    const changed: string[] = [];
    for await (const document of b.store.stream(b.physical(collection))) {
      documentsCompared++;
      const wanted = digests.get(document._id);
      if (wanted === undefined) found.push({ collection, id: document._id, kind: 'extra' });
      else if (wanted !== digest(document, ignore)) changed.push(document._id);
      digests.delete(document._id);
    }
    for (const id of digests.keys()) found.push({ collection, id, kind: 'missing' });
    differenceCount += found.length + changed.length;
    // Only the documents that differ are read again, to name where they differ.
    const named = changed.sort().slice(0, Math.max(0, limit - differences.length));
    if (named.length > 0) {
      const [left, right] = await Promise.all([
        a.store.getMany(a.physical(collection), named),
        b.store.getMany(b.physical(collection), named),
      ]);
      for (const id of named) {
        const path = firstDifference(strip(left.get(id), ignore), strip(right.get(id), ignore));
        found.push({ collection, id, kind: 'changed', ...(path === null ? {} : { path }) });
      }
    }
    found.sort((x, y) => (x.id < y.id ? -1 : x.id > y.id ? 1 : 0));
    differences.push(...found.slice(0, Math.max(0, limit - differences.length)));
  }
  return { equal: differenceCount === 0, differences, differenceCount, documentsCompared };
}

function strip(document: StoredDocument | undefined, ignore: ReadonlySet<string>): unknown {
  if (document === undefined || ignore.size === 0) return document;
  return Object.fromEntries(Object.entries(document).filter(([key]) => !ignore.has(key)));
}

/** The first path at which two JSON values differ, in key order; null when they are equal. */
export function firstDifference(left: unknown, right: unknown, path = ''): string | null {
  if (left === right) return null;
  const bothObjects =
    left !== null && right !== null && typeof left === 'object' && typeof right === 'object';
  if (!bothObjects || Array.isArray(left) !== Array.isArray(right)) return path === '' ? '(document)' : path;
  if (Array.isArray(left) && Array.isArray(right)) {
    for (let index = 0; index < Math.max(left.length, right.length); index++) {
      const found = firstDifference(left[index], right[index], `${path}[${index}]`);
      if (found !== null) return found;
    }
    return null;
  }
  const l = left as Record<string, unknown>;
  const r = right as Record<string, unknown>;
  for (const key of [...new Set([...Object.keys(l), ...Object.keys(r)])].sort()) {
    const found = firstDifference(l[key], r[key], path === '' ? key : `${path}.${key}`);
    if (found !== null) return found;
  }
  return null;
}

export interface ReadModelChecksum {
  /**
   * sha256 over each collection's checksum; a collection's is sha256 over the sha256 of each
   * document's canonical JSON, in id order.
   */
  readonly checksum: string;
  readonly documents: number;
  readonly perCollection: Readonly<Record<string, { readonly documents: number; readonly checksum: string }>>;
}

/** A fingerprint of a copy: equal copies give equal checksums, whichever store holds them. */
export async function readModelChecksum(
  side: ReadStore | ReadModelCopy,
  collections: readonly string[],
): Promise<ReadModelChecksum> {
  const { store, physical } = copyOf(side);
  const total = createHash('sha256');
  const perCollection: Record<string, { documents: number; checksum: string }> = {};
  let documents = 0;
  for (const collection of collections) {
    // Each document's digest rather than its text: a collection's lines no longer need to fit the
    // heap (the command line checks a rebuild of 100,000 complaints under the projections' cap).
    const lines: [string, Buffer][] = [];
    for await (const document of store.stream(physical(collection))) {
      lines.push([document._id, createHash('sha256').update(canonicalJson(document)).digest()]);
    }
    // By code unit, not by the store's collation: MongoDB and the in-process store may differ.
    lines.sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0));
    const hash = createHash('sha256');
    for (const [, digest] of lines) hash.update(digest);
    const checksum = hash.digest('hex');
    perCollection[collection] = { documents: lines.length, checksum };
    total.update(`${collection}:${checksum}\n`);
    documents += lines.length;
  }
  return { checksum: total.digest('hex'), documents, perCollection };
}

// ---------------------------------------------------------------------------------------------
// Rebuilding a reference copy and comparing it with the live one.
// ---------------------------------------------------------------------------------------------

/**
 * The log as it stood at `position`: reads and subscriptions end there. A rebuild over it stops
 * exactly where the live copy's checkpoint is, while the real log may grow on.
 */
export function logUpTo(eventStore: EventStore, position: number): EventStore {
  const upTo = (events: RecordedEvent[]) => events.filter((event) => event.position <= position);
  return {
    appendToStream: () => Promise.reject(new Error('logUpTo is a read-only view of the log')),
    appendToStreams: () => Promise.reject(new Error('logUpTo is a read-only view of the log')),
    readStream: async (streamId, options) => upTo(await eventStore.readStream(streamId, options)),
    readAll: async (options = {}) => ((options.fromPosition ?? 0) >= position ? [] : upTo(await eventStore.readAll(options))),
    subscribeToAll: () => {
      throw new Error('logUpTo does not follow the log');
    },
    headPosition: async () => Math.min(position, await eventStore.headPosition()),
    tailAfter: async (afterPosition, limit) => {
      const tail = afterPosition >= position ? [] : upTo(await eventStore.readAll({ fromPosition: afterPosition, maxCount: Math.max(limit, 1) }));
      return { events: Math.min(tail.length, limit), firstRecordedAt: tail[0]?.recordedAt ?? null };
    },
    checkHealth: () => eventStore.checkHealth(),
    close: async () => undefined,
  };
}

/** Empties a store's copy of a projection: collections, shadows, journals and checkpoints. */
export async function dropProjectionCopy(store: ReadStore, projection: Pick<Projection, 'name' | 'collections'>): Promise<void> {
  for (const { name } of collectionsOf(projection)) {
    await store.drop(name);
    await store.drop(shadowCollection(name));
  }
  await store.drop(journalName(projection.name));
  await store.drop(journalName(rebuildCheckpointName(projection.name)));
  for (const name of [projection.name, rebuildCheckpointName(projection.name), swapMarkerName(projection.name)]) {
    await store.deleteCheckpoint(name);
  }
}

export interface ReplayIntoOptions<E extends ProjectableEvent> {
  readonly eventStore: EventStore;
  /** Where the copy is built: a fresh store, or one whose copy of the projection is dropped first. */
  readonly target: ReadStore;
  readonly projection: Projection<E>;
  readonly decodeEvent: (recorded: RecordedEvent) => E;
  /** What decodeEvent reads of the metadata (ProjectionEngineOptions.decodeMetadataKeys). */
  readonly decodeMetadataKeys?: readonly string[];
  /** Replay the log up to this position only (default: its head when the replay starts). */
  readonly upTo?: number;
  /** Events per page of the replay. Default the engine's rebuild page (5,000). */
  readonly batchSize?: number;
  readonly onProgress?: (progress: RebuildProgress) => void;
}

/** Builds a projection from the first event into `target`, as a rebuild does, and leaves it there. */
export async function replayInto<E extends ProjectableEvent>(options: ReplayIntoOptions<E>): Promise<{ position: number; eventsProcessed: number; durationMs: number }> {
  const upTo = options.upTo ?? (await options.eventStore.headPosition());
  await dropProjectionCopy(options.target, options.projection);
  const engine = new ProjectionEngine<E>({
    eventStore: logUpTo(options.eventStore, upTo),
    readStore: options.target,
    projections: [options.projection],
    decodeEvent: options.decodeEvent,
    ...(options.decodeMetadataKeys === undefined ? {} : { decodeMetadataKeys: options.decodeMetadataKeys }),
    // Decisions recorded after `upTo` still hold for the events before it, as they do live.
    parking: parkingFromLog(options.eventStore),
    ...(options.batchSize === undefined ? {} : { batchSize: options.batchSize, rebuildBatchSize: options.batchSize }),
    // The copy is dropped before every replay, so no later process resumes what a crash left.
    journal: 'memory',
    retry: { initialDelayMs: 50, maxDelayMs: 1000 },
  });
  try {
    return await engine.rebuild(options.projection.name, options.onProgress === undefined ? {} : { onProgress: options.onProgress });
  } finally {
    await engine.stop();
  }
}

export interface VerifyOptions<E extends ProjectableEvent> extends Omit<ReplayIntoOptions<E>, 'target' | 'upTo'> {
  /** The store the live copy is in. */
  readonly live: ReadStore;
  /** Where the reference copy is rebuilt; it is emptied first (and left for inspection). */
  readonly scratch: ReadStore;
  /** Tries when the live copy moves on during a comparison. Default 5. */
  readonly attempts?: number;
  readonly maxDifferences?: number;
}

export interface VerifyResult extends ReadModelComparison {
  readonly projection: string;
  /** The live checkpoint both copies were compared at. */
  readonly position: number;
  /** False when the live copy kept moving through every attempt: differences may be writes in flight. */
  readonly settled: boolean;
  readonly attempts: number;
  readonly eventsReplayed: number;
}

/**
 * Rebuilds the projection into `scratch` up to the live checkpoint and compares. A live copy
 * that moved during the comparison (its checkpoint changed, or a differing document is past the
 * position compared at) is compared again at its new position.
 */
export async function verifyProjection<E extends ProjectableEvent>(options: VerifyOptions<E>): Promise<VerifyResult> {
  const { live, scratch, projection } = options;
  const collections = collectionsOf(projection).map((collection) => collection.name);
  const attempts = options.attempts ?? 5;
  let last: VerifyResult | undefined;
  for (let attempt = 1; attempt <= attempts; attempt++) {
    const position = (await live.getCheckpoint(projection.name))?.position ?? 0;
    const replayed = await replayInto({ ...options, target: scratch, upTo: position });
    const comparison = await compareReadModels(scratch, live, collections, {
      ...(options.maxDifferences === undefined ? {} : { maxDifferences: options.maxDifferences }),
    });
    const after = (await live.getCheckpoint(projection.name))?.position ?? 0;
    const movedOn = after !== position || (await anyPast(live, comparison.differences, position));
    last = { ...comparison, projection: projection.name, position, settled: !movedOn, attempts: attempt, eventsReplayed: replayed.eventsProcessed };
    if (comparison.equal || !movedOn) return last;
  }
  return last as VerifyResult;
}

async function anyPast(live: ReadStore, differences: readonly ReadModelDifference[], position: number): Promise<boolean> {
  for (const difference of differences) {
    if (difference.kind === 'missing') continue;
    const document = await live.get<StoredDocument & { _position?: number }>(difference.collection, difference.id);
    if ((document?._position ?? 0) > position) return true;
  }
  return false;
}

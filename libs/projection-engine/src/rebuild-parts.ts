import { shadowCollection, type Checkpoint, type ReadStore } from '@qms/read-store';
import { collectionsOf, versionOf, type ProjectableEvent, type Projection, type ReplayPart } from './projection';

// ---------------------------------------------------------------------------------------------
// A rebuild of one projection in parts (Projection.replayParts), for a machine with more cores
// than read models to rebuild: the monthly report's complaint facts and its other facts share no
// event type and no document, so each can be replayed by a thread of its own into the same
// shadow copies. Three steps, each resumable:
//
// 1. prepareParts: the shadow copies resumed or emptied as for any rebuild, and a checkpoint
//    `<name>__rebuild__<part>` per part where its replay resumes;
// 2. each part replayed (rebuildProjections with a member's `part`), in any thread, its
//    documents stored with its own checkpoint;
// 3. joinParts: the rebuild checkpoint moved to the lowest part's position and the parts'
//    checkpoints removed; a rebuild of the whole then resumes from there, replays what a part may
//    lack (documents already past an event skip it, as after a crash), and runs afterReplay, the
//    read indexes, the catch-up and the swap once.
//
// A part's checkpoint is only ever read beside the rebuild checkpoint of the same version:
// emptying the shadow copies or swapping them in removes every part's checkpoint.
// ---------------------------------------------------------------------------------------------

const PART_KEY_SEPARATOR = ':';
const PART_NAME = /^[a-z][a-z0-9_]*$/;

export const partCheckpointName = (projection: string, part: string): string => `${projection}__rebuild__${part}`;

/** How a part is named where projections are (`monthly_report:complaint_facts`). */
export const partKey = (projection: string, part: string): string => `${projection}${PART_KEY_SEPARATOR}${part}`;

/** Whose progress a rebuild's update is: a projection's (its name), or one part's of it (its key). */
export const progressKey = (progress: { readonly projection: string; readonly part?: string }): string =>
  progress.part === undefined ? progress.projection : partKey(progress.projection, progress.part);

export function parsePartKey(key: string): { readonly projection: string; readonly part: string | null } {
  const at = key.indexOf(PART_KEY_SEPARATOR);
  return at < 0 ? { projection: key, part: null } : { projection: key.slice(0, at), part: key.slice(at + 1) };
}

/**
 * A projection's parts as declared must cover its event types once each, write collections of
 * its own, and be replayable through the working set (afterBatch waits for afterReplay).
 */
export function assertReplayParts(projection: Projection<ProjectableEvent>): void {
  const parts = projection.replayParts;
  if (parts === undefined) return;
  const problem = (text: string): Error => new Error(`The replay parts of ${projection.name}: ${text}`);
  if (projection.afterBatch !== undefined && projection.afterReplay === undefined) throw problem('a projection with afterBatch needs afterReplay to be replayed in parts');
  const names = new Set<string>();
  const typeOwner = new Map<string, string>();
  const collectionOwner = new Map<string, string>();
  const collections = new Set(collectionsOf(projection).map((collection) => collection.name));
  for (const part of parts) {
    // It ends the names of its checkpoint and journal, which are a collection's.
    if (!PART_NAME.test(part.name) || names.has(part.name)) throw problem(`"${part.name}" is named twice or not in lower case letters, digits and _`);
    names.add(part.name);
    for (const type of part.eventTypes) {
      const owner = typeOwner.get(type);
      if (owner !== undefined) throw problem(`${type} belongs to ${owner} and ${part.name}`);
      typeOwner.set(type, part.name);
    }
    for (const collection of part.collections) {
      if (!collections.has(collection)) throw problem(`${part.name} names ${collection}, which is not one of its collections`);
      const owner = collectionOwner.get(collection);
      if (owner !== undefined) throw problem(`${collection} belongs to ${owner} and ${part.name}`);
      collectionOwner.set(collection, part.name);
    }
  }
  const unowned = projection.eventTypes.filter((type) => !typeOwner.has(type));
  if (unowned.length > 0) throw problem(`no part handles ${unowned.join(', ')}`);
  const foreign = [...typeOwner.keys()].filter((type) => !projection.eventTypes.includes(type));
  if (foreign.length > 0) throw problem(`the projection does not handle ${foreign.join(', ')}`);
}

export function replayPartOf(projection: Projection<ProjectableEvent>, name: string): ReplayPart {
  const part = projection.replayParts?.find((candidate) => candidate.name === name);
  if (part === undefined) throw new Error(`${projection.name} has no replay part named ${name}`);
  return part;
}

/**
 * The projection as one part replays it: the part's event types into the part's collections,
 * evolved by the projection's own code, without afterBatch (afterReplay runs for the whole).
 */
export function partProjection<E extends ProjectableEvent>(projection: Projection<E>, part: ReplayPart): Projection<E> {
  const readsDocuments = projection.readsDocuments?.bind(projection);
  return {
    name: projection.name,
    version: versionOf(projection),
    eventTypes: part.eventTypes,
    collections: collectionsOf(projection).filter((collection) => part.collections.includes(collection.name)),
    documentIds: (event) => projection.documentIds(event),
    ...(readsDocuments === undefined ? {} : { readsDocuments }),
    evolve: (document, event, id, context) => projection.evolve(document, event, id, context),
  };
}

/** Whether the shadow copies were resumed, and where each part's replay starts. */
export interface PreparedParts {
  readonly resumed: boolean;
  readonly positions: ReadonlyMap<string, number>;
}

/**
 * Step 1: the shadow copies of a rebuild of the same version are kept, and each part resumes from
 * its own checkpoint or the whole's, whichever is further (both hold every event before them);
 * otherwise they are emptied and every part starts from the first event.
 */
export async function prepareParts(projection: Projection<ProjectableEvent>, readStore: ReadStore, rebuildCheckpoint: string, emptyCopies: () => Promise<void>): Promise<PreparedParts> {
  const version = versionOf(projection);
  const parts = projection.replayParts ?? [];
  const whole = await readStore.getCheckpoint(rebuildCheckpoint);
  const resumed = whole !== null && whole.version === version;
  const positions = new Map<string, number>();
  if (!resumed) await emptyCopies();
  for (const part of parts) {
    const own = resumed ? await readStore.getCheckpoint(partCheckpointName(projection.name, part.name)) : null;
    const position = Math.max(resumed ? whole.position : 0, own !== null && own.version === version ? own.position : 0);
    await readStore.saveCheckpoint(partCheckpointName(projection.name, part.name), { position, version });
    positions.set(part.name, position);
  }
  if (!resumed) {
    await readStore.saveCheckpoint(rebuildCheckpoint, { position: 0, version });
    // Every shadow exists from here on, so that each swap replaces, even one no part writes.
    for (const collection of collectionsOf(projection)) await readStore.ensureIndexes(shadowCollection(collection.name), []);
  }
  return { resumed, positions };
}

/** Step 3: the rebuild checkpoint at the lowest part's position; the parts' checkpoints removed. */
export async function joinParts(projection: Projection<ProjectableEvent>, readStore: ReadStore, rebuildCheckpoint: string): Promise<number> {
  const version = versionOf(projection);
  const stored: Checkpoint[] = [];
  for (const part of projection.replayParts ?? []) {
    const checkpoint = await readStore.getCheckpoint(partCheckpointName(projection.name, part.name));
    if (checkpoint === null || checkpoint.version !== version) throw new Error(`The part ${part.name} of ${projection.name} has no replay of version ${version} to join`);
    stored.push(checkpoint);
  }
  const position = Math.min(...stored.map((checkpoint) => checkpoint.position));
  await readStore.saveCheckpoint(rebuildCheckpoint, { position, version });
  await deletePartCheckpoints(projection.name, readStore);
  return position;
}

/** Removes every part checkpoint of a projection, those of parts it no longer declares included. */
export async function deletePartCheckpoints(projection: string, readStore: ReadStore): Promise<void> {
  const prefix = partCheckpointName(projection, '');
  for (const name of (await readStore.listCheckpoints()).keys()) if (name.startsWith(prefix)) await readStore.deleteCheckpoint(name);
}

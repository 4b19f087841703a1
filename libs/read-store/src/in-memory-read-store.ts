import type {
  Checkpoint,
  Commit,
  Filter,
  FindQuery,
  IndexSpec,
  Page,
  ReadStore,
  StoredDocument,
  WriteBatch,
} from './read-store.port';
import { shadowCollection } from './read-store.port';
import { assertCollectionName, indexFields, normalizeCountFilter, normalizeQuery } from './query';
import { assertDistinctIds, toJsonDocument } from './documents';
import { streamByPages } from './paged-stream';
import { InMemoryCollection } from './in-memory/in-memory-collection';

/**
 * The embedded mode's read store: everything in process, rebuilt from the events at start.
 * Stored documents are deeply frozen JSON: a plain-JSON document written is taken over and frozen
 * in place (no copy; the writer cannot change it afterwards), anything else is stored as a frozen
 * JSON copy. So what a caller gets back can be shared safely and no caller can change the store
 * behind its back.
 */
export class InMemoryReadStore implements ReadStore {
  private readonly collections = new Map<string, InMemoryCollection>();
  private readonly checkpoints = new Map<string, Checkpoint>();

  async getMany<D extends StoredDocument = StoredDocument>(
    collection: string,
    ids: readonly string[],
  ): Promise<Map<string, D>> {
    const found = new Map<string, D>();
    const documents = this.existing(collection)?.documents;
    if (documents === undefined) return found;
    for (const id of ids) {
      const document = documents.get(id);
      if (document !== undefined) found.set(id, document as D);
    }
    return found;
  }

  async get<D extends StoredDocument = StoredDocument>(collection: string, id: string): Promise<D | null> {
    return (this.existing(collection)?.documents.get(id) as D | undefined) ?? null;
  }

  async bulkWrite<D extends StoredDocument>(collection: string, batch: WriteBatch<D>): Promise<void> {
    const upserts = batch.upserts ?? [];
    const deletes = batch.deletes ?? [];
    assertDistinctIds(collection, upserts, deletes);
    // Check everything before touching the collection, so a bad document changes nothing.
    const documents = upserts.map((document) => toJsonDocument(document, true));
    const target = this.collection(collection);
    for (const document of documents) target.put(document);
    for (const id of deletes) target.delete(id);
    target.settle();
  }

  async find<D extends StoredDocument = StoredDocument>(
    collection: string,
    query?: FindQuery,
  ): Promise<Page<D>> {
    const normalized = normalizeQuery(query);
    return this.existing(collection)?.find<D>(normalized) ?? { items: [], nextCursor: null };
  }

  async count(collection: string, filter?: Filter): Promise<number> {
    const conditions = normalizeCountFilter(filter);
    return this.existing(collection)?.count(conditions) ?? 0;
  }

  /** Without a sort (or sorted by `_id` alone), every match is found in one pass: see InMemoryCollection.matchesById. */
  async *stream<D extends StoredDocument = StoredDocument>(
    collection: string,
    query: FindQuery = {},
  ): AsyncGenerator<D, void, undefined> {
    const { conditions, sort, skip, limit, after } = normalizeQuery(query);
    if (after !== null || sort.length !== 1 || sort[0]?.direction !== 'asc') {
      yield* streamByPages<D>((page) => this.find<D>(collection, page), query);
      return;
    }
    const found = this.existing(collection)?.matchesById(conditions) ?? [];
    const end = limit === null ? found.length : Math.min(found.length, skip + limit);
    for (let i = skip; i < end; i++) yield found[i] as D;
  }

  async ensureIndexes(collection: string, specs: readonly IndexSpec[]): Promise<void> {
    const target = this.collection(collection);
    for (const spec of specs) target.addIndex(indexFields(spec));
  }

  async swap(collection: string): Promise<boolean> {
    assertCollectionName(collection);
    const shadow = this.collections.get(shadowCollection(collection));
    if (shadow === undefined) return false;
    // One synchronous step: no reader can run between these two lines.
    this.collections.set(collection, shadow);
    this.collections.delete(shadowCollection(collection));
    return true;
  }

  async drop(collection: string): Promise<void> {
    assertCollectionName(collection);
    this.collections.delete(collection);
  }

  async getCheckpoint(name: string): Promise<Checkpoint | null> {
    return this.checkpoints.get(name) ?? null;
  }

  async commit(commit: Commit): Promise<void> {
    // Checked before the first write: a refused document fails the commit with nothing written.
    for (const write of commit.writes) {
      assertCollectionName(write.collection);
      assertDistinctIds(write.collection, write.upserts ?? [], write.deletes ?? []);
      for (const document of write.upserts ?? []) toJsonDocument(document);
    }
    for (const write of commit.writes) await this.bulkWrite(write.collection, write);
    if (commit.checkpoint) await this.saveCheckpoint(commit.checkpoint.name, commit.checkpoint.checkpoint);
  }

  async saveCheckpoint(name: string, checkpoint: Checkpoint): Promise<void> {
    this.checkpoints.set(name, Object.freeze({ position: checkpoint.position, version: checkpoint.version }));
  }

  async deleteCheckpoint(name: string): Promise<void> {
    this.checkpoints.delete(name);
  }

  async checkHealth(): Promise<void> {}

  async close(): Promise<void> {}

  private existing(collection: string): InMemoryCollection | undefined {
    assertCollectionName(collection);
    return this.collections.get(collection);
  }

  private collection(collection: string): InMemoryCollection {
    assertCollectionName(collection);
    let target = this.collections.get(collection);
    if (target === undefined) {
      target = new InMemoryCollection();
      this.collections.set(collection, target);
    }
    return target;
  }
}

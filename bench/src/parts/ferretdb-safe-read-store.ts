import type { Checkpoint, Commit, Filter, FindQuery, IndexSpec, Page, ReadStore, StoredDocument, WriteBatch } from '@qms/read-store';

/**
 * FerretDB 1.24.2 (SQLite backend, tools/ferretdb) never answers, and leaves the rebuild hanging:
 * - a bulkWrite of 100 or more replaceOne upserts that replace existing documents (ordered or
 *   not; 99 pass), reproduced with the bare driver;
 * - concurrent bulkWrites to several collections of one database (applyBatch writes its
 *   collections in parallel), even in chunks of 50.
 * For FerretDB only, the benchmark therefore runs the read store's calls one at a time and splits
 * each bulkWrite into chunks; MongoDB takes them as the engine sends them.
 */
export class FerretDbSafeReadStore implements ReadStore {
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly inner: ReadStore,
    private readonly chunk: number,
  ) {}

  async bulkWrite<D extends StoredDocument>(collection: string, batch: WriteBatch<D>): Promise<void> {
    const upserts = batch.upserts ?? [];
    const deletes = batch.deletes ?? [];
    return this.serial(async () => {
      if (upserts.length + deletes.length <= this.chunk) return this.inner.bulkWrite(collection, batch);
      for (let index = 0; index < upserts.length; index += this.chunk) {
        await this.inner.bulkWrite(collection, { upserts: upserts.slice(index, index + this.chunk) });
      }
      for (let index = 0; index < deletes.length; index += this.chunk) {
        await this.inner.bulkWrite(collection, { deletes: deletes.slice(index, index + this.chunk) });
      }
    });
  }

  private serial<T>(operation: () => Promise<T>): Promise<T> {
    const run = this.queue.then(operation);
    this.queue = run.catch(() => undefined);
    return run;
  }

  getMany<D extends StoredDocument = StoredDocument>(
    collection: string,
    ids: readonly string[],
  ): Promise<Map<string, D>> {
    return this.serial(() => this.inner.getMany<D>(collection, ids));
  }
  get<D extends StoredDocument = StoredDocument>(collection: string, id: string): Promise<D | null> {
    return this.serial(() => this.inner.get<D>(collection, id));
  }
  find<D extends StoredDocument = StoredDocument>(collection: string, query?: FindQuery): Promise<Page<D>> {
    return this.serial(() => this.inner.find<D>(collection, query));
  }
  count(collection: string, filter?: Filter): Promise<number> {
    return this.serial(() => this.inner.count(collection, filter));
  }
  stream<D extends StoredDocument = StoredDocument>(collection: string, query?: FindQuery): AsyncIterable<D> {
    return this.inner.stream<D>(collection, query);
  }
  ensureIndexes(collection: string, specs: readonly IndexSpec[]): Promise<void> {
    return this.serial(() => this.inner.ensureIndexes(collection, specs));
  }
  swap(collection: string): Promise<boolean> {
    return this.serial(() => this.inner.swap(collection));
  }
  drop(collection: string): Promise<void> {
    return this.serial(() => this.inner.drop(collection));
  }
  getCheckpoint(name: string): Promise<Checkpoint | null> {
    return this.serial(() => this.inner.getCheckpoint(name));
  }
  async commit(commit: Commit): Promise<void> {
    for (const write of commit.writes) await this.bulkWrite(write.collection, write);
    if (commit.checkpoint) await this.saveCheckpoint(commit.checkpoint.name, commit.checkpoint.checkpoint);
  }
  saveCheckpoint(name: string, checkpoint: Checkpoint): Promise<void> {
    return this.serial(() => this.inner.saveCheckpoint(name, checkpoint));
  }
  deleteCheckpoint(name: string): Promise<void> {
    return this.serial(() => this.inner.deleteCheckpoint(name));
  }
  checkHealth(): Promise<void> {
    return this.inner.checkHealth();
  }
  close(): Promise<void> {
    return this.inner.close();
  }
}

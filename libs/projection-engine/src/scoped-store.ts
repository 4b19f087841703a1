import type { Filter, FindQuery, Page, ReadStore, StoredDocument } from '@qms/read-store';
import type { ProjectionStore } from './projection';

/**
 * The read store as one projection's afterBatch sees it: its own collections only, by logical
 * name, mapped to the live or the shadow copies. Reading another projection's collections would
 * make the result depend on how far that projection happened to be.
 */
export class ScopedProjectionStore implements ProjectionStore {
  constructor(
    private readonly store: ReadStore,
    private readonly collections: readonly string[],
    private readonly physical: (collection: string) => string,
  ) {}

  getMany<D extends StoredDocument = StoredDocument>(
    collection: string,
    ids: readonly string[],
  ): Promise<Map<string, D>> {
    return this.store.getMany<D>(this.own(collection), ids);
  }

  find<D extends StoredDocument = StoredDocument>(collection: string, query?: FindQuery): Promise<Page<D>> {
    return this.store.find<D>(this.own(collection), query);
  }

  count(collection: string, filter?: Filter): Promise<number> {
    return this.store.count(this.own(collection), filter);
  }

  stream<D extends StoredDocument = StoredDocument>(collection: string, query?: FindQuery): AsyncIterable<D> {
    return this.store.stream<D>(this.own(collection), query);
  }

  bulkWrite<D extends StoredDocument>(
    collection: string,
    batch: { upserts?: readonly D[]; deletes?: readonly string[] },
  ): Promise<void> {
    return this.store.bulkWrite(this.own(collection), batch);
  }

  private own(collection: string): string {
    if (!this.collections.includes(collection)) {
      throw new Error(`afterBatch may use only its projection's collections, not ${collection}`);
    }
    return this.physical(collection);
  }
}

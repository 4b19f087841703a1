import type { AnyBulkWriteOperation, Collection, Db, Document, MongoClient } from 'mongodb';
import type {
  Checkpoint,
  CollectionWrite,
  Commit,
  Filter,
  FindQuery,
  IndexSpec,
  Page,
  ReadModelOrigin,
  ReadStore,
  StoredDocument,
  WriteBatch,
} from './read-store.port';
import { shadowCollection } from './read-store.port';
import {
  assertCollectionName,
  CHECKPOINTS_COLLECTION,
  indexFields,
  ORIGIN_COLLECTION,
  normalizeCountFilter,
  normalizeQuery,
} from './query';
import { assertDistinctIds, cursorAfter, toJsonDocument } from './documents';
import { streamByPages } from './paged-stream';
import { afterCursorFilter, toMongoFilter, toMongoSort } from './mongo/mongo-query';
import { mongoDriver } from './mongo/mongo-driver';
import {
  isNamespaceExists,
  isNamespaceNotFound,
  isNotImplemented,
  isUnavailable,
  translateMongoError,
} from './mongo/mongo-errors';

export interface MongoReadStoreOptions {
  readonly url: string;
  /** Defaults to the database named in the URL (the driver's own default otherwise). */
  readonly dbName?: string;
  /** Put before every collection name: lets several deployments or test runs share a database. */
  readonly collectionPrefix?: string;
  /** How long an operation waits for a reachable server before failing as unavailable. */
  readonly serverSelectionTimeoutMS?: number;
  /** The server behind the URL: see MongoCompatibility. Defaults to 'mongodb'. */
  readonly compatibility?: MongoCompatibility;
}

/**
 * 'mongodb': large unordered bulk writes, a commit's collections written in parallel.
 * 'ferretdb': for FerretDB 1.x, which never answers a bulkWrite replacing 100 or more existing
 * documents, nor concurrent bulkWrites to one database: every call runs one at a time and bulk
 * writes go in chunks of FERRETDB_BULK_CHUNK operations.
 */
export type MongoCompatibility = 'mongodb' | 'ferretdb';

/** Largest bulkWrite FerretDB 1.24.2 answers when it replaces existing documents (99 pass, 100 hang). */
export const FERRETDB_BULK_CHUNK = 50;

interface CheckpointDocument {
  _id: string;
  position: number;
  version: number;
}

interface OriginDocument extends ReadModelOrigin {
  _id: 'origin';
}

type AnyDocument = { _id: string } & Document;

const GET_MANY_CHUNK = 5000;

/**
 * The production read store. No transactions and no change streams: documents are replaced
 * whole (idempotent on retry), checkpoints are written after the documents, and a rebuild's
 * shadow collection goes live through renameCollection with dropTarget, which MongoDB does in one
 * step. Connectivity failures surface as StoreUnavailableError.
 */
export class MongoReadStore implements ReadStore {
  private readonly where: string;
  /** Swaps under way, by collection: this process's readers wait for them (see `swap`). */
  private readonly swaps = new Map<string, Promise<void>>();
  private dropTargetUnsupported = false;
  private reconnect = false;
  private closed = false;
  /** With 'ferretdb': the tail of the queue every driver call joins (see MongoCompatibility). */
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(
    private readonly client: MongoClient,
    private readonly db: Db,
    private readonly prefix: string,
    private readonly ownsClient: boolean,
    readonly compatibility: MongoCompatibility,
  ) {
    this.where = client.options.hosts.map((host) => host.toString()).join(',');
  }

  /** Does not connect: the driver connects on first use, so the app starts while MongoDB is down. */
  static create(options: MongoReadStoreOptions): MongoReadStore {
    const client = new (mongoDriver().MongoClient)(options.url, {
      serverSelectionTimeoutMS: options.serverSelectionTimeoutMS ?? 5000,
      ignoreUndefined: true,
    });
    return new MongoReadStore(
      client,
      client.db(options.dbName),
      options.collectionPrefix ?? '',
      true,
      options.compatibility ?? 'mongodb',
    );
  }

  /** Shares a client the application already holds; `close` leaves it open. */
  static withClient(
    client: MongoClient,
    options: Pick<MongoReadStoreOptions, 'dbName' | 'collectionPrefix' | 'compatibility'> = {},
  ): MongoReadStore {
    // The client's driver is loaded already; this makes its errors recognised (mongo-errors.ts).
    mongoDriver();
    return new MongoReadStore(
      client,
      client.db(options.dbName),
      options.collectionPrefix ?? '',
      false,
      options.compatibility ?? 'mongodb',
    );
  }

  get databaseName(): string {
    return this.db.databaseName;
  }

  async getMany<D extends StoredDocument = StoredDocument>(
    collection: string,
    ids: readonly string[],
  ): Promise<Map<string, D>> {
    const found = new Map<string, D>();
    if (ids.length === 0) return found;
    const target = await this.collection(collection);
    for (let start = 0; start < ids.length; start += GET_MANY_CHUNK) {
      const chunk = ids.slice(start, start + GET_MANY_CHUNK).map(String);
      const documents = await this.run(() => target.find({ _id: { $in: chunk } }).toArray());
      for (const document of documents) found.set(document._id, document as unknown as D);
    }
    return found;
  }

  async get<D extends StoredDocument = StoredDocument>(collection: string, id: string): Promise<D | null> {
    const target = await this.collection(collection);
    const document = await this.run(() => target.findOne({ _id: { $eq: String(id) } }));
    return document as unknown as D | null;
  }

  async bulkWrite<D extends StoredDocument>(collection: string, batch: WriteBatch<D>): Promise<void> {
    await this.commit({ writes: [{ collection, ...batch }] });
  }

  /**
   * Every write is checked and converted before the first is sent, so a refused document fails
   * the commit with nothing written. Then the collections' unordered bulk writes, and the
   * checkpoint only after all of them succeeded.
   */
  async commit(commit: Commit): Promise<void> {
    const writes = commit.writes.map((write) => ({
      collection: write.collection,
      operations: bulkOperations(write),
    }));
    for (const write of writes) assertCollectionName(write.collection);
    const pending = writes.filter((write) => write.operations.length > 0);
    if (this.compatibility === 'ferretdb') {
      for (const write of pending) await this.sendBulk(write.collection, write.operations);
    } else {
      await Promise.all(pending.map((write) => this.sendBulk(write.collection, write.operations)));
    }
    if (commit.checkpoint) await this.saveCheckpoint(commit.checkpoint.name, commit.checkpoint.checkpoint);
  }

  private async sendBulk(
    collection: string,
    operations: readonly AnyBulkWriteOperation<AnyDocument>[],
  ): Promise<void> {
    const target = await this.collection(collection);
    const chunk = this.compatibility === 'ferretdb' ? FERRETDB_BULK_CHUNK : operations.length;
    for (let start = 0; start < operations.length; start += chunk) {
      const part = operations.slice(start, start + chunk);
      // Unordered: independent documents, and a retry after a partial failure replays them all.
      await this.run(() => target.bulkWrite(part, { ordered: false }));
    }
  }

  async find<D extends StoredDocument = StoredDocument>(
    collection: string,
    query?: FindQuery,
  ): Promise<Page<D>> {
    const normalized = normalizeQuery(query);
    const clauses = toMongoFilter(normalized.conditions);
    if (normalized.after !== null) clauses.push(afterCursorFilter(normalized.sort, normalized.after));
    const target = await this.collection(collection);
    const documents = await this.run(() => {
      const fields = normalized.fields;
      let cursor = target
        .find(clauses.length === 0 ? {} : { $and: clauses }, fields === null ? {} : { projection: Object.fromEntries(fields.map((field) => [field, 1])) })
        .sort(toMongoSort(normalized.sort));
      if (normalized.skip > 0) cursor = cursor.skip(normalized.skip);
      // One more than asked tells whether another page exists.
      if (normalized.limit !== null) cursor = cursor.limit(normalized.limit + 1);
      return cursor.toArray();
    });
    if (normalized.limit === null || documents.length <= normalized.limit) {
      return { items: documents as unknown as D[], nextCursor: null };
    }
    const items = documents.slice(0, normalized.limit) as unknown as D[];
    return { items, nextCursor: cursorAfter(items[items.length - 1] as StoredDocument, normalized.sort) };
  }

  async count(collection: string, filter?: Filter): Promise<number> {
    const clauses = toMongoFilter(normalizeCountFilter(filter));
    const target = await this.collection(collection);
    return this.run(() => target.countDocuments(clauses.length === 0 ? {} : { $and: clauses }));
  }

  stream<D extends StoredDocument = StoredDocument>(
    collection: string,
    query: FindQuery = {},
  ): AsyncIterable<D> {
    return streamByPages<D>((page) => this.find<D>(collection, page), query);
  }

  async ensureIndexes(collection: string, specs: readonly IndexSpec[]): Promise<void> {
    assertCollectionName(collection);
    const name = this.physical(collection);
    await this.run(async () => {
      try {
        await this.db.createCollection(name);
      } catch (error) {
        if (!isNamespaceExists(error)) throw error;
      }
    });
    const wanted = new Map<string, { key: Document }>();
    for (const spec of specs) {
      const key: Document = {};
      for (const field of indexFields(spec)) key[field.field] = field.direction === 'asc' ? 1 : -1;
      key['_id'] = 1;
      wanted.set(keySignature(key), { key });
    }
    if (wanted.size === 0) return;
    // Only the missing ones: FerretDB 1.24 drops the connection when createIndexes names an
    // index that already exists, where MongoDB would answer that there is nothing to do.
    const existing: readonly Document[] = await this.run(() =>
      this.db.collection(name).listIndexes().toArray(),
    );
    for (const index of existing) wanted.delete(keySignature(index['key'] as Document));
    const missing = [...wanted.values()];
    if (missing.length > 0) await this.run(() => this.db.collection(name).createIndexes(missing));
  }

  /**
   * MongoDB renames with dropTarget in one step. FerretDB 1.x does not implement dropTarget; there
   * the fallback drops the live collection and renames the shadow, and this process's readers
   * wait for the swap (other processes could see an empty collection for that instant).
   */
  async swap(collection: string): Promise<boolean> {
    assertCollectionName(collection);
    const running = this.replaceWithShadow(
      this.physical(collection),
      this.physical(shadowCollection(collection)),
    );
    const gate = running.then(
      () => undefined,
      () => undefined,
    );
    this.swaps.set(collection, gate);
    try {
      return await running;
    } finally {
      if (this.swaps.get(collection) === gate) this.swaps.delete(collection);
    }
  }

  async drop(collection: string): Promise<void> {
    assertCollectionName(collection);
    await this.run(() => this.dropIfExists(this.physical(collection)));
  }

  async getCheckpoint(name: string): Promise<Checkpoint | null> {
    const document = await this.run(() => this.checkpoints().findOne({ _id: { $eq: name } }));
    return document === null ? null : { position: document.position, version: document.version };
  }

  async saveCheckpoint(name: string, checkpoint: Checkpoint): Promise<void> {
    const document: CheckpointDocument = {
      _id: name,
      position: checkpoint.position,
      version: checkpoint.version,
    };
    await this.run(() => this.checkpoints().replaceOne({ _id: { $eq: name } }, document, { upsert: true }));
  }

  async deleteCheckpoint(name: string): Promise<void> {
    await this.run(() => this.checkpoints().deleteOne({ _id: { $eq: name } }));
  }

  async listCheckpoints(): Promise<Map<string, Checkpoint>> {
    const documents = await this.run(() => this.checkpoints().find({}).sort({ _id: 1 }).toArray());
    return new Map(
      documents.map((document) => [document._id, { position: document.position, version: document.version }]),
    );
  }

  async getOrigin(): Promise<ReadModelOrigin | null> {
    const document = await this.run(() => this.origins().findOne({ _id: { $eq: 'origin' } }));
    return document === null
      ? null
      : {
          firstEventId: document.firstEventId,
          firstPosition: document.firstPosition,
          recordedAt: document.recordedAt,
        };
  }

  async saveOrigin(origin: ReadModelOrigin): Promise<void> {
    const document: OriginDocument = {
      _id: 'origin',
      firstEventId: origin.firstEventId,
      firstPosition: origin.firstPosition,
      recordedAt: origin.recordedAt,
    };
    await this.run(() => this.origins().replaceOne({ _id: { $eq: 'origin' } }, document, { upsert: true }));
  }

  /**
   * Drops every collection under this store's prefix (the database's own `system.*` excepted):
   * read models, shadows, journals, status, checkpoints and origin. The checkpoints go first and
   * the origin last, so a failure half-way leaves the old origin to be refused (or cleared) again.
   */
  async clear(): Promise<void> {
    const listed = await this.run(() => this.db.listCollections({}, { nameOnly: true }).toArray());
    const checkpoints = this.physical(CHECKPOINTS_COLLECTION);
    const origin = this.physical(ORIGIN_COLLECTION);
    const others = listed
      .map((collection) => collection.name)
      .filter(
        (name) =>
          name.startsWith(this.prefix) &&
          !name.startsWith('system.') &&
          name !== checkpoints &&
          name !== origin,
      );
    for (const name of [checkpoints, ...others, origin]) await this.run(() => this.dropIfExists(name));
  }

  async checkHealth(): Promise<void> {
    await this.run(() => this.db.command({ ping: 1 }));
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.ownsClient) await this.client.close();
  }

  private async replaceWithShadow(live: string, shadow: string): Promise<boolean> {
    if (!this.dropTargetUnsupported) {
      try {
        await this.run(() => this.db.renameCollection(shadow, live, { dropTarget: true }));
        return true;
      } catch (error) {
        if (isNamespaceNotFound(error)) return false;
        if (!isNotImplemented(error)) throw error;
        this.dropTargetUnsupported = true;
      }
    }
    const shadows = await this.run(() =>
      this.db.listCollections({ name: shadow }, { nameOnly: true }).toArray(),
    );
    if (shadows.length === 0) return false;
    await this.run(() => this.dropIfExists(live));
    await this.run(() => this.db.renameCollection(shadow, live));
    return true;
  }

  private async dropIfExists(name: string): Promise<void> {
    try {
      await this.db.dropCollection(name);
    } catch (error) {
      if (!isNamespaceNotFound(error)) throw error;
    }
  }

  private async collection(collection: string): Promise<Collection<AnyDocument>> {
    assertCollectionName(collection);
    const swapping = this.swaps.get(collection);
    if (swapping !== undefined) await swapping;
    return this.db.collection<AnyDocument>(this.physical(collection));
  }

  private checkpoints(): Collection<CheckpointDocument> {
    return this.db.collection<CheckpointDocument>(this.physical(CHECKPOINTS_COLLECTION));
  }

  private origins(): Collection<OriginDocument> {
    return this.db.collection<OriginDocument>(this.physical(ORIGIN_COLLECTION));
  }

  private physical(collection: string): string {
    return `${this.prefix}${collection}`;
  }

  /**
   * Runs one driver call, translating connectivity failures. Driver 6 leaves a client whose first
   * connection failed closed for good ("Topology is closed"); an explicit connect() revives it,
   * and is a no-op on a client that is connected. So after any connectivity failure the next
   * operation connects first: a store that started while MongoDB was down recovers once it is up.
   */
  private run<T>(operation: () => Promise<T>): Promise<T> {
    if (this.compatibility === 'mongodb') return this.attempt(operation);
    const next = this.queue.then(() => this.attempt(operation));
    this.queue = next.catch(() => undefined);
    return next;
  }

  private async attempt<T>(operation: () => Promise<T>): Promise<T> {
    try {
      if (this.reconnect && !this.closed) {
        await this.client.connect();
        this.reconnect = false;
      }
      return await operation();
    } catch (error) {
      if (isUnavailable(error)) this.reconnect = true;
      throw translateMongoError(error, this.where);
    }
  }
}

/** A batch as MongoDB bulk operations; throws before anything is sent when a document cannot be stored. */
function bulkOperations(batch: CollectionWrite): AnyBulkWriteOperation<AnyDocument>[] {
  const upserts = batch.upserts ?? [];
  const deletes = batch.deletes ?? [];
  assertDistinctIds(batch.collection, upserts, deletes);
  return [
    ...upserts.map((document): AnyBulkWriteOperation<AnyDocument> => {
      const json = toJsonDocument(document) as unknown as AnyDocument;
      return { replaceOne: { filter: { _id: json._id }, replacement: json, upsert: true } };
    }),
    ...deletes.map((id): AnyBulkWriteOperation<AnyDocument> => ({
      deleteOne: { filter: { _id: String(id) } },
    })),
  ];
}

/** An index's fields and directions in order: what makes two indexes the same, whatever their names. */
function keySignature(key: Document): string {
  return Object.entries(key)
    .map(([field, direction]) => `${field}:${Number(direction)}`)
    .join(',');
}

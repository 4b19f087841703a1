export * from './read-store.port';
export { assertQueryableFields } from './query';
export { deepFreeze } from './documents';
export {
  FERRETDB_BULK_CHUNK,
  MongoReadStore,
  type MongoCompatibility,
  type MongoReadStoreOptions,
} from './mongo-read-store';
export { SqliteReadStore, type SqliteReadStoreOptions } from './sqlite/sqlite-read-store';
export { DEFAULT_READ_DB_CACHE_MB } from './sqlite/sqlite-read-database';

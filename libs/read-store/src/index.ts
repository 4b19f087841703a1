export * from './read-store.port';
export { assertQueryableFields } from './query';
export { deepFreeze } from './documents';
export { InMemoryReadStore } from './in-memory-read-store';
export { MongoReadStore, type MongoReadStoreOptions } from './mongo-read-store';

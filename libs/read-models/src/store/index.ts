export * from './read-store.port';
export { assertQueryableFields } from './query';
export { InMemoryReadStore } from './in-memory-read-store';
export { MongoReadStore, type MongoReadStoreOptions } from './mongo-read-store';

export * from './event-store.port';
export * from './errors';
export { DEFAULT_MAX_BATCH_SIZE } from './append-validation';
export { SqliteEventStore, type SqliteEventStoreOptions, type SqliteWriterKind } from './sqlite/sqlite-event-store';
export { createEventStore, type EventStoreSettings } from './create-event-store';

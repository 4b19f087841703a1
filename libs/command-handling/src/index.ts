export * from './event-codec.port';
export * from './command-executor';
export * from './idempotency-records';

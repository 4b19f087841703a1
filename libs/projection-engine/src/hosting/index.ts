export * from './projections-host';
export * from './status-publisher';
export * from './remote-projections';
export * from './position-waiters';
export * from './followed-projections';

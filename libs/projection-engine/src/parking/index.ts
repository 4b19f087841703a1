export * from './parking.events';
export * from './parking.decider';
export * from './parking-source';

export * from './errors';
export * from './roles';
export * from './decider';
export * from './field-checks';
export * from './input-rules';

export * from './policy';
export * from './compute';
export * from './working-days';
export * from './time-zone';

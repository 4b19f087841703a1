export * from './events';
export * from './numbering';
export * from './deadlines';

export * from './event-catalogue';
export * from './default-catalogue';

export * from './calendar';
export * from './reporting-config';
export * from './kpi-targets';
export * from './projection-shape';

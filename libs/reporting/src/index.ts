export * from './kpi';
export * from './complaint-list';
export * from './deliveries';
export * from './returns';
export * from './satisfaction-summary';
export * from './monthly-report';
export * from './reporting';

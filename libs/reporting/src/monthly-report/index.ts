export * from './monthly-report.types';
export * from './customer-notification.projection';
export * from './complaint-figures';
export * from './monthly-report';
export * from './report-months';

export * from './indexes';
export * from './monthly-report-materializer';
export * from './quality-reporting.projection';

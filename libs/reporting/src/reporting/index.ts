export * from './indexes';
export * from './monthly-report-materializer';
export * from './complaint-lists.projection';
export * from './monthly-report.projection';
export * from './satisfaction-summary-read-model.projection';
export * from './reporting-projections';
export { factPart, type FactPart } from './fact-part';

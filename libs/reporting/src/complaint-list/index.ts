export * from './complaint.document';
export * from './complaint-list.projection';
export * from './complaint-timeline';
export * from './complaint-list.views';
export * from './overdue-months';
export * from './repeat-flags';
export * from './drill-down';
export * from './complaint-actions';

export * from './complaint.document';
export * from './complaint-list.projection';
export * from './complaint-timeline';
export * from './complaint-list.views';

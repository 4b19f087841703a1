export * from './csi';
export * from './satisfaction-summary.projection';

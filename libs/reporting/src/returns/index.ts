export * from './return.projection';

export * from './delivery-month-customer.projection';

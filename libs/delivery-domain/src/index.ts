export * from './events';
export * from './commands';
export * from './roles';
export {
  type DeliveryState,
  type RecordedDeliveryState,
  initialDeliveryState,
  evolveDelivery,
} from './state';
export { decideDelivery } from './decide';
export * from './decider';
export { upcastDeliveryEvent } from './upcast';
export * from './delivery-csv';
export * from './csv-text';

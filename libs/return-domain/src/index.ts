export * from './events';
export * from './commands';
export * from './roles';
export {
  type ReturnState,
  type ReceivedReturnState,
  type DispositionState,
  type StockCheckState,
  initialReturnState,
  evolveReturn,
  undispositionedQuantity,
} from './state';
export { decideReturn } from './decide';
export * from './decider';
export { upcastReturnEvent } from './upcast';

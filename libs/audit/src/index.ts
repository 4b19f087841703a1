export * from './canonical-json';
export * from './hash-chain';
export * from './chain-verifier';
export * from './verify-store';
export * from './history';
export * from './as-of';
export * from './eight-d/eight-d-report';
export * from './eight-d/eight-d-rows';

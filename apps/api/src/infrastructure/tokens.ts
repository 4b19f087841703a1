export const CLOCK = Symbol('CLOCK');
export type Clock = () => Date;
export const EVENT_CATALOGUE = Symbol('EVENT_CATALOGUE');

export * from './events';
export * from './commands';
export * from './roles';
export * from './calendar';
export * from './config';
export * from './csi';
export {
  type SurveyState,
  type IssuedSurveyState,
  type ResponseState,
  type CountermeasureState,
  type DissatisfiedItem,
  initialSurveyState,
  evolveSurvey,
  dissatisfiedItems,
} from './state';
export { decideSurvey } from './decide';
export * from './decider';
export { upcastSurveyEvent } from './upcast';

export * from './projection';
export { applyBatch, MemoryJournal, type BatchOutcome, type ProjectionTarget } from './apply-batch';
export type { RetryPolicy } from './backoff';
export type { ProjectionState, RunnerFailure } from './projection-runner';
export * from './parking';
export { PoisonEventError, type PoisonEvent } from './poison-event';
export {
  RebuildInterruptedError,
  journalName,
  rebuildCheckpointName,
  swapMarkerName,
  type RebuildOptions,
  type RebuildPhase,
  type RebuildProgress,
  type RebuildResult,
} from './rebuild';
export { parsePartKey, partCheckpointName, partKey, progressKey, type PreparedParts } from './rebuild-parts';
export { Mutex } from './mutex';
export { DEFAULT_WORKING_SET_LIMITS, ReplayWorkingSet, type WorkingSetLimits } from './replay-working-set';
export { DEFAULT_REBUILD_BATCH_SIZE, eventHoldingReadModel, poisonHolding, ProjectionEngine, type ProjectionEngineOptions, type ProjectionStatus } from './projection-engine';
export {
  compareReadModels,
  dropProjectionCopy,
  firstDifference,
  logUpTo,
  readModelChecksum,
  replayInto,
  verifyProjection,
  type CompareOptions,
  type DifferenceKind,
  type ReadModelChecksum,
  type ReadModelComparison,
  type ReadModelCopy,
  type ReadModelDifference,
  type ReplayIntoOptions,
  type VerifyOptions,
  type VerifyResult,
} from './compare';
export * from './hosting';
export {
  checkReadModelOrigin,
  eventLogIdentity,
  ReadModelOriginError,
  type OriginCheckOptions,
  type OriginCheckOutcome,
  type OriginCheckResult,
  type OriginMismatchPolicy,
} from './origin/read-model-origin';

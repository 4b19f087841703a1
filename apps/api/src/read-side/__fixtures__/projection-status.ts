import type { ProjectionStatus } from '@qms/projection-engine';

/** A running projection's status at position 141 of 300, with `changes` applied. */
export function runningStatus(name: string, changes: Partial<ProjectionStatus> = {}): ProjectionStatus {
  return {
    name,
    version: 1,
    state: 'running',
    position: 141,
    headPosition: 300,
    lagEvents: 0,
    lagCountCapped: false,
    lagSeconds: 0,
    lastFailure: null,
    stoppedOn: null,
    parkedEvents: [],
    rebuild: null,
    ...changes,
  };
}

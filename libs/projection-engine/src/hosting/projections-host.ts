import type { ParkedEvent } from '../parking/parking.decider';
import type { PoisonEvent } from '../poison-event';
import type { ProjectionState } from '../projection-runner';
import type { ProjectionStatus } from '../projection-engine';
import type { RebuildResult } from '../rebuild';

/**
 * What the API needs of the projections, wherever they run: in its own process (the
 * ProjectionEngine), or in a projector process that writes the same read store
 * (RemoteProjections, which learns positions from the checkpoints and the rest from the status
 * the projector publishes).
 */
export interface ProjectionsHost {
  readonly projectionNames: readonly string[];
  /** False where the projections run in another process: rebuilds are started there. */
  readonly runsProjections: boolean;
  start(): void;
  stop(): Promise<void>;
  status(): Promise<ProjectionStatus[]>;
  /** Position up to which the projection has applied the log (as last learnt). */
  positionOf(name: string): number;
  waitForPosition(position: number, timeoutMs: number, names?: readonly string[]): Promise<boolean>;
  standing(name: string): { readonly position: number; readonly state: ProjectionState; readonly stoppedOn: PoisonEvent | null };
  parkedEvents(name: string): readonly ParkedEvent[];
  /** A parking decision was recorded: where the projections run, they read the decisions again. */
  parkingChanged(name: string): Promise<void>;
  rebuild(name: string): Promise<RebuildResult>;
  settleDeferredWork(name: string): Promise<void>;
}

import type { ParkedEvent, PoisonEvent, ProjectionState, ProjectionStatus, RebuildProgress, RunnerFailure, VerifyResult } from '@qms/projection-engine';
import { z } from 'zod';
import { answer, count, describing, instant, logPosition } from '../http/response-schemas';
import type { ReadModelStanding } from './read-model-positions';

const PROJECTION_STATES = ['stopped', 'starting', 'rebuilding', 'running', 'catching-up', 'retrying'] as const;
const projectionState = describing<ProjectionState>()(z.enum(PROJECTION_STATES));

const poisonEvent = () =>
  describing<PoisonEvent>()(
    z.strictObject({
      position: logPosition(),
      streamId: z.string(),
      type: z.string(),
      error: z.string(),
    }),
  );

export const ReadModelStandingAnswer = answer(
  'ReadModelStanding',
  describing<ReadModelStanding>()(
    z.strictObject({
      projection: z.string(),
      state: projectionState,
      complete: z.boolean().meta({ description: 'false when events are parked for this read model, or it is stopped on one: a figure may lack them' }),
      parkedPositions: z.array(logPosition()),
      stoppedOn: poisonEvent().nullable(),
    }),
  ),
  'What a reader of the read model should know besides its position',
);

const parkedEvent = describing<ParkedEvent>()(
  z.strictObject({
    position: logPosition(),
    streamId: z.string(),
    eventType: z.string(),
    reason: z.string(),
  }),
);

const runnerFailure = () =>
  describing<RunnerFailure>()(
    z.strictObject({
      message: z.string(),
      at: instant(),
      failures: count(),
    }),
  );

const rebuildProgress = () =>
  describing<RebuildProgress>()(
    z.strictObject({
      projection: z.string(),
      part: z.string().optional(),
      phase: z.enum(['replaying', 'stored', 'catching-up', 'swapping', 'done']),
      position: logPosition(),
      targetPosition: logPosition(),
      eventsProcessed: count(),
      eventsPerSecond: z.number().nonnegative(),
      etaSeconds: z.number().nonnegative().nullable(),
      resumed: z.boolean(),
      stoppedOn: poisonEvent().nullable(),
    }),
  );

export const ProjectionStatusAnswer = answer(
  'ProjectionStatus',
  describing<ProjectionStatus>()(
    z.strictObject({
      name: z.string(),
      version: z.int().nonnegative(),
      state: projectionState,
      position: logPosition(),
      headPosition: logPosition().nullable(),
      lagEvents: count().nullable(),
      lagCountCapped: z.boolean(),
      lagSeconds: z.number().nonnegative().nullable(),
      lastFailure: runnerFailure().nullable(),
      stoppedOn: poisonEvent().nullable(),
      parkedEvents: z.array(parkedEvent),
      rebuild: rebuildProgress().nullable(),
    }),
  ),
);

export const ProjectionStatusListAnswer = answer('ProjectionStatusList', z.array(ProjectionStatusAnswer), 'Every projection, in the order the engine runs them');

export const ParkedEventsAnswer = answer(
  'ParkedEvents',
  describing<{ projection: string; items: ParkedEvent[] }>()(
    z.strictObject({
      projection: z.string(),
      items: z.array(parkedEvent).meta({ description: 'By position' }),
    }),
  ),
);

export const ProjectionVerificationAnswer = answer(
  'ProjectionVerification',
  describing<VerifyResult>()(
    z.strictObject({
      projection: z.string(),
      position: logPosition(),
      settled: z.boolean(),
      attempts: count(),
      eventsReplayed: count(),
      equal: z.boolean(),
      differences: z.array(
        z.strictObject({
          collection: z.string(),
          id: z.string(),
          kind: z.enum(['missing', 'extra', 'changed']),
          path: z.string().optional(),
        }),
      ),
      differenceCount: count(),
      documentsCompared: count(),
    }),
  ),
);

import type { ReadStore, StoredDocument } from '@qms/read-store';
import type { ProjectionStatus } from '../projection-engine';

/** Where a projector publishes its projections' status for the API instances that read the same store. */
export const PROJECTION_STATUS_COLLECTION = 'projection_status';

export interface PublishedStatus extends StoredDocument {
  readonly status: ProjectionStatus;
  /** When the projector wrote it: a status older than a few intervals means no projector runs. */
  readonly publishedAt: string;
}

/**
 * Writes every projection's status into the read store every `intervalMs`, for API instances
 * started with PROJECTIONS=off (several may serve while one projector writes). Positions travel
 * separately, through the checkpoints, which move with the documents; this carries what the
 * checkpoints cannot: state, the poison event a projection is stopped on, parked events, lag.
 * Returns the stop function; a failed write is tried again at the next interval.
 */
export function publishStatus(
  source: { status(): Promise<ProjectionStatus[]> },
  store: ReadStore,
  intervalMs = 1_000,
  now: () => Date = () => new Date(),
): () => Promise<void> {
  let stopped = false;
  let running: Promise<void> = Promise.resolve();
  const publish = async (): Promise<void> => {
    try {
      const statuses = await source.status();
      const publishedAt = now().toISOString();
      await store.bulkWrite<PublishedStatus>(PROJECTION_STATUS_COLLECTION, {
        upserts: statuses.map((status) => ({ _id: status.name, status, publishedAt })),
      });
    } catch {
      // The store is down: the projections retry on their own, the next interval publishes.
    }
  };
  const timer = setInterval(() => {
    if (!stopped) running = publish();
  }, intervalMs);
  running = publish();
  return async () => {
    stopped = true;
    clearInterval(timer);
    await running;
  };
}

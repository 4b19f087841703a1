import type { DomainEvent } from '@qms/domain-kernel';
import { SqliteReadStore, type ReadStore } from '@qms/read-store';
import type { ProjectionEngineOptions } from '@qms/projection-engine';

/**
 * Both stores outlive the process, so both keep the engine's durable defaults: before-images in a
 * journal collection of the store and deep-frozen evolved documents. The SQLite file commits a
 * batch's documents and checkpoint in one transaction (ReadStore.commit), which leaves the journal
 * needed only for afterBatch (the monthly report's months a fact left). SQLite writes a batch as one
 * local transaction, so a start-up catch-up reads the log in pages of 5,000 events (at the head a
 * batch is only what arrived, so live batches stay small); MongoDB keeps 500-event batches.
 */
export function engineOptionsFor(readStore: ReadStore): Partial<Pick<ProjectionEngineOptions<DomainEvent>, 'batchSize' | 'journal' | 'freezeEvolved'>> {
  return readStore instanceof SqliteReadStore ? { batchSize: 5_000 } : {};
}

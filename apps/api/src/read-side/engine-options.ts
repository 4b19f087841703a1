import type { DomainEvent } from '@qms/domain-kernel';
import { InMemoryReadStore, type ReadStore } from '@qms/read-models';
import type { ProjectionEngineOptions } from '@qms/projection-engine';

/**
 * The in-process store dies with the process and is rebuilt at every start: before-images need
 * not survive a crash, the store deep-freezes what it is given, and a start-up catch-up reads
 * the log in large pages (at the head a batch is only what arrived, so live batches stay small).
 * MongoDB keeps the engine's defaults: a durable journal and 500-event live batches.
 */
export function engineOptionsFor(readStore: ReadStore): Partial<Pick<ProjectionEngineOptions<DomainEvent>, 'batchSize' | 'journal' | 'freezeEvolved'>> {
  return readStore instanceof InMemoryReadStore ? { batchSize: 5_000, journal: 'memory', freezeEvolved: 'shallow' } : {};
}

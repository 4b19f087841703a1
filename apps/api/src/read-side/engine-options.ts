import type { DomainEvent } from '@qms/domain-kernel';
import { InMemoryReadStore, type ReadStore } from '@qms/read-store';
import type { ProjectionEngineOptions } from '@qms/projection-engine';

/**
 * The in-process store dies with the process and is rebuilt at every start: before-images need
 * not survive a crash, the store deep-freezes what it is given, and a start-up catch-up reads
 * the log in pages of 5,000 events (at the head a batch is only what arrived, so live batches
 * stay small). Pages of 1,000 were tried for a lower peak: on the full benchmark history, in one
 * run against the previous one, the catch-up peaked at 2,205 MB instead of 2,258 MB but took 85 s
 * instead of 73 s, and a rebuild ran at 36,913 instead of 40,632 events/s; the peak is V8's heap
 * growth, not the batch. MongoDB keeps the engine's defaults: a durable journal and 500-event
 * live batches.
 */
export function engineOptionsFor(readStore: ReadStore): Partial<Pick<ProjectionEngineOptions<DomainEvent>, 'batchSize' | 'journal' | 'freezeEvolved'>> {
  return readStore instanceof InMemoryReadStore ? { batchSize: 5_000, journal: 'memory', freezeEvolved: 'shallow' } : {};
}

import type { DomainEvent } from '@qms/domain-kernel';
import { InMemoryReadStore, type ReadStore } from '@qms/read-models';
import type { ProjectionEngineOptions } from '@qms/projection-engine';

/**
 * The in-process store dies with the process and is rebuilt at every start: before-images need
 * not survive a crash, the store deep-freezes what it is given, and a start-up catch-up reads
 * the log in pages of 1,000 events (at the head a batch is only what arrived, so live batches
 * stay small). Not larger: all a batch loads and evolves stays reachable until its write, so a
 * big batch outlives the young generation and waits for a full GC. On the full benchmark history
 * (three runs each) 5,000-event batches peaked at 2.1–2.3 GB RSS while catching up, 1,000-event
 * ones at 1.7–2.0 GB, in the same time within the noise of the runs (about 68 s on a quiet
 * machine). MongoDB keeps the engine's defaults: a durable journal and 500-event live batches.
 */
export function engineOptionsFor(readStore: ReadStore): Partial<Pick<ProjectionEngineOptions<DomainEvent>, 'batchSize' | 'journal' | 'freezeEvolved'>> {
  return readStore instanceof InMemoryReadStore ? { batchSize: 1_000, journal: 'memory', freezeEvolved: 'shallow' } : {};
}

import { Logger } from '@nestjs/common';
import type { DomainEvent } from '@qms/domain-kernel';
import type { EventCatalogue } from '@qms/event-catalogue';
import type { EventStore } from '@qms/event-store';
import { ProjectionEngine, type ProjectionsHost, RemoteProjections } from '@qms/projection-engine';
import { InMemoryReadStore, MongoReadStore, type ReadStore } from '@qms/read-store';
import type { ReportingProjections } from '@qms/reporting';
import { type AppConfig, ConfigurationError } from '../config/app-config';
import { engineOptionsFor } from './engine-options';

/** The read store the configuration names: MongoDB with MONGO_URL, in process otherwise. */
export function openReadStore(config: AppConfig): ReadStore {
  return config.mongoUrl ? MongoReadStore.create({ url: config.mongoUrl, dbName: config.mongoDatabase }) : new InMemoryReadStore();
}

/** Every read model's projection following the log into `readStore`, as the API and the projector run it. */
export function createProjectionEngine(
  eventStore: EventStore,
  readStore: ReadStore,
  catalogue: EventCatalogue,
  reporting: ReportingProjections,
  logger: { warn(message: string): void; log(message: string): void } = new Logger('Projections'),
): ProjectionEngine<DomainEvent> {
  return new ProjectionEngine<DomainEvent>({
    eventStore,
    readStore,
    projections: reporting.all,
    decodeEvent: (recorded) => catalogue.decode(recorded),
    logger,
    ...engineOptionsFor(readStore),
  });
}

/**
 * PROJECTIONS=on: the projections run in this process. PROJECTIONS=off: a projector process
 * (`npm run projector`) runs them against the same read store, and this instance follows their
 * checkpoints and published status.
 */
export function createProjectionsHost(
  config: AppConfig,
  eventStore: EventStore,
  readStore: ReadStore,
  catalogue: EventCatalogue,
  reporting: ReportingProjections,
): ProjectionsHost {
  if (config.projections === 'on') return createProjectionEngine(eventStore, readStore, catalogue, reporting);
  if (readStore instanceof InMemoryReadStore) {
    throw new ConfigurationError('PROJECTIONS=off needs a read store a projector process can write (MONGO_URL); the in-process store lives in this process only.');
  }
  return new RemoteProjections({
    readStore,
    projectionNames: reporting.all.map((projection) => projection.name),
    rebuildHint: 'rebuild with `npm run cli -- rebuild --projection <name>` while the projector is stopped, or restart the projector after a version change',
  });
}

import type { DomainEvent } from '@qms/domain-kernel';
import { EventCatalogue } from '@qms/event-catalogue';
import type { EventStore } from '@qms/event-store';
import { ProjectionEngine } from '@qms/projection-engine';
import type { ReadStore } from '@qms/read-store';
import type { ReportingProjections } from '@qms/reporting';
import { engineOptionsFor } from './engine-options';

/**
 * Every read model's projection following the log into `readStore`, as the API, its projections
 * thread and the projector run it. No Nest here: the projections thread loads this file.
 */
export function createProjectionEngine(
  eventStore: EventStore,
  readStore: ReadStore,
  catalogue: EventCatalogue,
  reporting: ReportingProjections,
  logger: { warn(message: string): void; log(message: string): void },
): ProjectionEngine<DomainEvent> {
  return new ProjectionEngine<DomainEvent>({
    eventStore,
    readStore,
    projections: reporting.all,
    decodeEvent: (recorded) => catalogue.decode(recorded),
    decodeMetadataKeys: EventCatalogue.DECODE_METADATA_KEYS,
    logger,
    ...engineOptionsFor(readStore),
  });
}

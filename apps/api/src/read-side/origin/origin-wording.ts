import { MongoReadStore, type ReadStore } from '@qms/read-store';
import type { AppConfig } from '../../config/app-config';

export interface OriginWording {
  readonly readStoreName: string;
  readonly remedy: string;
}

/**
 * How a refusal names the read store and what it tells the operator to do, in the settings of the
 * process that refuses. `writes`: whether this process builds the read models (the API with its
 * projections, the projector, the CLI's rebuild), and so could rebuild them on request.
 */
export function originWording(config: AppConfig, readStore: ReadStore, writes: boolean): OriginWording {
  const log = config.eventStoreUrl
    ? 'the EventStoreDB log at EVENTSTORE_URL'
    : `the event log at EVENTS_DB_PATH=${config.eventsDbPath}`;
  const automatic = writes
    ? 'or start with READ_MODELS_ON_MISMATCH=rebuild to clear them and rebuild them from this log automatically'
    : 'or start the API or projector that builds them with READ_MODELS_ON_MISMATCH=rebuild';
  if (readStore instanceof MongoReadStore) {
    return {
      readStoreName: `the read models in MongoDB database ${readStore.databaseName}`,
      remedy: `Drop that database to rebuild them from ${log}, point MONGO_URL / MONGO_DATABASE at the read models of this log, ${automatic}.`,
    };
  }
  const path = config.readDbPath;
  return {
    readStoreName: `the read models in ${path}`,
    remedy: `Delete ${path} (with its -wal and -shm files) to rebuild them from ${log}, point READ_DB_PATH at the read-model file of this log, ${automatic}.`,
  };
}

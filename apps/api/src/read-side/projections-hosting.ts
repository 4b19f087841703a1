import { Logger } from '@nestjs/common';
import type { EventCatalogue } from '@qms/event-catalogue';
import type { EventStore } from '@qms/event-store';
import { type ProjectionsHost, RemoteProjections } from '@qms/projection-engine';
import { MongoReadStore, type ReadStore, SqliteReadStore } from '@qms/read-store';
import { StoreUnavailableError } from '@qms/domain-kernel';
import type { ReportingProjections } from '@qms/reporting';
import { type AppConfig, ConfigurationError } from '../config/app-config';
import { createProjectionEngine } from './projection-engine.factory';
import { WorkerProjections } from './worker/worker-projections';

/**
 * The read store the configuration names: MongoDB with MONGO_URL, the SQLite file READ_DB_PATH
 * otherwise, through a reader's small page cache unless this process projects into it itself.
 */
export function openReadStore(config: AppConfig): ReadStore {
  return config.mongoUrl
    ? MongoReadStore.create({ url: config.mongoUrl, dbName: config.mongoDatabase, serverSelectionTimeoutMS: config.mongoServerSelectionTimeoutMs, compatibility: config.mongoCompatibility })
    : openReadModelFile(config.readDbPath, config.projections === 'in-process' ? config.readDbCacheMb : config.readDbReaderCacheMb);
}

/** Stops start-up with one line saying what to fix when the read-model file cannot be opened. */
function openReadModelFile(path: string, cacheMb: number): SqliteReadStore {
  try {
    return SqliteReadStore.open({ path, cacheMb });
  } catch (error) {
    throw new StoreUnavailableError(`${(error as Error).message}. Set READ_DB_PATH to a writable file.`);
  }
}

/**
 * PROJECTIONS=on (default): on the embedded SQLite file the projections run in a worker thread of
 * this process; with MongoDB in this process. PROJECTIONS=in-process: in this process's event
 * loop whatever the store (tests, measurements). PROJECTIONS=off: a projector process
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
  const logger = new Logger('Projections');
  if (config.projections === 'on' && readStore instanceof SqliteReadStore && config.readDbPath !== ':memory:') {
    // The embedded default: off the API's event loop, in a thread with its own connections.
    return new WorkerProjections({ config, projectionNames: reporting.all.map((projection) => projection.name), logger, log: { eventStore } });
  }
  if (config.projections !== 'off') return createProjectionEngine(eventStore, readStore, catalogue, reporting, logger);
  const shared = readStore instanceof MongoReadStore || (readStore instanceof SqliteReadStore && config.readDbPath !== ':memory:');
  if (!shared) {
    throw new ConfigurationError('PROJECTIONS=off needs a read store a projector process can write (the READ_DB_PATH file or MONGO_URL); the in-process store lives in this process only.');
  }
  return new RemoteProjections({
    readStore,
    projectionNames: reporting.all.map((projection) => projection.name),
    log: { eventStore },
    rebuildHint: 'rebuild with `npm run cli -- rebuild --projection <name>` while the projector is stopped, or restart the projector after a version change',
  });
}

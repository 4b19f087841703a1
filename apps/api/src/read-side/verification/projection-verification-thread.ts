import { parentPort, workerData } from 'node:worker_threads';
import { defaultEventCatalogue, EventCatalogue } from '@qms/event-catalogue';
import { createEventStore, type EventStore, SqliteEventStore } from '@qms/event-store';
import { dropProjectionCopy, verifyProjection } from '@qms/projection-engine';
import { MongoReadStore, type ReadStore, SqliteReadStore } from '@qms/read-store';
import { createReportingProjections } from '@qms/reporting';
import { deadlinePolicyFrom } from '../../config/domain-policy';
import { openReadStore } from '../projections-hosting';
import { reportingConfigFrom } from '../reporting-config.provider';
import { type FromVerificationThread, removeSqliteFile, type VerificationThreadData, verificationScratchFile } from './projection-verification';

/** The worker thread of projection-verification.ts: one verification, then it ends. */
async function main(port: NonNullable<typeof parentPort>, { config, name }: VerificationThreadData): Promise<void> {
  let outcome: FromVerificationThread;
  let eventStore: EventStore | undefined;
  let live: ReadStore | undefined;
  let scratch: ReadStore | undefined;
  // Beside the live collections in MongoDB, in a scratch file beside the read-model file otherwise.
  const scratchFile = config.mongoUrl ? undefined : verificationScratchFile(config);
  try {
    // A fresh instance: the reference copy must not share anything with the live one.
    const projection = createReportingProjections(reportingConfigFrom(config, deadlinePolicyFrom(config))).byName(name);
    if (projection === undefined) throw new Error(`No projection named ${name}`);
    // Never appends: no writer thread of its own.
    eventStore = config.eventStoreUrl
      ? await createEventStore({ eventStoreUrl: config.eventStoreUrl, sqlitePath: config.eventsDbPath })
      : SqliteEventStore.open(config.eventsDbPath, { writer: 'main-thread' });
    live = openReadStore(config);
    if (scratchFile !== undefined) removeSqliteFile(scratchFile);
    scratch =
      scratchFile === undefined
        ? MongoReadStore.create({ url: config.mongoUrl ?? '', dbName: config.mongoDatabase, collectionPrefix: 'verify__', compatibility: config.mongoCompatibility })
        : SqliteReadStore.open({ path: scratchFile });
    const catalogue = defaultEventCatalogue();
    const result = await verifyProjection({
      eventStore,
      live,
      scratch,
      projection,
      decodeEvent: (recorded) => catalogue.decode(recorded),
      decodeMetadataKeys: EventCatalogue.DECODE_METADATA_KEYS,
      maxDifferences: 100,
    });
    if (result.equal) await dropProjectionCopy(scratch, projection);
    outcome = { type: 'done', result };
  } catch (error) {
    outcome = { type: 'failed', failure: error instanceof Error ? { name: error.constructor.name, message: error.message } : { name: 'Error', message: String(error) } };
  } finally {
    await scratch?.close();
    await live?.close();
    await eventStore?.close();
    if (scratchFile !== undefined) removeSqliteFile(scratchFile);
  }
  // Once the scratch copy is gone, as the answer says.
  port.postMessage(outcome);
  port.close();
}

if (parentPort !== null) void main(parentPort, workerData as VerificationThreadData);

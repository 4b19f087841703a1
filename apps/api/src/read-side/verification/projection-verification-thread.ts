import { parentPort, workerData } from 'node:worker_threads';
import { defaultEventCatalogue, EventCatalogue } from '@qms/event-catalogue';
import { createEventStore, type EventStore, SqliteEventStore } from '@qms/event-store';
import { dropProjectionCopy, verifyProjection, type VerifyResult } from '@qms/projection-engine';
import { MongoReadStore, type ReadStore, SqliteReadStore } from '@qms/read-store';
import { createReportingProjections } from '@qms/reporting';
import { deadlinePolicyFrom } from '../../config/domain-policy';
import { answerOnce } from '../../infrastructure/one-shot-thread';
import { openReadStore } from '../projections-hosting';
import { reportingConfigFrom } from '../reporting-config.provider';
import { removeSqliteFile, type VerificationThreadData, verificationScratchFile } from './projection-verification';

/** The worker thread of projection-verification.ts: one verification, answered once its scratch copy is gone. */
async function verify({ config, name }: VerificationThreadData): Promise<VerifyResult> {
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
    return result;
  } finally {
    await scratch?.close();
    await live?.close();
    await eventStore?.close();
    if (scratchFile !== undefined) removeSqliteFile(scratchFile);
  }
}

if (parentPort !== null) void answerOnce(parentPort, () => verify(workerData as VerificationThreadData));

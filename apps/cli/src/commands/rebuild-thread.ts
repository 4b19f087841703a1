import { parentPort, workerData } from 'node:worker_threads';
import { parsePartKey, RebuildInterruptedError } from '@qms/projection-engine';
import type { EventStore } from '@qms/event-store';
import { type ReadStore, SqliteReadStore } from '@qms/read-store';
import { openEventStore } from '../event-store-access';
import { readSideOfNames } from './read-side';
import type { FromRebuildThread, RebuildThreadData, ToRebuildThread } from './rebuild-threads';
import { rebuildHere } from './run-rebuild';

/** A worker thread of rebuild-threads.ts: its projections rebuilt by an engine of its own, from the same environment. */
async function main(port: NonNullable<typeof parentPort>, data: RebuildThreadData): Promise<void> {
  const post = (message: FromRebuildThread): void => port.postMessage(message);
  let eventStore: EventStore | undefined;
  let readStore: ReadStore | undefined;
  try {
    // Opened inside: a store this thread cannot reach is said as such (exit 5), not as a crash.
    // A part (`monthly_report:other_facts`) is rebuilt by its projection's engine.
    const side = readSideOfNames(data.env, [...new Set(data.names.map((name) => parsePartKey(name).projection))]);
    eventStore = await openEventStore(data.env);
    readStore = side.openMongo() ?? SqliteReadStore.open({ path: side.config.readDbPath });
    const run = rebuildHere({ eventStore, readStore, side, batchSize: data.batchSize, checksums: data.checksums }, data.names, {
      onProgress: (progress) => post({ type: 'progress', progress }),
      onWarn: (message) => post({ type: 'warn', message }),
    });
    port.on('message', (message: ToRebuildThread) => {
      if (message.type === 'stop') run.stop();
    });
    post({ type: 'done', results: await run.results });
  } catch (error) {
    const failure = error instanceof Error ? { name: error.constructor.name, message: error.message } : { name: 'Error', message: String(error) };
    post({ type: 'failed', failure: error instanceof RebuildInterruptedError ? { ...failure, projection: error.projection } : failure });
  } finally {
    await readStore?.close();
    await eventStore?.close();
    port.close();
  }
}

if (parentPort !== null) void main(parentPort, workerData as RebuildThreadData);

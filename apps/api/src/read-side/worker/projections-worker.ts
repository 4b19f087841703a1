import { setPriority } from 'node:os';
import { getHeapStatistics } from 'node:v8';
import { parentPort, workerData } from 'node:worker_threads';
import { defaultEventCatalogue } from '@qms/event-catalogue';
import { createEventStore, type EventStore, SqliteEventStore } from '@qms/event-store';
import { SqliteReadStore } from '@qms/read-store';
import { createReportingProjections } from '@qms/reporting';
import { deadlinePolicyFrom } from '../../config/domain-policy';
import { scheduleThisThreadWhenIdle } from '../../infrastructure/idle-scheduling';
import { createProjectionEngine } from '../projection-engine.factory';
import { reportingConfigFrom } from '../reporting-config.provider';
import { heapCapWarning } from './heap-cap';
import type { FromProjectionsWorker, ProjectionsWorkerData, ThreadHeap, ToProjectionsWorker } from './projections-worker.protocol';

/**
 * The projections thread of the embedded default: every read model's projection runs here with
 * its own connections to the event file and the read-model file, off the API's event loop. The
 * API reads the same read-model file through its own connection (WAL: it sees each committed
 * batch, never half of one), learns positions and status from the messages below, and asks for
 * rebuilds and the like by message.
 */
if (parentPort === null) throw new Error('projections-worker runs as a worker thread');
const port = parentPort;
const { config } = workerData as ProjectionsWorkerData;
const post = (message: FromProjectionsWorker): void => port.postMessage(message);

async function main(): Promise<void> {
  yieldTheCores(config.projectionsScheduling, config.projectionsNice);
  sayWhetherTheHeapCapHolds(config.projectionsHeapMb);
  // Never appends (parking decisions are commands of the API): no writer thread of its own, and a
  // short poll so that the API's appends reach the projections soon.
  const eventStore: EventStore = config.eventStoreUrl
    ? await createEventStore({ eventStoreUrl: config.eventStoreUrl, sqlitePath: config.eventsDbPath })
    : SqliteEventStore.open(config.eventsDbPath, { writer: 'main-thread', pollIntervalMs: 20 });
  const readStore = SqliteReadStore.open({ path: config.readDbPath, cacheMb: config.readDbCacheMb });
  const reporting = createReportingProjections(reportingConfigFrom(config, deadlinePolicyFrom(config)));
  const engine = createProjectionEngine(eventStore, readStore, defaultEventCatalogue(), reporting, {
    log: (message) => post({ type: 'log', level: 'log', message }),
    warn: (message) => post({ type: 'log', level: 'warn', message }),
  });
  const positions = (): Record<string, number> => Object.fromEntries(engine.projectionNames.map((name) => [name, engine.positionOf(name)]));
  engine.watchProgress(() => post({ type: 'positions', positions: positions() }));
  engine.start();
  post({ type: 'positions', positions: positions() });
  // Published every half second, at each step of a rebuild and before every reply: the API never
  // gets a reply before the status that shows what its request did.
  const publish = afterEachCall(async () => {
    // Head and lag are the API's to measure (worker-projections.ts): not counted here as well.
    post({ type: 'status', statuses: await engine.status({ measureLag: false }), heap: heapOfThisThread() });
  });
  engine.watchRebuilds(() => void publish());
  const timer = setInterval(() => void publish(), 500);

  port.on('message', (message: ToProjectionsWorker) => {
    if (message.type === 'stop') {
      clearInterval(timer);
      void (async () => {
        await engine.stop();
        await readStore.close();
        await eventStore.close();
        post({ type: 'stopped' });
        port.close();
      })();
      return;
    }
    const run = async (): Promise<unknown> => {
      switch (message.method) {
        case 'rebuild':
          // Answered once started: the rebuild runs on and its progress shows in the status.
          engine.rebuild(message.name).catch((error: unknown) => post({ type: 'log', level: 'warn', message: `Rebuild of ${message.name} failed: ${(error as Error).message}` }));
          return { started: true };
        case 'parkingChanged':
          return engine.parkingChanged(message.name);
        case 'settleDeferredWork':
          return engine.settleDeferredWork(message.name);
      }
    };
    run().then(
      async (result) => {
        await publish();
        post({ type: 'reply', id: message.id, result });
      },
      (error: unknown) =>
        post({ type: 'reply', id: message.id, error: { name: error instanceof Error ? error.constructor.name : 'Error', message: error instanceof Error ? error.message : String(error) } }),
    );
  });
}

main().catch((error: unknown) => {
  post({ type: 'log', level: 'warn', message: `The projections thread could not start: ${(error as Error).message}` });
  throw error;
});

/**
 * Lowers this thread's scheduling priority (on Linux a priority set from a thread is the thread's
 * own): on two cores the API's event loop and the event store's writer then get a core whenever
 * a request is waiting, and the projections take what is left. With PROJECTIONS_SCHEDULING=idle
 * the thread also goes into SCHED_IDLE, under which a woken request or append takes
 * the core at once rather than after the thread's time slice. Where the platform refuses either,
 * the thread says so and runs as it can.
 */
function yieldTheCores(scheduling: 'idle' | 'nice', nice: number): void {
  if (nice !== 0) {
    try {
      setPriority(0, nice);
    } catch (error) {
      post({ type: 'log', level: 'warn', message: `PROJECTIONS_NICE=${nice} not applied (${(error as Error).message}): the projections thread runs at the API's priority` });
    }
  }
  if (scheduling !== 'idle') return;
  const refused = scheduleThisThreadWhenIdle();
  if (refused !== null) {
    post({ type: 'log', level: 'warn', message: `PROJECTIONS_SCHEDULING=idle not applied (${refused}): the projections thread runs at nice ${nice}` });
  }
}

/**
 * Runs `task` for each call, but never twice at once: calls made while it runs share one more run
 * after it. Each call resolves once a run that began after the call has ended.
 */
function afterEachCall(task: () => Promise<void>): () => Promise<void> {
  let running: Promise<void> | undefined;
  let next: Promise<void> | undefined;
  const run = (): Promise<void> => {
    if (running === undefined) {
      running = task()
        .catch(() => undefined)
        .finally(() => (running = undefined));
      return running;
    }
    next ??= running.then(() => {
      next = undefined;
      return run();
    });
    return next;
  };
  return run;
}

function heapOfThisThread(): ThreadHeap {
  const heap = getHeapStatistics();
  return { usedBytes: heap.used_heap_size, totalBytes: heap.total_heap_size, limitBytes: heap.heap_size_limit };
}

function sayWhetherTheHeapCapHolds(capMb: number): void {
  const warning = heapCapWarning(capMb, getHeapStatistics().heap_size_limit);
  if (warning !== null) post({ type: 'log', level: 'warn', message: warning });
}

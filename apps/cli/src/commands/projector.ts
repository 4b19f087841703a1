import { parseArgs } from 'node:util';
import type { DomainEvent } from '@qms/domain-kernel';
import { defaultEventCatalogue } from '@qms/event-catalogue';
import type { EventStore } from '@qms/event-store';
import { type ProjectionEngine, publishStatus } from '@qms/projection-engine';
import { type ReadStore, SqliteReadStore } from '@qms/read-store';
import { createReportingProjections } from '@qms/reporting';
import { type AppConfig, loadAppConfig } from '../../../api/src/config/app-config';
import { deadlinePolicyFrom } from '../../../api/src/config/domain-policy';
import { createProjectionEngine } from '../../../api/src/read-side/projection-engine.factory';
import { originWording } from '../../../api/src/read-side/origin/origin-wording';
import { ReadModelOriginGate } from '../../../api/src/read-side/origin/read-model-origin.gate';
import { openReadStore } from '../../../api/src/read-side/projections-hosting';
import { holdReadModelLock } from '../../../api/src/read-side/read-model-lock';
import { reportingConfigFrom } from '../../../api/src/read-side/reporting-config.provider';
import type { CliIo } from '../cli-io';
import { EXIT } from '../exit-codes';
import type { CliCommand } from './command';
import { positiveInteger } from './read-side';

export interface ProjectorOptions {
  readonly io: CliIo;
  readonly config: AppConfig;
  readonly eventStore: EventStore;
  readonly readStore: ReadStore;
  /** Stops the projector (Ctrl-C, SIGTERM, or a test). */
  readonly signal: AbortSignal;
  readonly statusIntervalMs?: number;
}

/**
 * Runs every read model's projection against the configured read store until `signal` aborts,
 * publishing their status for API instances started with PROJECTIONS=off. One projector per read
 * store: two would write the same documents. Refuses a read store built from another event log
 * (ReadModelOriginError), or clears it first with READ_MODELS_ON_MISMATCH=rebuild.
 */
export async function runProjector(options: ProjectorOptions): Promise<ProjectionEngine<DomainEvent>> {
  const { io, config, eventStore, readStore } = options;
  const reporting = createReportingProjections(reportingConfigFrom(config, deadlinePolicyFrom(config)));
  const engine = createProjectionEngine(eventStore, readStore, defaultEventCatalogue(), reporting, {
    log: (message) => io.stderr.write(`${message}\n`),
    warn: (message) => io.stderr.write(`${message}\n`),
  });
  const line = (message: string): void => void io.stderr.write(`${message}\n`);
  const origin = new ReadModelOriginGate({
    eventStore,
    readStore,
    policy: config.readModelsOnMismatch,
    wording: originWording(config, readStore, true),
    logger: { log: line, warn: line, error: line },
  });
  await origin.open(() => engine.start());
  const stopPublishing = publishStatus(engine, readStore, options.statusIntervalMs ?? 1_000);
  io.stderr.write(`Projector running: ${engine.projectionNames.join(', ')}; Ctrl-C stops it.\n`);
  await new Promise<void>((resolve) => {
    if (options.signal.aborted) resolve();
    else options.signal.addEventListener('abort', () => resolve(), { once: true });
  });
  origin.close();
  await stopPublishing();
  await engine.stop();
  return engine;
}

/** `npm run projector`: the projections in their own process, so that several API instances (PROJECTIONS=off) serve. */
export const projectorCommand: CliCommand = {
  name: 'projector',
  summary: 'Run the projections in this process against the read store the API instances started with PROJECTIONS=off serve (the READ_DB_PATH file or MongoDB)',
  usage: '[--status-interval-ms <n>]',
  async run(args, context) {
    const { values } = parseArgs({ args: [...args], options: { 'status-interval-ms': { type: 'string' } }, strict: true, allowPositionals: false });
    const config = loadAppConfig(context.io.env);
    const readStore = openReadStore(config);
    const lock = readStore instanceof SqliteReadStore ? holdReadModelLock(config.readDbPath, 'projector') : undefined;
    const abort = new AbortController();
    const stop = (): void => abort.abort();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    try {
      await readStore.checkHealth();
      await runProjector({
        io: context.io,
        config,
        eventStore: await context.eventStore(),
        readStore,
        signal: abort.signal,
        statusIntervalMs: positiveInteger(values['status-interval-ms'], '--status-interval-ms', 1_000),
      });
      return EXIT.OK;
    } finally {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      lock?.release();
      await readStore.close();
    }
  },
};

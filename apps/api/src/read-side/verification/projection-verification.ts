import { rmSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import { StoreUnavailableError } from '@qms/domain-kernel';
import type { VerifyResult } from '@qms/projection-engine';
import type { AppConfig } from '../../config/app-config';
import { letThreadsKeepTheirOwnHeapLimits } from '../../infrastructure/thread-heap-limits';
import { threadLaunch } from '../../infrastructure/typescript-bootstrap';
import { PROJECTIONS_YOUNG_GENERATION_MB } from '../worker/worker-projections';

export interface VerificationThreadData {
  readonly config: AppConfig;
  readonly name: string;
}

export type FromVerificationThread =
  | { readonly type: 'done'; readonly result: VerifyResult }
  | { readonly type: 'failed'; readonly failure: { readonly name: string; readonly message: string } };

/**
 * Rebuilds a projection into a scratch copy and compares it with the live one, in a worker thread
 * with its own connections (projection-verification-thread.ts). A replay of the whole log takes
 * minutes on a large store and runs long synchronous steps (commits of the working set, index
 * builds, the month sweep): on the API's thread it held every request for seconds at a time.
 * It runs under the projections thread's heap limits: its rebuild's working set commits sooner
 * rather than growing with the history.
 */
export function verifyInThread(config: AppConfig, name: string): Promise<VerifyResult> {
  const how = threadLaunch(__dirname, 'projection-verification-thread', __filename);
  const workerData: VerificationThreadData & Record<string, unknown> = { config, name, ...how.extra };
  letThreadsKeepTheirOwnHeapLimits();
  const worker = new Worker(how.script, {
    eval: how.eval,
    workerData,
    resourceLimits: { maxOldGenerationSizeMb: config.projectionsHeapMb, maxYoungGenerationSizeMb: PROJECTIONS_YOUNG_GENERATION_MB },
  });
  return new Promise<VerifyResult>((resolve, reject) => {
    let settled = false;
    worker.on('message', (message: FromVerificationThread) => {
      settled = true;
      if (message.type === 'done') resolve(message.result);
      else reject(message.failure.name === 'StoreUnavailableError' ? new StoreUnavailableError(message.failure.message) : new Error(message.failure.message));
    });
    worker.on('error', (error) => {
      settled = true;
      const outOfMemory = (error as { code?: unknown }).code === 'ERR_WORKER_OUT_OF_MEMORY';
      reject(new Error(outOfMemory ? `The verification of ${name} ran out of its ${config.projectionsHeapMb} MiB heap: raise PROJECTIONS_HEAP_MB` : `The verification of ${name} failed: ${error.message}`));
    });
    worker.once('exit', (code) => {
      if (!settled) reject(new Error(`The verification of ${name} stopped (exit code ${code}) before it finished`));
    });
  });
}

/** The scratch file beside the read-model file, where a verification on the embedded default rebuilds. */
export const verificationScratchFile = (config: Pick<AppConfig, 'readDbPath'>): string => `${config.readDbPath}.verify`;

/** A SQLite file with its WAL and shared-memory companions (a crashed verification may have left them). */
export function removeSqliteFile(path: string): void {
  for (const suffix of ['', '-wal', '-shm']) rmSync(`${path}${suffix}`, { force: true });
}

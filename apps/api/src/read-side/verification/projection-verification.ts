import { rmSync } from 'node:fs';
import { StoreUnavailableError } from '@qms/domain-kernel';
import type { VerifyResult } from '@qms/projection-engine';
import type { AppConfig } from '../../config/app-config';
import { runInThread } from '../../infrastructure/one-shot-thread';
import { PROJECTIONS_YOUNG_GENERATION_MB } from '../worker/worker-projections';

export interface VerificationThreadData {
  readonly config: AppConfig;
  readonly name: string;
}

/**
 * Rebuilds a projection into a scratch copy and compares it with the live one, in a worker thread
 * with its own connections (projection-verification-thread.ts). A replay of the whole log takes
 * minutes on a large store and runs long synchronous steps (commits of the working set, index
 * builds, the month sweep): on the API's thread it held every request for seconds at a time.
 * It runs under the projections thread's heap limits: its rebuild's working set commits sooner
 * rather than growing with the history.
 */
export function verifyInThread(config: AppConfig, name: string): Promise<VerifyResult> {
  const data: VerificationThreadData & Record<string, unknown> = { config, name };
  return runInThread<VerifyResult>(
    {
      folder: __dirname,
      name: 'projection-verification-thread',
      caller: __filename,
      resourceLimits: { maxOldGenerationSizeMb: config.projectionsHeapMb, maxYoungGenerationSizeMb: PROJECTIONS_YOUNG_GENERATION_MB },
      failed: (failure) => (failure.name === 'StoreUnavailableError' ? new StoreUnavailableError(failure.message) : new Error(failure.message)),
      crashed: ({ outOfMemory, message }) =>
        new Error(outOfMemory ? `The verification of ${name} ran out of its ${config.projectionsHeapMb} MiB heap: raise PROJECTIONS_HEAP_MB` : `The verification of ${name} failed: ${message}`),
    },
    data,
  );
}

/** The scratch file beside the read-model file, where a verification on the embedded default rebuilds. */
export const verificationScratchFile = (config: Pick<AppConfig, 'readDbPath'>): string => `${config.readDbPath}.verify`;

/** A SQLite file with its WAL and shared-memory companions (a crashed verification may have left them). */
export function removeSqliteFile(path: string): void {
  for (const suffix of ['', '-wal', '-shm']) rmSync(`${path}${suffix}`, { force: true });
}

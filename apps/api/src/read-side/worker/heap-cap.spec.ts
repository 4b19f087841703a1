import { Worker } from 'node:worker_threads';
import { heapCapWarning } from './heap-cap';

const MiB = 1024 * 1024;

/** The heap limit a worker thread started with `maxOldGenerationSizeMb` reports, in this process. */
function workerHeapLimit(maxOldGenerationSizeMb: number): Promise<number> {
  const worker = new Worker("require('node:worker_threads').parentPort.postMessage(require('node:v8').getHeapStatistics().heap_size_limit)", {
    eval: true,
    resourceLimits: { maxOldGenerationSizeMb },
  });
  return new Promise<number>((resolve, reject) => {
    worker.once('message', (limit: number) => void worker.terminate().then(() => resolve(limit)));
    worker.once('error', reject);
  });
}

describe('heapCapWarning', () => {
  it('says nothing while the limit is the cap and its young generation, and names the limit in force otherwise', () => {
    expect(heapCapWarning(160, (160 + 48) * MiB)).toBeNull();
    expect(heapCapWarning(160, 304 * MiB)).toBe(
      "PROJECTIONS_HEAP_MB=160 is not in force: the process's --max-old-space-size sets every thread's heap, this thread's limit is 304 MiB",
    );
  });

  it('finds the cap in force in a thread of a process started without a heap size', async () => {
    // Jest's workers run without --max-old-space-size: the thread's own limit holds.
    expect(process.execArgv.some((option) => option.startsWith('--max-old-space-size'))).toBe(false);
    expect(heapCapWarning(96, await workerHeapLimit(96))).toBeNull();
  });
});

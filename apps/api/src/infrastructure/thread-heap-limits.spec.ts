import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { typeScriptBootstrap } from './typescript-bootstrap';

const MiB = 1024 * 1024;

/**
 * Heap limits, in MiB, of a process started with npm start's `--max-old-space-size=256` and of a
 * worker thread it starts with a 96 MiB cap, with or without clearing the flag first.
 */
function limitsUnderNpmStartsCap(clearFirst: boolean): { api: number; thread: number } {
  const folder = mkdtempSync(join(tmpdir(), 'thread-heap-limits-'));
  try {
    const entry = join(folder, 'entry.js');
    writeFileSync(
      entry,
      `
const { Worker } = require('node:worker_threads');
const { getHeapStatistics } = require('node:v8');
if (${clearFirst}) require(${JSON.stringify(join(__dirname, 'thread-heap-limits.ts'))}).letThreadsKeepTheirOwnHeapLimits();
const worker = new Worker("require('node:worker_threads').parentPort.postMessage(require('node:v8').getHeapStatistics().heap_size_limit)", {
  eval: true,
  resourceLimits: { maxOldGenerationSizeMb: 96 },
});
worker.once('message', (thread) => {
  console.log(JSON.stringify({ api: getHeapStatistics().heap_size_limit, thread }));
  void worker.terminate();
});
`,
    );
    const settings = JSON.stringify({ swc: require.resolve('@swc/core'), libs: join(__dirname, '../../../../libs'), entry });
    const output = execFileSync(process.execPath, ['--max-old-space-size=256', '-e', typeScriptBootstrap(settings)], { encoding: 'utf8' });
    const limits = JSON.parse(output) as { api: number; thread: number };
    return { api: Math.round(limits.api / MiB), thread: Math.round(limits.thread / MiB) };
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

describe('letThreadsKeepTheirOwnHeapLimits', () => {
  it('leaves the API thread at the process cap and a thread started afterwards under its own', () => {
    const cleared = limitsUnderNpmStartsCap(true);
    // Each limit is the old-generation cap plus at most a young generation (48 MiB on 64-bit node 20).
    expect(cleared.api).toBeGreaterThanOrEqual(256);
    expect(cleared.api).toBeLessThan(256 + 64);
    expect(cleared.thread).toBeGreaterThanOrEqual(96);
    expect(cleared.thread).toBeLessThan(96 + 64);
  });

  it('is needed: without it the thread gets the process cap', () => {
    const untouched = limitsUnderNpmStartsCap(false);
    expect(untouched.thread).toBe(untouched.api);
  });
});

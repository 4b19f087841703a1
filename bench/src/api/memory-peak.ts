import { readFileSync } from 'node:fs';
import { memoryUsage } from 'node:process';

/** The phase name of the time between two measured loads: warm-ups, the projections catching up. */
export const BETWEEN_LOADS = 'between loads';

/** What the API process held when its resident set was at its highest, MiB. */
export interface MemoryAtPeak {
  /** The phase of the benchmark the API was in (start, read, http-…). */
  readonly phase: string;
  readonly rssMiB: number;
  /** Anonymous memory: heaps of every thread, malloc'd memory (SQLite's page caches among it). */
  readonly rssAnonMiB: number;
  /** File-backed pages: node's own binary and libraries. */
  readonly rssFileMiB: number;
  readonly mainHeapUsedMiB: number;
  readonly mainHeapTotalMiB: number;
  /** The projections thread's heap as it last published it; null before it had. */
  readonly projectionsHeapUsedMiB: number | null;
  readonly projectionsHeapTotalMiB: number | null;
}

export interface ThreadHeapSource {
  readonly heap: { readonly usedBytes: number; readonly totalBytes: number } | null;
}

const mib = (bytes: number): number => Math.round((bytes / 2 ** 20) * 10) / 10;

/**
 * Samples the process's resident set often enough to catch its peak, and takes the breakdown at
 * the highest sample: VmHWM alone says how high, not what was held.
 */
export class MemoryPeakSampler {
  private phase = 'start';
  private peak: MemoryAtPeak | null = null;

  constructor(
    private readonly projections: () => ThreadHeapSource | null,
    everyMs = 100,
  ) {
    setInterval(() => this.sample(), everyMs).unref();
  }

  enter(phase: string): void {
    this.phase = phase;
  }

  atPeak(): MemoryAtPeak | null {
    return this.peak;
  }


  private sample(): void {
    const rss = memoryUsage.rss();
    if (this.peak !== null && mib(rss) <= this.peak.rssMiB) return;
    const status = readFileSync('/proc/self/status', 'utf8');
    const kib = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? Number.NaN);
    const usage = memoryUsage();
    const threadHeap = this.projections()?.heap ?? null;
    this.peak = {
      phase: this.phase,
      rssMiB: mib(rss),
      rssAnonMiB: mib(kib('RssAnon') * 1024),
      rssFileMiB: mib(kib('RssFile') * 1024),
      mainHeapUsedMiB: mib(usage.heapUsed),
      mainHeapTotalMiB: mib(usage.heapTotal),
      projectionsHeapUsedMiB: threadHeap === null ? null : mib(threadHeap.usedBytes),
      projectionsHeapTotalMiB: threadHeap === null ? null : mib(threadHeap.totalBytes),
    };
  }
}

import { PerformanceObserver, constants } from 'node:perf_hooks';

/** The API thread's garbage-collection pauses during one phase of the benchmark. */
export interface GcPauses {
  readonly phase: string;
  readonly count: number;
  readonly totalMs: number;
  readonly longestMs: number;
  /** Pauses of 5 ms or more: the ones a request's p99 can see. */
  readonly over5Ms: number;
  /** The share of the pause time spent in full (mark-compact) collections. */
  readonly majorShare: number;
}

/**
 * Tallies the API thread's GC pauses per benchmark phase, so that a latency tail can be set
 * against them. Only the API thread's: the other threads' pauses do not stop requests.
 */
export class GcPauseTally {
  private readonly byPhase = new Map<string, { count: number; totalMs: number; longestMs: number; over5Ms: number; majorMs: number }>();
  private phase = 'start';
  private readonly observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      const tally = this.tallyOf(this.phase);
      tally.count++;
      tally.totalMs += entry.duration;
      tally.longestMs = Math.max(tally.longestMs, entry.duration);
      if (entry.duration >= 5) tally.over5Ms++;
      const kind = (entry as { detail?: { kind?: number } }).detail?.kind;
      if (kind === constants.NODE_PERFORMANCE_GC_MAJOR) tally.majorMs += entry.duration;
    }
  });

  constructor() {
    this.observer.observe({ entryTypes: ['gc'] });
  }

  enter(phase: string): void {
    this.phase = phase;
  }

  pauses(): GcPauses[] {
    const round = (ms: number) => Math.round(ms * 100) / 100;
    return [...this.byPhase].map(([phase, tally]) => ({
      phase,
      count: tally.count,
      totalMs: round(tally.totalMs),
      longestMs: round(tally.longestMs),
      over5Ms: tally.over5Ms,
      majorShare: tally.totalMs === 0 ? 0 : round(tally.majorMs / tally.totalMs),
    }));
  }


  private tallyOf(phase: string) {
    let tally = this.byPhase.get(phase);
    if (tally === undefined) {
      tally = { count: 0, totalMs: 0, longestMs: 0, over5Ms: 0, majorMs: 0 };
      this.byPhase.set(phase, tally);
    }
    return tally;
  }
}

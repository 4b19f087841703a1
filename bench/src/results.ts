import type { HistoryManifest } from './history/generate';
import type { MachineDescription } from './machine';
import type { ApiStarted, MemorySnapshot } from './api/api-server';
import type { GcPauses } from './api/gc-pauses';
import type { ReadResult } from './api/read-api';
import type { AppendResult } from './parts/append';
import type { HttpResult } from './parts/http';
import type { RebuildResult } from './parts/rebuild';

/** bench/results/latest.json: everything BENCHMARKS.md is rendered from. */
export interface BenchResults {
  readonly version: 1;
  readonly startedAt: string;
  finishedAt: string;
  /** The command that reproduces the run. */
  readonly command: string;
  readonly options: Readonly<Record<string, unknown>>;
  readonly machine: MachineDescription;
  readonly history: Pick<
    HistoryManifest,
    | 'scale'
    | 'seed'
    | 'window'
    | 'eventCount'
    | 'fileBytes'
    | 'sizes'
    | 'tally'
    | 'eventTypes'
    | 'generationSeconds'
  >;
  readonly parts: {
    append?: AppendResult;
    http?: HttpResult;
    rebuild?: RebuildResult;
    read?: ReadResult;
    memory?: MemoryResult;
  };
  /** When and by which command each part was measured (a run of some parts keeps the others). */
  readonly partRuns: Record<string, { readonly measuredAt: string; readonly command: string }>;
  /** The API process of parts 2, 4 and 5: start-up on the full history. */
  api?: ApiStarted;
  /** The API thread's GC pauses in each measured phase. */
  apiGcPauses?: readonly GcPauses[];
  /** Fresh API processes on the data folder the measured one left. */
  restarts?: readonly ApiRestart[];
}

export interface ApiRestart extends ApiStarted {
  readonly label: 'after the benchmark run' | 'read models current';
}

/** Part 5: the API process holding the full history (embedded default). */
export interface MemoryResult {
  readonly whenReady: MemorySnapshot;
  readonly afterGc: MemorySnapshot | null;
  /** After the read and HTTP measurements (when they ran). */
  readonly atEnd: MemorySnapshot;
  /** VmHWM at the end: the highest RSS of the process's whole life, the benchmarks' requests included. */
  readonly peakRssMiB: number;
  /** The API process's heap limit (--max-old-space-size), MiB. */
  readonly heapLimitMiB: number | null;
}

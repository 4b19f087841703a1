import { execSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { Child, inChild } from './child';
import type { ApiStarted, MemorySnapshot } from './api/api-server';
import type { GcPauses } from './api/gc-pauses';
import { BETWEEN_LOADS } from './api/memory-peak';
import type { ApiRestart } from './results';
import type { ReadArgs, ReadResult } from './api/read-api';
import { cachedHistory, copyHistory, type HistoryManifest } from './history/generate';
import { DEPARTMENTS } from './history/vocabulary';
import { runHttp } from './parts/http';
import type { RebuildArgs, RebuildResult } from './parts/rebuild';
import { describeMachine } from './machine';
import type { BenchOptions } from './options';
import type { AppendArgs, AppendResult } from './parts/append';
import { renderMarkdown } from './report';
import type { BenchResults } from './results';
import { checkTargets } from './targets';
import { commandLineStart, productionStart } from '../../apps/api/src/infrastructure/start-command';

const log = (message: string) => process.stderr.write(`bench: ${message}\n`);

export async function runBenchmarks(options: BenchOptions, script: string): Promise<BenchResults> {
  const started = new Date();
  const profileDir = resolve('bench', 'results', 'profiles');
  const execArgv = (name: string, extra: readonly string[] = []) =>
    options.profile
      ? [...extra, '--cpu-prof', `--cpu-prof-dir=${profileDir}`, `--cpu-prof-name=${name}.cpuprofile`]
      : [...extra];
  if (options.profile) mkdirSync(profileDir, { recursive: true });
  const workFolder = resolve('data', 'bench', 'work');

  const history = await ensureHistory(options, script);
  const results: BenchResults = {
    version: 1,
    startedAt: started.toISOString(),
    finishedAt: '',
    command: reproduceCommand(options),
    options: {
      scale: options.scale,
      only: options.only,
      seed: options.seed,
      httpSeconds: options.httpSeconds,
      connections: options.connections,
    },
    machine: describeMachine(),
    history: summarizeHistory(history),
    parts: {},
    partRuns: {},
  };

  if (options.only.includes('append')) {
    log('part 1: append');
    // Appends pay an fsync each: let the disk finish writing back what came before (the history file, say).
    execSync('sync');
    const args: AppendArgs = {
      historyPath: history.path,
      folder: join(workFolder, 'append'),
      single: { warmup: 300, measured: 3_000, peerMeasured: 1_500 },
      batched: { size: 500, warmup: 4, measured: 40, peerMeasured: 6 },
    };
    results.parts.append = await inChild<AppendResult>(script, 'append', 'run', fitAppend(args, history), {
      execArgv: execArgv('append'),
    });
  }

  if (options.only.includes('rebuild')) {
    log('part 3: rebuild');
    const args: RebuildArgs = {
      historyPath: history.path,
      mongoSeconds: options.mongoSeconds,
      ...(options.mongoUrl ? { mongoUrl: options.mongoUrl } : {}),
    };
    results.parts.rebuild = await inChild<RebuildResult>(script, 'rebuild', 'run', args, {
      execArgv: execArgv('rebuild', commandLineStart().nodeOptions),
    });
  }

  if (options.only.some((part) => part === 'http' || part === 'read' || part === 'memory')) {
    await apiParts(options, script, history, workFolder, profileDir, results);
  }

  results.finishedAt = new Date().toISOString();
  for (const part of Object.keys(results.parts))
    results.partRuns[part] = { measuredAt: results.startedAt, command: results.command };
  return writeResults(options, results);
}

/**
 * Parts 2, 4 and 5 share one API process on a private copy of the history: it starts (catching
 * up its in-process read models from the whole log), is measured for memory, serves the read
 * benchmark in process, then takes the HTTP load from this process.
 */
async function apiParts(
  options: BenchOptions,
  script: string,
  history: HistoryManifest,
  workFolder: string,
  profileDir: string,
  results: BenchResults,
): Promise<void> {
  log('parts 2, 4, 5: copying the history for the API process');
  const eventsDbPath = copyHistory(history, join(workFolder, 'api'));
  // Beside the events, as in a data folder: the restarts below start on both files as they were left.
  const readDbPath = join(dirname(eventsDbPath), 'read-models.db');
  // A run cut short leaves its read models behind; they belong to that run, not to this copy.
  for (const suffix of ['', '-wal', '-shm']) rmSync(`${readDbPath}${suffix}`, { force: true });
  // As an installation runs it (npm start's allocator setting and heap cap), so that its memory is what a server sees.
  const api = startApi(script);
  // One CPU profile per phase of the API process, so that each figure has its own.
  const hooks = {
    before: async (phase: string) => {
      await api.call('phase', { phase });
      if (options.profile) await api.call('profileStart');
    },
    after: async (phase: string) => {
      if (options.profile)
        await api.call('profileStop', { path: join(profileDir, `api-${phase}.cpuprofile`) });
      // Warm-ups and pauses between measured phases are not theirs.
      await api.call('phase', { phase: BETWEEN_LOADS });
    },
  };
  try {
    log('API: starting on the full history (no read models yet: each is built from the first event)');
    await hooks.before('start');
    const started = await api.call<ApiStarted>('start', { eventsDbPath, readDbPath });
    await hooks.after('start');
    results.api = started;
    log(
      `API: ready in ${started.readySeconds.toFixed(1)} s, RSS ${started.memoryWhenReady.rssMiB} MiB (peak ${started.memoryWhenReady.peakRssMiB} MiB)`,
    );
    if (options.only.includes('read')) {
      log('part 4: read API');
      const lastMonth = new Date(Date.parse(history.window.to) - 86_400_000);
      const months = Array.from({ length: 12 }, (_, back) => {
        const date = new Date(Date.UTC(lastMonth.getUTCFullYear(), lastMonth.getUTCMonth() - 11 + back, 1));
        return date.toISOString().slice(0, 7);
      });
      const args: ReadArgs = {
        samples: 300,
        warmup: 30,
        customers: history.topCustomers,
        departments: DEPARTMENTS.map(([name]) => name),
        months,
      };
      await hooks.before('read');
      results.parts.read = await api.call<ReadResult>('read', args);
      await hooks.after('read');
    }
    if (options.only.includes('http')) {
      log('part 2: HTTP commands');
      results.parts.http = await runHttp(
        {
          url: started.url,
          seconds: options.httpSeconds,
          warmupSeconds: Math.min(3, options.httpSeconds),
          connections: options.connections,
          actionPlanningPool: history.actionPlanningPool,
        },
        hooks,
        {
          settle: () => api.call<{ eventsBehind: number; seconds: number }>('settleProjections'),
          pause: () => api.call('pauseProjections'),
        },
      );
    }
    const atEnd = await api.call<MemorySnapshot>('memory');
    results.apiGcPauses = (await api.call<GcPauses[]>('gcPauses')).filter((pauses) => pauses.phase !== BETWEEN_LOADS);
    results.parts.memory = {
      whenReady: started.memoryWhenReady,
      afterGc: started.memoryAfterGc,
      atEnd,
      peakRssMiB: atEnd.peakRssMiB,
      heapLimitMiB: heapLimitMiB(productionStart().nodeOptions),
    };
    await api.call('stop');
    await api.stop();
    results.restarts = await restarts(script, eventsDbPath, readDbPath);
  } finally {
    await api.stop();
    // The copy is as large as the history (2.6 GB at full scale) and only this process wrote to it.
    rmSync(dirname(eventsDbPath), { recursive: true, force: true });
  }
}

/**
 * Start-up on an existing data folder, twice in fresh processes: first as the measured API left
 * it (the events its HTTP load appended after projections were paused are still to project),
 * then with every read model current. Ready means what it meant at the first start: the read
 * models hold every stored event.
 */
async function restarts(script: string, eventsDbPath: string, readDbPath: string): Promise<ApiRestart[]> {
  const runs: ApiRestart[] = [];
  for (const label of ['after the benchmark run', 'read models current'] as const) {
    const api = startApi(script);
    try {
      const started = await api.call<ApiStarted>('start', { eventsDbPath, readDbPath });
      runs.push({ label, ...started });
      log(
        `API restart (${label}): ${started.eventsBehindAtStart.toLocaleString('en')} events to project, ready in ${started.readySeconds.toFixed(2)} s, peak RSS ${started.memoryWhenReady.peakRssMiB} MiB`,
      );
      await api.call('stop');
    } finally {
      await api.stop();
    }
  }
  return runs;
}

/** Small histories hold fewer deliveries than the full-size batches need. */
function fitAppend(args: AppendArgs, history: HistoryManifest): AppendArgs {
  const deliveries = history.eventTypes['DeliveryRecorded'] ?? 0;
  const batches = Math.floor(deliveries / args.batched.size);
  const warmup = Math.min(args.batched.warmup, Math.max(1, Math.floor(batches / 10)));
  return {
    ...args,
    single: {
      ...args.single,
      measured: Math.min(args.single.measured, history.eventCount - args.single.warmup),
    },
    batched: {
      ...args.batched,
      warmup,
      measured: Math.min(args.batched.measured, batches - warmup),
      peerMeasured: Math.min(args.batched.peerMeasured, batches - warmup),
    },
  };
}

async function ensureHistory(options: BenchOptions, script: string): Promise<HistoryManifest> {
  let history = options.regenerate ? undefined : cachedHistory(options.scale, options.seed);
  if (history !== undefined) {
    log(`history: cached ${history.path} (${history.eventCount.toLocaleString('en')} events)`);
  } else {
    log(`history: generating at scale ${options.scale} (cached under data/bench/ afterwards)`);
    // A heap large enough for the generator's in-progress records at full scale.
    history = await inChild<HistoryManifest>(
      script,
      'history',
      'generate',
      { scale: options.scale, seed: options.seed },
      { execArgv: ['--max-old-space-size=4096'] },
    );
    log(
      `history: ${history.eventCount.toLocaleString('en')} events in ${history.generationSeconds.toFixed(1)} s`,
    );
  }
  if (options.verifyHistory) {
    const verification = await inChild<{
      ok: boolean;
      eventsChecked: number;
      streamsChecked: number;
      seconds: number;
    }>(script, 'history', 'verify', { path: history.path });
    log(
      `history: hash chains ${verification.ok ? 'verified' : 'BROKEN'} (${verification.eventsChecked} events, ${verification.streamsChecked} streams, ${verification.seconds.toFixed(1)} s)`,
    );
    if (!verification.ok)
      throw new Error('The generated history does not verify; delete data/bench/ and run again.');
  }
  return history;
}

function summarizeHistory(history: HistoryManifest): BenchResults['history'] {
  return {
    scale: history.scale,
    seed: history.seed,
    window: history.window,
    eventCount: history.eventCount,
    fileBytes: history.fileBytes,
    sizes: history.sizes,
    tally: history.tally,
    eventTypes: history.eventTypes,
    generationSeconds: history.generationSeconds,
  };
}

function reproduceCommand(options: BenchOptions): string {
  const args = [
    ...(options.scale !== 1 ? [`--scale ${options.scale}`] : []),
    ...(options.only.length < 5 ? [`--only ${options.only.join(',')}`] : []),
    ...(options.seed !== 'qms-bench' ? [`--seed ${options.seed}`] : []),
  ];
  const mongo = options.mongoUrl ? 'MONGO_URL=<url> ' : '';
  return `${mongo}npm run bench${args.length > 0 ? ` -- ${args.join(' ')}` : ''}`;
}

export const DEFAULT_OUT = 'bench/results/latest.json';

/** BENCHMARKS.md from the results file as it stands, with bench/analysis.md as it now reads. */
export function renderAgain(options: BenchOptions): void {
  const results = JSON.parse(readFileSync(resolve(options.out), 'utf8')) as BenchResults;
  const markdown = options.markdown ?? 'BENCHMARKS.md';
  writeFileSync(markdown, renderMarkdown(results, resolve('bench', 'analysis.md')));
  log(`${markdown} rendered from ${options.out}`);
}

/**
 * A run of some parts (--only) keeps the other parts of the previous results when they were
 * measured on the same history, so that BENCHMARKS.md stays whole; each part names its run.
 */
function writeResults(options: BenchOptions, results: BenchResults): BenchResults {
  const path = resolve(options.out);
  let merged = results;
  if (existsSync(path)) {
    const previous = JSON.parse(readFileSync(path, 'utf8')) as Partial<BenchResults>;
    const sameHistory =
      previous.version === results.version &&
      previous.history?.scale === results.history.scale &&
      previous.history.seed === results.history.seed;
    if (sameHistory && previous.parts !== undefined) {
      merged = {
        ...results,
        parts: { ...previous.parts, ...results.parts },
        partRuns: { ...previous.partRuns, ...results.partRuns },
        ...(results.api === undefined && previous.api !== undefined ? { api: previous.api } : {}),
      };
    }
  }
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `${JSON.stringify(merged, null, 2)}\n`);
  log(`results written to ${options.out}`);
  const markdown =
    options.markdown ?? (resolve(options.out) === resolve(DEFAULT_OUT) ? 'BENCHMARKS.md' : undefined);
  if (markdown !== undefined) {
    writeFileSync(markdown, renderMarkdown(merged, resolve('bench', 'analysis.md')));
    log(`${markdown} regenerated`);
  }
  for (const check of checkTargets(merged)) {
    log(
      `target ${check.met === null ? 'not measured' : check.met ? 'met   ' : 'MISSED'}  ${check.target}: ${check.figure}${check.missedBy ? ` (${check.missedBy})` : ''}`,
    );
  }
  return merged;
}

function startApi(script: string): Child {
  const { environment, nodeOptions } = productionStart();
  return Child.start(script, 'api', { execArgv: ['--expose-gc', ...nodeOptions], env: environment });
}

function heapLimitMiB(options: readonly string[]): number | null {
  const cap = options.map((option) => /^--max-old-space-size=(\d+)$/.exec(option)?.[1]).find((value) => value !== undefined);
  return cap === undefined ? null : Number(cap);
}

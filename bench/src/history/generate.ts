import {
  copyFileSync,
  existsSync,
  mkdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { defaultEventCatalogue } from '@qms/event-catalogue';
import { arrivals } from './arrivals';
import { HistoryWriter } from './history-writer';
import { Random } from './random';
import { Simulation } from './simulation';
import { HISTORY_END, HISTORY_START, iso, sizesFor, World, type HistorySizes } from './world';

/** Bump whenever the generated history changes, so that cached files are not reused. */
export const GENERATOR_VERSION = 1;
export const DEFAULT_SEED = 'qms-bench';

export interface HistoryManifest {
  readonly generatorVersion: number;
  readonly seed: string;
  readonly scale: number;
  readonly sizes: HistorySizes;
  readonly window: { readonly from: string; readonly to: string };
  readonly path: string;
  readonly fileBytes: number;
  readonly eventCount: number;
  readonly headPosition: number;
  readonly eventTypes: Readonly<Record<string, number>>;
  readonly tally: World['tally'];
  /** Complaints waiting in action planning, by department (the HTTP add-action requests go there). */
  readonly actionPlanningPool: Readonly<Record<string, readonly string[]>>;
  /** The largest customers first: filters of the read benchmark. */
  readonly topCustomers: readonly string[];
  readonly generationSeconds: number;
}

/** `./data/bench/history-v<version>-<seed>-s<scale>.db` and its manifest next to it. */
export function historyPaths(
  scale: number,
  seed = DEFAULT_SEED,
  folder = resolve('data', 'bench'),
): { database: string; manifest: string } {
  const base = join(folder, `history-v${GENERATOR_VERSION}-${seed}-s${scale}`);
  return { database: `${base}.db`, manifest: `${base}.json` };
}

/** The cached history when it is complete and untouched, else undefined. */
export function cachedHistory(scale: number, seed = DEFAULT_SEED): HistoryManifest | undefined {
  const paths = historyPaths(scale, seed);
  if (!existsSync(paths.database) || !existsSync(paths.manifest)) return undefined;
  const manifest = JSON.parse(readFileSync(paths.manifest, 'utf8')) as HistoryManifest;
  if (manifest.generatorVersion !== GENERATOR_VERSION) return undefined;
  const db = new Database(paths.database, { readonly: true });
  try {
    const head = db.prepare('SELECT MAX(position) FROM events').pluck().get() as number | null;
    return head === manifest.headPosition ? { ...manifest, path: paths.database } : undefined;
  } finally {
    db.close();
  }
}

export interface GenerateOptions {
  readonly scale: number;
  readonly seed?: string;
  /** Where the file and its manifest go; ./data/bench by default. */
  readonly folder?: string;
  readonly onProgress?: (message: string) => void;
}

/**
 * Simulates five years of the factory's customer-quality work through the real deciders and
 * writes it into a fresh event-store file (see HistoryWriter); deterministic for a seed and scale.
 */
export async function generateHistory(options: GenerateOptions): Promise<HistoryManifest> {
  const seed = options.seed ?? DEFAULT_SEED;
  const paths = historyPaths(options.scale, seed, options.folder);
  mkdirSync(dirname(paths.database), { recursive: true });
  const partial = `${paths.database}.partial`;
  for (const file of [
    paths.manifest,
    paths.database,
    `${paths.database}-wal`,
    `${paths.database}-shm`,
    partial,
    `${partial}-wal`,
    `${partial}-shm`,
  ]) {
    rmSync(file, { force: true });
  }
  const started = performance.now();
  const random = new Random(`${seed}/${options.scale}`);
  const simulation = new Simulation();
  const catalogue = defaultEventCatalogue();
  const writer = await HistoryWriter.create(
    partial,
    random,
    (type) => catalogue.schemaVersion(type),
    () => simulation.now,
  );
  const world = new World(random, simulation, writer, sizesFor(options.scale));
  simulation.spawn(HISTORY_START, arrivals(world));

  let steps = 0;
  let lastReport = performance.now();
  try {
    simulation.run(HISTORY_END, () => {
      if ((++steps & 0xfff) !== 0) return;
      const now = performance.now();
      if (now - lastReport < 5_000) return;
      lastReport = now;
      const seconds = (now - started) / 1000;
      options.onProgress?.(
        `history: ${iso(simulation.now).slice(0, 10)}, ${writer.eventCount.toLocaleString('en')} events, ` +
          `${Math.round(writer.eventCount / seconds).toLocaleString('en')} events/s, ${simulation.pending} in progress`,
      );
    });
  } catch (error) {
    writer.abort();
    throw error;
  }
  const { headPosition } = writer.finish();
  renameSync(partial, paths.database);

  const manifest: HistoryManifest = {
    generatorVersion: GENERATOR_VERSION,
    seed,
    scale: options.scale,
    sizes: world.sizes,
    window: { from: iso(HISTORY_START), to: iso(HISTORY_END) },
    path: paths.database,
    fileBytes: statSync(paths.database).size,
    eventCount: writer.eventCount,
    headPosition,
    eventTypes: Object.fromEntries([...writer.counts].sort(([, a], [, b]) => b - a)),
    tally: world.tally,
    actionPlanningPool: Object.fromEntries(world.actionPlanningPool),
    topCustomers: world.customers.slice(0, 10).map((customer) => customer.id),
    generationSeconds: (performance.now() - started) / 1000,
  };
  writeFileSync(paths.manifest, `${JSON.stringify(manifest, null, 2)}\n`);
  return manifest;
}

/** A private copy of the history for a process that appends to it (the cache stays untouched). */
export function copyHistory(manifest: HistoryManifest, folder: string): string {
  mkdirSync(folder, { recursive: true });
  const target = join(folder, 'events.db');
  for (const file of [target, `${target}-wal`, `${target}-shm`]) rmSync(file, { force: true });
  copyFileSync(manifest.path, target);
  if (existsSync(`${manifest.path}-wal`)) copyFileSync(`${manifest.path}-wal`, `${target}-wal`);
  return target;
}

import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, freemem, release, tmpdir, totalmem, type } from 'node:os';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3';

export interface MachineDescription {
  readonly cpu: string;
  readonly cores: number;
  readonly memoryGiB: number;
  readonly freeMemoryGiB: number;
  readonly os: string;
  readonly node: string;
  readonly sqlite: string;
  /** Median time of one SQLite commit with synchronous = FULL on the data disk: the fsync the append figures pay. */
  readonly commitFsyncMs: number;
}

export function describeMachine(dataFolder = resolve('data', 'bench')): MachineDescription {
  const processors = cpus();
  return {
    cpu: processors[0]?.model.trim() ?? 'unknown',
    cores: processors.length,
    memoryGiB: round(totalmem() / 2 ** 30),
    freeMemoryGiB: round(freemem() / 2 ** 30),
    os: `${type()} ${release()}`,
    node: process.version,
    sqlite: sqliteVersion(),
    commitFsyncMs: round(measureCommit(dataFolder), 3),
  };
}

function sqliteVersion(): string {
  const db = new Database(':memory:');
  try {
    return `${db.prepare('SELECT sqlite_version()').pluck().get() as string} (better-sqlite3)`;
  } finally {
    db.close();
  }
}

function measureCommit(folder: string): number {
  let dir: string;
  try {
    dir = mkdtempSync(join(folder, 'fsync-'));
  } catch {
    dir = mkdtempSync(join(tmpdir(), 'fsync-'));
  }
  const db = new Database(join(dir, 'probe.db'));
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.exec('CREATE TABLE t (v TEXT)');
    const insert = db.prepare('INSERT INTO t VALUES (?)');
    const samples: number[] = [];
    for (let i = 0; i < 200; i++) {
      const started = performance.now();
      insert.run('x'.repeat(500));
      samples.push(performance.now() - started);
    }
    samples.sort((a, b) => a - b);
    return samples[100]!;
  } finally {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

function round(value: number, digits = 1): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

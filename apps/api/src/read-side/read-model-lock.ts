import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';

/**
 * Who writes the embedded read-model file: the API whose projections follow the log into it (or
 * the projector), noted in `<file>.lock` with its pid and a heartbeat. The CLI's rebuild and
 * comparison work on the same file and refuse while a live holder writes it: a rebuild's swap
 * pauses only the runner of its own process, so events another process applied meanwhile would be
 * lost from the swapped-in copy.
 */
export interface ReadModelLock {
  readonly pid: number;
  readonly host: string;
  /** What holds it: "api" or "projector". */
  readonly holder: string;
  readonly since: string;
  readonly heartbeatAt: string;
}

const HEARTBEAT_MS = 5_000;
/** A heartbeat older than this is a holder that died without removing the file (kill -9). */
const STALE_MS = 20_000;

export const lockPathOf = (readDbPath: string): string => `${readDbPath}.lock`;

/** Takes the lock and keeps its heartbeat; `release` removes it. */
export function holdReadModelLock(readDbPath: string, holder: string): { release(): void } {
  const since = new Date().toISOString();
  const write = (): void => {
    const lock: ReadModelLock = { pid: process.pid, host: hostname(), holder, since, heartbeatAt: new Date().toISOString() };
    try {
      writeFileSync(lockPathOf(readDbPath), `${JSON.stringify(lock)}\n`);
    } catch {
      // An unwritable folder fails the read-model file itself, with a clearer message.
    }
  };
  write();
  const timer = setInterval(write, HEARTBEAT_MS);
  timer.unref();
  return {
    release() {
      clearInterval(timer);
      if (liveHolder(readDbPath)?.pid === process.pid) rmSync(lockPathOf(readDbPath), { force: true });
    },
  };
}

/** The process that holds the lock now, or null when none does (no file, a stale heartbeat, a dead pid on this host). */
export function liveHolder(readDbPath: string, now: Date = new Date()): ReadModelLock | null {
  let lock: ReadModelLock;
  try {
    lock = JSON.parse(readFileSync(lockPathOf(readDbPath), 'utf8')) as ReadModelLock;
  } catch {
    return null;
  }
  if (now.getTime() - Date.parse(lock.heartbeatAt) > STALE_MS) return null;
  if (lock.host === hostname() && !alive(lock.pid)) return null;
  return lock;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

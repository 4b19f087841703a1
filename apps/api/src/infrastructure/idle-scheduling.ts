import { execFileSync } from 'node:child_process';
import { readlinkSync } from 'node:fs';

/**
 * Moves the calling thread into Linux's SCHED_IDLE class: it gets a core only when no thread of
 * normal priority wants one, and gives it up the moment one wakes. A nice value only weighs time
 * slices: a woken request or append still waits for the niced thread's slice to end. Node has no
 * call for sched_setscheduler, so util-linux's `chrt` sets it on this thread's id. Returns null
 * once applied, or why it was not.
 */
export function scheduleThisThreadWhenIdle(): string | null {
  if (process.platform !== 'linux') return `SCHED_IDLE is a Linux scheduling class (this is ${process.platform})`;
  try {
    // "<pid>/task/<tid>", read on the thread that asks.
    const thread = readlinkSync('/proc/thread-self').split('/').pop() ?? '';
    execFileSync('chrt', ['--idle', '--pid', '0', thread], { stdio: ['ignore', 'ignore', 'pipe'], timeout: 5_000 });
    return null;
  } catch (error) {
    const stderr = (error as { stderr?: Buffer }).stderr?.toString().trim();
    return stderr !== undefined && stderr !== '' ? stderr : (error as Error).message;
  }
}

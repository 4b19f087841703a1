import { SingleBar } from 'cli-progress';
import type { CliIo } from './cli-io';

export interface Progress {
  update(done: number, total: number): void;
  stop(): void;
}

const PLAIN_STEPS = 10;

/**
 * Progress on stderr so stdout stays the result: a bar on a terminal, otherwise a line at every
 * tenth of the work (logs and CI do not render bars).
 */
export function startProgress(io: CliIo, label: string, unit: string): Progress {
  if (io.stderr.isTTY) {
    // Only a real stream reports isTTY.
    const stream = io.stderr as NodeJS.WritableStream;
    const bar = new SingleBar({ stream, format: `${label} [{bar}] {percentage}% | {value}/{total} ${unit}`, hideCursor: true });
    let started = false;
    return {
      update(done, total) {
        if (!started) {
          bar.start(total, done);
          started = true;
        } else {
          bar.setTotal(total);
          bar.update(done);
        }
      },
      stop() {
        if (started) bar.stop();
      },
    };
  }
  let lastStep = -1;
  let last = { done: 0, total: 0 };
  return {
    update(done, total) {
      last = { done, total };
      const step = total === 0 ? PLAIN_STEPS : Math.floor((done / total) * PLAIN_STEPS);
      if (step > lastStep) {
        lastStep = step;
        io.stderr.write(`${label}: ${done}/${total} ${unit}\n`);
      }
    },
    stop() {
      if (lastStep < PLAIN_STEPS) io.stderr.write(`${label}: ${last.done}/${last.total} ${unit}\n`);
    },
  };
}

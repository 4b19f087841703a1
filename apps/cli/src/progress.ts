import { SingleBar } from 'cli-progress';
import type { CliIo } from './cli-io';

export interface Progress {
  /** `note` is shown after the counts, e.g. how many events were checked so far. */
  update(done: number, total: number, note?: string): void;
  stop(): void;
}

const PLAIN_STEPS = 10;

/**
 * Progress on stderr so stdout stays the result: a bar on a terminal, otherwise a line at every
 * tenth of the work (logs and CI do not render bars).
 */
export function startProgress(io: CliIo, label: string, unit: string): Progress {
  const line = (done: number, total: number, note: string) => `${label}: ${unit} ${done}/${total}${note === '' ? '' : `, ${note}`}\n`;
  if (io.stderr.isTTY) {
    // Only a real stream reports isTTY.
    const stream = io.stderr as NodeJS.WritableStream;
    const bar = new SingleBar({ stream, format: `${label} [{bar}] {percentage}% | ${unit} {value}/{total} {note}`, hideCursor: true });
    let started = false;
    return {
      update(done, total, note = '') {
        if (!started) {
          bar.start(total, done, { note });
          started = true;
        } else {
          bar.setTotal(total);
          bar.update(done, { note });
        }
      },
      stop() {
        if (started) bar.stop();
      },
    };
  }
  let lastStep = -1;
  let last = { done: 0, total: 0, note: '' };
  return {
    update(done, total, note = '') {
      last = { done, total, note };
      const step = total === 0 ? PLAIN_STEPS : Math.floor((done / total) * PLAIN_STEPS);
      if (step > lastStep) {
        lastStep = step;
        io.stderr.write(line(done, total, note));
      }
    },
    stop() {
      // Nothing said yet, nothing to close (as the bar on a terminal): no "0/0" line.
      if (lastStep >= 0 && lastStep < PLAIN_STEPS) io.stderr.write(line(last.done, last.total, last.note));
    },
  };
}

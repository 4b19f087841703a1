/**
 * A discrete-event simulation: every complaint, return, delivery and survey is a generator that
 * does its steps at the current simulated time and yields how long to wait before the next one.
 * Popping the earliest step first writes the global log in business-time order, as a real
 * factory would have appended it, while only the records still in progress are held in memory.
 */
export type Process = Generator<number, void, void>;

interface Scheduled {
  readonly time: number;
  /** Tie-break: equal times run in the order they were scheduled, so runs are deterministic. */
  readonly sequence: number;
  readonly process: Process;
}

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

export class Simulation {
  /** Simulated time, epoch milliseconds. */
  now = 0;
  private readonly heap: Scheduled[] = [];
  private sequence = 0;

  /** The process's first step runs at `time` (never before the current time). */
  spawn(time: number, process: Process): void {
    this.push({ time: Math.max(time, this.now), sequence: this.sequence++, process });
  }

  get pending(): number {
    return this.heap.length;
  }

  /** Runs every step scheduled before `until`; later steps never happen (the history ends there). */
  run(until: number, onStep?: () => void): void {
    for (;;) {
      const next = this.heap[0];
      if (next === undefined || next.time >= until) return;
      this.pop();
      this.now = next.time;
      const step = next.process.next();
      if (!step.done)
        this.push({
          time: this.now + Math.max(0, step.value),
          sequence: this.sequence++,
          process: next.process,
        });
      onStep?.();
    }
  }

  private push(entry: Scheduled): void {
    const heap = this.heap;
    heap.push(entry);
    let index = heap.length - 1;
    while (index > 0) {
      const parent = (index - 1) >> 1;
      if (!before(heap[index]!, heap[parent]!)) break;
      [heap[index], heap[parent]] = [heap[parent]!, heap[index]!];
      index = parent;
    }
  }

  private pop(): void {
    const heap = this.heap;
    const last = heap.pop()!;
    if (heap.length === 0) return;
    heap[0] = last;
    let index = 0;
    for (;;) {
      const left = 2 * index + 1;
      const right = left + 1;
      let smallest = index;
      if (left < heap.length && before(heap[left]!, heap[smallest]!)) smallest = left;
      if (right < heap.length && before(heap[right]!, heap[smallest]!)) smallest = right;
      if (smallest === index) return;
      [heap[index], heap[smallest]] = [heap[smallest]!, heap[index]!];
      index = smallest;
    }
  }
}

function before(a: Scheduled, b: Scheduled): boolean {
  return a.time < b.time || (a.time === b.time && a.sequence < b.sequence);
}

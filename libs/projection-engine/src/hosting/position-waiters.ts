/**
 * Read-your-writes for a host that learns positions from elsewhere (a worker's messages, the
 * checkpoints another process writes): callers wait until every named projection has reached a
 * position; the host calls `notify` whenever it learns a newer one.
 */
export class PositionWaiters {
  private readonly listeners = new Set<() => void>();

  constructor(private readonly positions: ReadonlyMap<string, number>) {}

  waitFor(position: number, names: readonly string[], timeoutMs: number): Promise<boolean> {
    const reached = (): boolean => names.every((name) => (this.positions.get(name) ?? 0) >= position);
    if (reached()) return Promise.resolve(true);
    return new Promise((resolve) => {
      const check = (): void => {
        if (reached()) finish(true);
      };
      const timer = setTimeout(() => finish(false), timeoutMs);
      this.listeners.add(check);
      const finish = (result: boolean): void => {
        clearTimeout(timer);
        this.listeners.delete(check);
        resolve(result);
      };
    });
  }

  notify(): void {
    for (const listener of [...this.listeners]) listener();
  }
}

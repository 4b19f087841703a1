import { IllegalStateError } from '@qms/domain-kernel';
import type { ReadStore } from '@qms/read-store';
import type { ProjectionStatus } from '../projection-engine';
import type { RebuildResult } from '../rebuild';
import type { ProjectionsHost } from './projections-host';
import { PROJECTION_STATUS_COLLECTION, type PublishedStatus } from './status-publisher';
import { FollowedProjections, type LogView } from './followed-projections';

export interface RemoteProjectionsOptions {
  readonly readStore: ReadStore;
  readonly projectionNames: readonly string[];
  /** How often positions and status are read from the store. Default 100 ms. */
  readonly pollMs?: number;
  /** A published status older than this means no projector is running. Default 10 s. */
  readonly staleAfterMs?: number;
  readonly now?: () => Date;
  /** What an operator should do to rebuild (the projections run elsewhere). */
  readonly rebuildHint?: string;
  /** Head and lag from this instance's own reads of the log; without it, as the projector published them. */
  readonly log?: LogView;
}

/**
 * The projections as an API instance sees them when they run in another process (a projector,
 * `PROJECTIONS=off`): positions from the checkpoints, which the projector commits with the
 * documents, so `?minPosition=` waits for exactly what the reads will find; state, stopped event
 * and parked events from the status the projector publishes (status-publisher.ts).
 */
export class RemoteProjections extends FollowedProjections implements ProjectionsHost {
  private readonly published = new Map<string, PublishedStatus>();
  private timer: ReturnType<typeof setInterval> | undefined;
  private polling: Promise<void> | undefined;
  private readonly now: () => Date;
  readonly runsProjections = false;

  constructor(private readonly options: RemoteProjectionsOptions) {
    super(options.projectionNames, options.log);
    this.now = options.now ?? (() => new Date());
  }

  start(): void {
    if (this.timer !== undefined) return;
    // One read at a time: a slow store is not asked again before it has answered.
    const tick = (): void => {
      this.polling ??= this.poll().finally(() => (this.polling = undefined));
    };
    tick();
    this.timer = setInterval(tick, this.options.pollMs ?? 100);
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.polling;
  }

  async status(): Promise<ProjectionStatus[]> {
    await this.poll();
    return this.withCurrentLag(this.options.projectionNames.map((name) => this.statusOf(name)));
  }

  /** The projector reads the decisions again at its next attempt on the event it is stopped on. */
  parkingChanged(name: string): Promise<void> {
    this.known(name);
    return Promise.resolve();
  }

  rebuild(name: string): Promise<RebuildResult> {
    this.known(name);
    return Promise.reject(
      new IllegalStateError(
        `The projections run in a projector process, not in this API instance (PROJECTIONS=off)${this.options.rebuildHint === undefined ? '' : `: ${this.options.rebuildHint}`}`,
      ),
    );
  }

  /** The projector does its deferred work once the log is quiet; nothing to hurry from here. */
  settleDeferredWork(name: string): Promise<void> {
    this.known(name);
    return Promise.resolve();
  }

  protected statusOf(name: string): ProjectionStatus {
    this.known(name);
    const position = this.positions.get(name) ?? 0;
    const published = this.published.get(name);
    const fresh = published !== undefined && this.now().getTime() - Date.parse(published.publishedAt) <= (this.options.staleAfterMs ?? 10_000);
    if (published === undefined || !fresh) {
      return {
        name,
        version: published?.status.version ?? 0,
        // No projector has said anything lately: nothing follows the log for this instance.
        state: 'stopped',
        position,
        headPosition: null,
        lagEvents: null,
        lagCountCapped: false,
        lagSeconds: null,
        lastFailure: published === undefined ? { message: 'No projector has published a status', at: this.now().toISOString(), failures: 0 } : { message: `The projector's last status is from ${published.publishedAt}`, at: this.now().toISOString(), failures: 0 },
        stoppedOn: published?.status.stoppedOn ?? null,
        parkedEvents: published?.status.parkedEvents ?? [],
        rebuild: null,
      };
    }
    return { ...published.status, position: Math.max(position, published.status.position) };
  }

  private async poll(): Promise<void> {
    try {
      const { readStore, projectionNames } = this.options;
      const checkpoints = await Promise.all(projectionNames.map((name) => readStore.getCheckpoint(name)));
      projectionNames.forEach((name, index) => this.positions.set(name, checkpoints[index]?.position ?? 0));
      const statuses = await readStore.getMany<PublishedStatus>(PROJECTION_STATUS_COLLECTION, projectionNames);
      for (const [name, status] of statuses) this.published.set(name, status);
    } catch {
      // The store is down: reads answer 503 on their own; positions stay as last read.
    }
    this.waiters.notify();
  }
}

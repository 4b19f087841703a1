import { eventHoldingReadModel } from '@qms/projection-engine';
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

/** What the metrics read from the projection engine; any further fields of its status are ignored. */
export interface ProjectionStatusLike {
  readonly name: string;
  readonly state: string;
  readonly position: number;
  readonly headPosition: number | null;
  readonly lagEvents: number | null;
  readonly lagSeconds: number | null;
  /** The event the projection cannot apply and stands on; null while it goes on. */
  readonly stoppedOn?: { readonly position: number } | null;
  /** A rebuild under way, and the event it stands on (null while it goes on). */
  readonly rebuild?: { readonly stoppedOn: { readonly position: number } | null } | null;
  /** Events an admin parked for it: its figures may lack them. */
  readonly parkedEvents?: readonly unknown[];
}

export const PROJECTION_STATES = ['stopped', 'starting', 'rebuilding', 'running', 'catching-up', 'retrying'] as const;

/**
 * The service's Prometheus metrics, in a registry of its own (several apps can live in one
 * process: tests, the benchmark). Default process, heap, GC and event-loop figures; HTTP request
 * durations by route pattern and status; event-store append latency; projection progress.
 */
export class ApiMetrics {
  readonly registry = new Registry();
  readonly httpRequestDuration = new Histogram({
    name: 'qms_http_request_duration_seconds',
    help: 'HTTP request duration by method, route pattern and status code.',
    labelNames: ['method', 'route', 'status_code'] as const,
    buckets: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });
  readonly appendDuration = new Histogram({
    name: 'qms_event_store_append_duration_seconds',
    help: 'Event-store append latency (one stream, or a bulk of streams), by outcome.',
    labelNames: ['operation', 'outcome'] as const,
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [this.registry],
  });
  readonly appendedEvents = new Counter({
    name: 'qms_event_store_appended_events_total',
    help: 'Events appended through this process.',
    registers: [this.registry],
  });
  private readonly projectionPosition = this.gauge('qms_projection_position', 'Global position up to which the projection has applied the log.');
  private readonly projectionLagEvents = this.gauge('qms_projection_lag_events', 'Events not yet applied (capped at the engine lag count limit).');
  private readonly projectionLagSeconds = this.gauge('qms_projection_lag_seconds', 'Age of the oldest event not yet applied.');
  private readonly projectionUp = this.gauge('qms_projection_up', '1 while the projection runs without failures.');
  private readonly projectionStoppedPosition = this.gauge(
    'qms_projection_stopped_position',
    'Position of the event the projection (or the rebuild its read model waits for) is stopped on; absent while it goes on.',
  );
  private readonly projectionParkedEvents = this.gauge('qms_projection_parked_events', 'Events an admin parked for the projection (its figures may be incomplete).');
  private readonly projectionState = new Gauge({
    name: 'qms_projection_state',
    help: '1 for the state the projection is in, 0 for the others.',
    labelNames: ['projection', 'state'] as const,
    registers: [this.registry],
  });
  private readonly headPosition = new Gauge({
    name: 'qms_event_store_head_position',
    help: 'Position of the last event in the store.',
    registers: [this.registry],
  });
  private readonly projectionsThreadHeap = new Gauge({
    name: 'qms_projections_thread_heap_bytes',
    help: "The projections thread's heap (embedded default): used, total (reserved) and limit (PROJECTIONS_HEAP_MB, where it runs out).",
    labelNames: ['kind'] as const,
    registers: [this.registry],
  });
  private projectionStatus: () => Promise<readonly ProjectionStatusLike[]> = () => Promise.resolve([]);
  private projectionsHeap: () => { usedBytes: number; totalBytes: number; limitBytes: number } | null = () => null;

  constructor(options: { readonly defaultMetrics?: boolean } = {}) {
    if (options.defaultMetrics !== false) collectDefaultMetrics({ register: this.registry });
  }

  /** Where projection figures come from (the projection engine's status), read at every scrape. */
  watchProjections(status: () => Promise<readonly ProjectionStatusLike[]>): void {
    this.projectionStatus = status;
  }

  /** The heap of the thread the projections run in, when they run in a thread of their own. */
  watchProjectionsHeap(heap: () => { usedBytes: number; totalBytes: number; limitBytes: number } | null): void {
    this.projectionsHeap = heap;
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  async render(): Promise<string> {
    await this.refreshProjections();
    return this.registry.metrics();
  }

  private async refreshProjections(): Promise<void> {
    const statuses = await this.projectionStatus();
    const gauges = [
      this.projectionPosition,
      this.projectionLagEvents,
      this.projectionLagSeconds,
      this.projectionUp,
      this.projectionState,
      this.projectionStoppedPosition,
      this.projectionParkedEvents,
    ];
    for (const gauge of gauges) gauge.reset();
    this.headPosition.reset();
    for (const status of statuses) {
      const labels = { projection: status.name };
      this.projectionPosition.set(labels, status.position);
      if (status.lagEvents !== null) this.projectionLagEvents.set(labels, status.lagEvents);
      if (status.lagSeconds !== null) this.projectionLagSeconds.set(labels, status.lagSeconds);
      this.projectionUp.set(labels, status.state === 'running' ? 1 : 0);
      const holding = eventHoldingReadModel(status);
      if (holding !== null) this.projectionStoppedPosition.set(labels, holding.position);
      if (status.parkedEvents !== undefined) this.projectionParkedEvents.set(labels, status.parkedEvents.length);
      const states = new Set<string>([...PROJECTION_STATES, status.state]);
      for (const state of states) this.projectionState.set({ projection: status.name, state }, state === status.state ? 1 : 0);
    }
    const head = statuses.find((status) => status.headPosition !== null)?.headPosition;
    if (head !== undefined && head !== null) this.headPosition.set(head);
    this.projectionsThreadHeap.reset();
    const heap = this.projectionsHeap();
    if (heap !== null) {
      this.projectionsThreadHeap.set({ kind: 'used' }, heap.usedBytes);
      this.projectionsThreadHeap.set({ kind: 'total' }, heap.totalBytes);
      this.projectionsThreadHeap.set({ kind: 'limit' }, heap.limitBytes);
    }
  }

  private gauge(name: string, help: string): Gauge<'projection'> {
    return new Gauge({ name, help, labelNames: ['projection'] as const, registers: [this.registry] });
  }
}

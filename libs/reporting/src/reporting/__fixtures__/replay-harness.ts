/** What the replay specs share: engines over every reporting projection, and how copies are compared. */
import { randomUUID } from 'node:crypto';
import type { DomainEvent } from '@qms/domain-kernel';
import { defaultEventCatalogue } from '@qms/event-catalogue';
import type { EventStore } from '@qms/event-store';
import { collectionsOf, compareReadModels, ProjectionEngine, type ReadModelComparison, type WorkingSetLimits } from '@qms/projection-engine';
import { addMonths, calendarFor, monthsBetween, type MonthKey } from '../../kpi/calendar';
import { resolveReportingConfig } from '../../kpi/reporting-config';
import { MONTHLY_REPORT_COLLECTION, MONTHLY_REPORT_CUSTOMERS_COLLECTION } from '../../monthly-report/monthly-report.types';
import type { ReadStore } from '@qms/read-store';
import { MONTHLY_REPORT_STATE_COLLECTION, MonthlyReportMaterializer } from '../monthly-report-materializer';
import { createReportingProjections } from '../reporting-projections';
import type { HistoryEvent } from './valid-history';

export const REPORTING_CONFIG = resolveReportingConfig({ timeZone: 'Asia/Shanghai' });
const catalogue = defaultEventCatalogue();

export const ALL_COLLECTIONS = createReportingProjections(REPORTING_CONFIG).all.flatMap((projection) => collectionsOf(projection).map((collection) => collection.name));
/** The monthly report's own documents: derived by afterBatch rather than by evolve. */
export const REPORT_COLLECTIONS = [MONTHLY_REPORT_COLLECTION, MONTHLY_REPORT_CUSTOMERS_COLLECTION, MONTHLY_REPORT_STATE_COLLECTION];
export const FACT_COLLECTIONS = ALL_COLLECTIONS.filter((collection) => !REPORT_COLLECTIONS.includes(collection));

export function reportingEngine(eventStore: EventStore, readStore: ReadStore, batchSize: number, rebuildWorkingSet?: WorkingSetLimits): ProjectionEngine<DomainEvent> {
  return new ProjectionEngine<DomainEvent>({
    ...(rebuildWorkingSet === undefined ? {} : { rebuildWorkingSet }),
    eventStore,
    readStore,
    // Short waits, so specs see the months flushed soon after the last batch.
    projections: createReportingProjections(REPORTING_CONFIG, { settleMs: 2, maxDelayMs: 20 }).all,
    decodeEvent: (recorded) => catalogue.decode(recorded),
    batchSize,
    retry: { initialDelayMs: 1, maxDelayMs: 5 },
  });
}

/** Rebuilds every read model, one after the other. */
export async function rebuildAll(engine: ProjectionEngine<DomainEvent>): Promise<void> {
  for (const name of engine.projectionNames) await engine.rebuild(name);
}

export async function appendAll(eventStore: EventStore, events: readonly HistoryEvent[]): Promise<void> {
  for (const event of events) {
    await eventStore.appendToStream(event.streamId, [{ id: randomUUID(), type: event.type, data: event.data, metadata: event.metadata }]);
  }
}

/** Every difference named, so a failing run says which document and which field. */
export function describeDifferences(name: string, comparison: ReadModelComparison): string {
  const listed = comparison.differences
    .slice(0, 20)
    .map((difference) => `  ${difference.kind} ${difference.collection}/${difference.id}${difference.path === undefined ? '' : ` at ${difference.path}`}`);
  return `${name}: ${comparison.differenceCount} differences\n${listed.join('\n')}`;
}

export async function expectSameReadModels(
  reference: ReadStore,
  copies: Readonly<Record<string, ReadStore>>,
  collections: readonly string[] = ALL_COLLECTIONS,
): Promise<void> {
  for (const [name, store] of Object.entries(copies)) {
    const comparison = await compareReadModels(reference, store, collections);
    if (!comparison.equal) throw new Error(describeDifferences(name, comparison));
  }
}

/** Every month the history's business times touch, and the next one. */
export function monthsOf(events: readonly HistoryEvent[]): MonthKey[] {
  const times = events.map((event) => event.data['occurredAt']).filter((time): time is string => typeof time === 'string').sort();
  const first = times[0];
  const last = times[times.length - 1];
  if (first === undefined || last === undefined) return [];
  const calendar = calendarFor(REPORTING_CONFIG.timeZone);
  return monthsBetween(calendar.monthOf(first), addMonths(calendar.monthOf(last), 1));
}

/**
 * Waits until a running engine's deferred work has stored every pending month: a batch with fact
 * changes always leaves some month pending, so none pending means nothing left to flush.
 */
export async function reportsSettled(store: ReadStore, timeoutMs = 30_000): Promise<void> {
  const materializer = new MonthlyReportMaterializer(REPORTING_CONFIG);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const state = await materializer.state(store);
    if (state.pending.length === 0) return;
    if (Date.now() > deadline) throw new Error(`months still pending after ${timeoutMs} ms: ${state.pending.join(', ')}`);
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

/** `events` appended to `eventStore` and followed live by the engine in batches of `batchSize`, every pending month stored. */
export async function projectedLive(eventStore: EventStore, readStore: ReadStore, events: readonly HistoryEvent[], batchSize: number): Promise<void> {
  const engine = reportingEngine(eventStore, readStore, batchSize);
  engine.start();
  try {
    await appendAll(eventStore, events);
    if (!(await engine.waitForPosition(await eventStore.headPosition(), 30_000))) throw new Error('the projections did not reach the head within 30 s');
    await reportsSettled(readStore);
  } finally {
    await engine.stop();
  }
}

/** What the rebuild leaves pending, flushed as the live runner's deferred work would (see rebuild.ts). */
export async function flushReports(store: ReadStore): Promise<void> {
  await new MonthlyReportMaterializer(REPORTING_CONFIG).flush(store);
}

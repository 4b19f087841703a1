import { defaultEventCatalogue } from '@qms/event-catalogue';
import { SqliteEventStore } from '@qms/event-store';
import { ProjectionEngine } from '@qms/projection-engine';
import { SqliteReadStore } from '@qms/read-store';
import { createReportingProjections, resolveReportingConfig } from '@qms/reporting';

/** A process that projects the log into the read-model file until it is killed (kill -9 spec). */
const eventStore = SqliteEventStore.open(process.env['CHILD_EVENTS_DB'] as string, { writer: 'main-thread', pollIntervalMs: 20 });
const readStore = SqliteReadStore.open({ path: process.env['CHILD_READ_DB'] as string });
const catalogue = defaultEventCatalogue();
new ProjectionEngine({
  eventStore,
  readStore,
  projections: createReportingProjections(resolveReportingConfig({ timeZone: 'Asia/Shanghai' }), { settleMs: 2, maxDelayMs: 20 }).all,
  decodeEvent: (recorded) => catalogue.decode(recorded),
  // Small batches: many commits for the kill to land between or inside.
  batchSize: 7,
}).start();

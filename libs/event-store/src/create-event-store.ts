import { StoreUnavailableError } from '@qms/domain-kernel';
import { oneLine } from './append-validation';
import type { EventStore } from './event-store.port';
import { SqliteEventStore, type SqliteWriterKind } from './sqlite/sqlite-event-store';

export interface EventStoreSettings {
  /** EVENTSTORE_URL: when set, EventStoreDB is used; otherwise the embedded SQLite file. */
  readonly eventStoreUrl?: string;
  /** EVENTS_DB_PATH: the SQLite file of the embedded mode. */
  readonly sqlitePath: string;
  /** Where the embedded store commits; defaults to its own writer thread (see SqliteEventStoreOptions). */
  readonly sqliteWriter?: SqliteWriterKind;
  /** Read-only tools: a missing SQLite file is an error, never created. */
  readonly sqliteMustExist?: boolean;
}

/**
 * Chooses the adapter from the settings and proves it usable before returning, so a wrong URL or
 * an unwritable path stops the process at start with one line saying what to fix. The EventStoreDB
 * client (gRPC, protocol buffers: about 15 MiB of each thread's memory) is loaded only when used.
 */
export async function createEventStore(settings: EventStoreSettings): Promise<EventStore> {
  const url = settings.eventStoreUrl?.trim();
  if (url === undefined || url === '') {
    return SqliteEventStore.open(settings.sqlitePath, {
      writer: settings.sqliteWriter,
      ...(settings.sqliteMustExist === true ? { mustExist: true } : {}),
    });
  }

  const [{ EventStoreDbEventStore }, { redactUrl }] = await Promise.all([import('./eventstoredb/eventstoredb-event-store'), import('./eventstoredb/eventstoredb-errors')]);
  const store = EventStoreDbEventStore.connect(url);
  try {
    await store.checkHealth();
  } catch (error) {
    await store.close().catch(() => undefined);
    const reason =
      error instanceof StoreUnavailableError
        ? error.message
        : `EventStoreDB at ${redactUrl(url)} failed a health check: ${oneLine(error)}.`;
    throw new StoreUnavailableError(`${reason} Or unset EVENTSTORE_URL to use the embedded SQLite store.`);
  }
  return store;
}

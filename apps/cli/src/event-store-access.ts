import { createEventStore, type EventStore } from '@qms/event-store';
import { loadAppConfig } from '../../api/src/config/app-config';

/**
 * The event store the API uses, from the same environment (EVENTSTORE_URL or EVENTS_DB_PATH). A
 * command that only reads events refuses a missing SQLite file instead of creating an empty one,
 * and starts no writer thread for it (each is an isolate of its own, idle for such a command).
 */
export async function openEventStore(env: Readonly<Record<string, string | undefined>>, options: { readonly writes?: boolean } = {}): Promise<EventStore> {
  const config = loadAppConfig(env);
  return createEventStore({
    ...(config.eventStoreUrl ? { eventStoreUrl: config.eventStoreUrl } : {}),
    sqlitePath: config.eventsDbPath,
    sqliteMustExist: options.writes !== true,
    ...(options.writes === true ? {} : { sqliteWriter: 'main-thread' as const }),
  });
}

import type Database from 'better-sqlite3';
import { StoreUnavailableError } from '@qms/domain-kernel';
import { oneLine } from '../append-validation';
import { connectEventDatabase } from './sqlite-connection';

export { IN_MEMORY } from './sqlite-connection';

/** Opens (creating if needed) the event-store file; any failure is one line saying what to fix. */
export function openEventDatabase(path: string): Database.Database {
  try {
    return connectEventDatabase(path);
  } catch (error) {
    throw new StoreUnavailableError(
      `Cannot open the event store at ${path}: ${oneLine(error)}. Set EVENTS_DB_PATH to a writable file.`,
    );
  }
}

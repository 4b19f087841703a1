import type Database from 'better-sqlite3';
import { StoreUnavailableError } from '@qms/domain-kernel';
import { oneLine } from '../append-validation';
import { existsSync } from 'node:fs';
import { IN_MEMORY, connectEventDatabase } from './sqlite-connection';

export { IN_MEMORY } from './sqlite-connection';

/**
 * Opens the event-store file, creating it unless `mustExist` (read-only tools must not create an
 * empty store at a mistyped path); any failure is one line saying what to fix.
 */
export function openEventDatabase(path: string, mustExist = false): Database.Database {
  if (mustExist && path !== IN_MEMORY && !existsSync(path)) {
    throw new StoreUnavailableError(`No event store at ${path}: the file does not exist. Set EVENTS_DB_PATH to the API's event store file.`);
  }
  try {
    return connectEventDatabase(path, mustExist);
  } catch (error) {
    throw new StoreUnavailableError(
      `Cannot open the event store at ${path}: ${oneLine(error)}. Set EVENTS_DB_PATH to a writable file.`,
    );
  }
}

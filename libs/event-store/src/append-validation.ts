import type { EventToAppend, ExpectedRevision } from './event-store.port';

/** Catch-up pages and live batches hold at most this many events unless the caller asks otherwise. */
export const DEFAULT_MAX_BATCH_SIZE = 500;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Both adapters reject the same inputs, so that code working against the embedded store does not
 * fail later against EventStoreDB. `$` names are EventStoreDB's system namespace and are filtered
 * out of $all there, so they are refused everywhere.
 */
export function assertValidAppend(
  streamId: string,
  events: readonly EventToAppend[],
  expectedRevision: ExpectedRevision,
): void {
  assertValidStreamId(streamId);
  if (events.length === 0) throw new RangeError(`Append to stream ${streamId} needs at least one event.`);
  if (
    typeof expectedRevision === 'number' &&
    (!Number.isSafeInteger(expectedRevision) || expectedRevision < 0)
  ) {
    throw new RangeError(`Expected revision must be a non-negative integer, got ${expectedRevision}.`);
  }
  for (const event of events) {
    if (!UUID.test(event.id)) throw new RangeError(`Event id must be a UUID, got "${event.id}".`);
    if (event.type.length === 0 || event.type.startsWith('$')) {
      throw new RangeError(`Event type must be non-empty and must not start with "$", got "${event.type}".`);
    }
  }
}

export function assertValidStreamId(streamId: string): void {
  if (streamId.length === 0 || streamId.startsWith('$')) {
    throw new RangeError(`Stream id must be non-empty and must not start with "$", got "${streamId}".`);
  }
}

export function assertCount(name: string, value: number | undefined): void {
  if (value !== undefined && (!Number.isSafeInteger(value) || value < 0)) {
    throw new RangeError(`${name} must be a non-negative integer, got ${value}.`);
  }
}

export function assertEventTypes(types: readonly string[] | undefined): void {
  if (types !== undefined && (!Array.isArray(types) || !types.every((type) => typeof type === 'string'))) {
    throw new RangeError('eventTypes must be a list of event type names.');
  }
}

/** Keys a store can name in a JSON path without quoting: letters, digits and underscores. */
export function assertMetadataKeys(keys: readonly string[] | undefined): void {
  if (keys !== undefined && (!Array.isArray(keys) || !keys.every((key) => typeof key === 'string' && /^[A-Za-z_][A-Za-z0-9_]*$/.test(key)))) {
    throw new RangeError('metadataKeys must be a list of metadata keys made of letters, digits and underscores.');
  }
}

/** Error reasons from drivers can span lines; our messages are one line. */
export function oneLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/[.:]\s*$/, '');
}

import type { JsonObject, RecordedEvent } from '../event-store.port';

/** The columns every read selects, in EventRow's order. */
export const EVENT_COLUMNS = 'position, event_id, stream_id, revision, type, data, metadata, recorded_at';

/**
 * A row as an array (better-sqlite3's raw mode): building an array per row costs the driver a
 * good part less than an object with named keys, and a rebuild decodes millions of rows.
 */
export type EventRow = [
  position: number,
  eventId: string,
  streamId: string,
  revision: number,
  type: string,
  data: string,
  metadata: string,
  recordedAt: string,
];

export function toRecordedEvent(row: EventRow): RecordedEvent {
  return {
    id: row[1],
    streamId: row[2],
    type: row[4],
    data: JSON.parse(row[5]) as JsonObject,
    metadata: JSON.parse(row[6]) as JsonObject,
    revision: row[3],
    position: row[0],
    recordedAt: parseRecordedAt(row[7]),
  };
}

/** The columns of a read that takes only some keys of the metadata: those keys follow, one column each. */
export const EVENT_COLUMNS_WITHOUT_METADATA = 'position, event_id, stream_id, revision, type, data, recorded_at';

/** A row of EVENT_COLUMNS_WITHOUT_METADATA and one JSON value (or null) per metadata key. */
export type EventRowWithKeys = [position: number, eventId: string, streamId: string, revision: number, type: string, data: string, recordedAt: string, ...keys: (string | null)[]];

/** An event whose metadata holds only `keys` (those it has). */
export function toRecordedEventWithKeys(row: EventRowWithKeys, keys: readonly string[]): RecordedEvent {
  const metadata: Record<string, JsonObject[string]> = {};
  keys.forEach((key, index) => {
    const value = row[7 + index] as string | null | undefined;
    if (value !== null && value !== undefined) metadata[key] = JSON.parse(value) as JsonObject[string];
  });
  return {
    id: row[1],
    streamId: row[2],
    type: row[4],
    data: JSON.parse(row[5]) as JsonObject,
    metadata,
    revision: row[3],
    position: row[0],
    recordedAt: parseRecordedAt(row[6]),
  };
}

const ZERO = 48;
const twoDigits = (text: string, at: number): number =>
  (text.charCodeAt(at) - ZERO) * 10 + text.charCodeAt(at + 1) - ZERO;

/**
 * `recorded_at` as the appender writes it (Date.toISOString, `YYYY-MM-DDTHH:MM:SS.sssZ`) read
 * without the general date parser, which costs about twice as much per event. Text of any other
 * shape goes to that parser.
 */
export function parseRecordedAt(text: string): Date {
  const year = twoDigits(text, 0) * 100 + twoDigits(text, 2);
  if (
    text.length !== 24 ||
    text.charCodeAt(4) !== 45 || // -
    text.charCodeAt(10) !== 84 || // T
    text.charCodeAt(19) !== 46 || // .
    text.charCodeAt(23) !== 90 || // Z
    // Date.UTC reads the years 0 to 99 as 1900 to 1999.
    !(year >= 100)
  ) {
    return new Date(text);
  }
  const millisecond = (text.charCodeAt(20) - ZERO) * 100 + twoDigits(text, 21);
  return new Date(
    Date.UTC(
      year,
      twoDigits(text, 5) - 1,
      twoDigits(text, 8),
      twoDigits(text, 11),
      twoDigits(text, 14),
      twoDigits(text, 17),
      millisecond,
    ),
  );
}

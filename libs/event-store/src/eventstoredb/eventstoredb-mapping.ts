import type {
  AllStreamRecordedEvent,
  AppendExpectedRevision,
  EventData,
  Position,
  ReadPosition,
  RecordedEvent as ClientRecordedEvent,
} from '@eventstore/db-client';
import { ANY, NO_STREAM, START, STREAM_EXISTS, jsonEvent } from '@eventstore/db-client';
import type { EventToAppend, ExpectedRevision, JsonObject, RecordedEvent } from '../event-store.port';

export function toClientExpectedRevision(expected: ExpectedRevision): AppendExpectedRevision {
  switch (expected) {
    case 'any':
      return ANY;
    case 'no_stream':
      return NO_STREAM;
    case 'stream_exists':
      return STREAM_EXISTS;
    default:
      return BigInt(expected);
  }
}

export function toEventData(event: EventToAppend): EventData {
  return jsonEvent({ id: event.id, type: event.type, data: event.data, metadata: event.metadata });
}

/**
 * Our position is the event's commit position. Events appended through gRPC (v20+) are implicit
 * transactions whose every event is its own prepare record, committed at that record's log
 * position, so commit == prepare for each event and one number identifies it. (Only the legacy
 * TCP API's explicit transactions made them differ.)
 */
export function toReadPosition(position: number): ReadPosition {
  if (position === 0) return START;
  const logPosition = BigInt(position);
  return { commit: logPosition, prepare: logPosition };
}

export function commitPositionOf(position: Position): number {
  return Number(position.commit);
}

/** EventStoreDB's own records ($-prefixed types or streams, link events) are never ours. */
export function isSystemEvent(event: { readonly streamId: string; readonly type: string }): boolean {
  return event.type.startsWith('$') || event.streamId.startsWith('$');
}

/**
 * `commitPosition` is the resolved event's own field, the fallback for stream reads on servers that
 * do not put the position on the record. Unset 64-bit fields decode as 0, which is never an
 * event's position (the log starts with an epoch record), so 0 counts as missing.
 */
export function toRecordedEvent(event: ClientRecordedEvent, commitPosition?: bigint): RecordedEvent {
  const commit =
    event.position !== undefined && event.position.commit > 0n ? event.position.commit : commitPosition;
  if (commit === undefined || commit <= 0n) {
    throw new Error(
      `EventStoreDB returned event ${event.id} without its log position; EventStoreDB 22.6 or later is required.`,
    );
  }
  return {
    id: event.id,
    streamId: event.streamId,
    type: event.type,
    data: asJsonObject(event.data),
    metadata: asJsonObject(event.metadata),
    revision: Number(event.revision),
    position: Number(commit),
    recordedAt: event.created,
  };
}

export function allStreamPosition(event: AllStreamRecordedEvent): number {
  return commitPositionOf(event.position);
}

/** Our events are JSON objects; anything else (written by another tool) is kept under `value`. */
function asJsonObject(value: unknown): JsonObject {
  if (value === undefined || value === null) return {};
  if (value instanceof Uint8Array) return { value: Buffer.from(value).toString('base64') };
  if (typeof value === 'object' && !Array.isArray(value)) return value as JsonObject;
  return { value: value as JsonObject[string] };
}

import type {
  AllStreamRecordedEvent,
  AppendExpectedRevision,
  EventData,
  Position,
  ReadPosition,
  RecordedEvent as ClientRecordedEvent,
} from '@eventstore/db-client';
import { ANY, NO_STREAM, START, STREAM_EXISTS, jsonEvent } from '@eventstore/db-client';
import { StoreUnavailableError } from '@qms/domain-kernel';
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

/**
 * What servers before 22.6 put where they have no position for a record (-1 as an unsigned 64-bit
 * number): stream reads and append results carry it instead of the log position.
 */
export const NO_POSITION = 2n ** 64n - 1n;

export function hasPosition(commit: bigint | undefined): commit is bigint {
  return commit !== undefined && commit > 0n && commit !== NO_POSITION;
}

export function oldServerError(what: string): StoreUnavailableError {
  return new StoreUnavailableError(
    `EventStoreDB returned ${what} without its log position (a server older than 22.6); this product needs EventStoreDB 22.6 or later.`,
  );
}

/**
 * The append's own position, from the append result (no read back). We rely on the server
 * reporting, for a gRPC append, the log position of the write's last event, which is also the
 * commit = prepare position $all reports for that event: gRPC appends are implicit transactions
 * whose events are each committed at their own record's position on a single node or a leader
 * (https://developers.eventstore.com/clients/grpc/appending-events.html and
 * https://developers.eventstore.com/server/v24.10/features/streams.html#all-stream); the contract
 * suite's "position of the last event" test checks it against a real server.
 */
export function appendPosition(streamId: string, position: Position | undefined): number {
  if (!hasPosition(position?.commit)) throw oldServerError(`the append to ${streamId}`);
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
  const commit = hasPosition(event.position?.commit) ? event.position.commit : commitPosition;
  if (!hasPosition(commit)) throw oldServerError(`event ${event.id}`);
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

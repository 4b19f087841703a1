import type { JsonObject, RecordedEvent } from '@qms/event-store';

export interface HistoryActor {
  readonly userId: string;
  readonly role: string;
  readonly department?: string;
}

/**
 * One event as an auditor reads it (DESIGN §9): what happened, when it happened (business time)
 * and when it was written (recorded time), who did it in which role, and how it was traced.
 */
export interface AuditHistoryEntry {
  readonly revision: number;
  readonly position: number;
  readonly eventId: string;
  readonly type: string;
  /** Business time (`data.occurredAt`); null for records that carry none. */
  readonly occurredAt: string | null;
  /** When the store committed the event. */
  readonly recordedAt: string;
  readonly actor: HistoryActor | null;
  readonly correlationId: string | null;
  readonly causationId: string | null;
  readonly idempotencyKey: string | null;
  readonly commandType: string | null;
  /** The schema version the event was written in; `data` is shown exactly as written. */
  readonly schemaVersion: number | null;
  readonly previousHash: string | null;
  readonly hash: string | null;
  readonly data: JsonObject;
}

/**
 * `businessData` is the event's data lifted to its current shape, where business time is found
 * even for an event written under an older schema.
 */
export function toHistoryEntry(recorded: RecordedEvent, businessData: unknown = recorded.data): AuditHistoryEntry {
  const metadata = recorded.metadata;
  return {
    revision: recorded.revision,
    position: recorded.position,
    eventId: recorded.id,
    type: recorded.type,
    occurredAt: occurredAtOf(businessData) ?? occurredAtOf(recorded.data),
    recordedAt: recorded.recordedAt.toISOString(),
    actor: actorOf(metadata['actor']),
    correlationId: text(metadata['correlationId']),
    causationId: text(metadata['causationId']),
    idempotencyKey: text(metadata['idempotencyKey']),
    commandType: text(metadata['commandType']),
    schemaVersion: typeof metadata['schemaVersion'] === 'number' ? metadata['schemaVersion'] : null,
    previousHash: text(metadata['previousHash']),
    hash: text(metadata['hash']),
    data: recorded.data,
  };
}

export function occurredAtOf(data: unknown): string | null {
  if (typeof data !== 'object' || data === null) return null;
  return text((data as Record<string, unknown>)['occurredAt']);
}

function actorOf(value: unknown): HistoryActor | null {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return null;
  const record = value as Record<string, unknown>;
  const userId = text(record['userId']);
  const role = text(record['role']);
  if (userId === null || role === null) return null;
  const department = text(record['department']);
  return { userId, role, ...(department !== null ? { department } : {}) };
}

function text(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}

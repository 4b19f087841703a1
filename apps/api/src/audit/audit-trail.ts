import { Inject, Injectable } from '@nestjs/common';
import { type AsOfPoint, type AuditHistoryEntry, selectAsOf, toHistoryEntry } from '@qms/audit';
import { isComplaintNumber, complaintStreamId } from '@qms/complaint-domain';
import { type DomainEvent, IllegalStateError, NotFoundError, ValidationError } from '@qms/domain-kernel';
import type { EventCatalogue } from '@qms/event-catalogue';
import { EVENT_STORE, type EventStore, type RecordedEvent } from '@qms/event-store';
import { EVENT_CATALOGUE } from '../infrastructure/tokens';
import { folderFor } from './stream-folders';

/** A stored event next to its current shape and its audit view. */
export interface AuditedEvent {
  readonly recorded: RecordedEvent;
  readonly event: DomainEvent;
  readonly entry: AuditHistoryEntry;
  /** Why the stored data could not be lifted to its current shape (written by newer code?). */
  readonly decodeError?: string;
}

export interface HistoryPage {
  readonly streamId: string;
  readonly page: number;
  readonly pageSize: number;
  /** Events in the stream when the page was read. */
  readonly total: number;
  readonly totalPages: number;
  readonly items: readonly AuditHistoryEntry[];
}

export interface AsOfView {
  readonly streamId: string;
  readonly kind: string;
  readonly asOf: { readonly revision: number } | { readonly at: string; readonly basis: 'recorded' | 'business' };
  /** Highest revision included; -1 when the record did not exist yet. */
  readonly revision: number;
  readonly eventCount: number;
  /** Revision of the stream today, for comparison. */
  readonly currentRevision: number;
  /** Business basis: included events entered after the instant (the record did not show them then). */
  readonly backdatedRevisions: readonly number[];
  readonly state: unknown;
}

const MAX_STREAM_ID = 512;

/** Reads streams for the audit views: history pages, states as of a point, whole records. */
@Injectable()
export class AuditTrail {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(EVENT_CATALOGUE) private readonly catalogue: EventCatalogue,
  ) {}

  async historyPage(streamId: string, page: number, pageSize: number): Promise<HistoryPage> {
    const [last] = await this.store.readStream(checkedStreamId(streamId), { direction: 'backwards', maxCount: 1 });
    if (last === undefined) throw notFound(streamId);
    const total = last.revision + 1;
    const fromRevision = (page - 1) * pageSize;
    const events = fromRevision < total ? await this.store.readStream(streamId, { fromRevision, maxCount: pageSize }) : [];
    return {
      streamId,
      page,
      pageSize,
      total,
      totalPages: Math.ceil(total / pageSize),
      items: events.map((recorded) => this.audit(recorded).entry),
    };
  }

  /** Every event of the stream in revision order; 404 when the stream has none. */
  async wholeStream(streamId: string): Promise<AuditedEvent[]> {
    const recorded = await this.store.readStream(checkedStreamId(streamId));
    if (recorded.length === 0) throw notFound(streamId);
    return recorded.map((event) => this.audit(event));
  }

  async asOf(streamId: string, point: AsOfPoint): Promise<AsOfView & { readonly events: readonly AuditedEvent[] }> {
    const folder = folderFor(checkedStreamId(streamId));
    if (folder === undefined) {
      throw ValidationError.field('streamId', 'names no record whose state can be rebuilt (complaint-, customer-notification-, return-, survey-, delivery-)');
    }
    const events = await this.wholeStream(streamId);
    const currentRevision = events.length - 1;
    if (point.kind === 'revision' && point.revision > currentRevision) {
      throw new NotFoundError(`Stream ${streamId} has revisions 0 to ${currentRevision}; there is no revision ${point.revision}.`);
    }
    const candidates = events.map((audited) => ({
      ...audited,
      revision: audited.recorded.revision,
      recordedAt: audited.recorded.recordedAt,
      occurredAt: audited.entry.occurredAt,
    }));
    const { included, backdated } = selectAsOf(candidates, point);
    const undecodable = included.find((audited) => audited.decodeError !== undefined);
    if (undecodable) {
      throw new IllegalStateError(`Event ${undecodable.recorded.id} (revision ${undecodable.revision}) cannot be read by this version: ${undecodable.decodeError}`);
    }
    let state = folder.initialState();
    for (const { event } of included) if (folder.handles(event.type)) state = folder.evolve(state, event);
    return {
      streamId,
      kind: folder.kind,
      asOf: point.kind === 'revision' ? { revision: point.revision } : { at: point.at.toISOString(), basis: point.basis },
      revision: included.at(-1)?.revision ?? -1,
      eventCount: included.length,
      currentRevision,
      backdatedRevisions: backdated.map((event) => event.revision),
      state,
      events: included,
    };
  }

  /** The history shows an event even when this version cannot lift it: it is shown as written. */
  private audit(recorded: RecordedEvent): AuditedEvent {
    try {
      const event = this.catalogue.decode(recorded);
      return { recorded, event, entry: toHistoryEntry(recorded, event.data) };
    } catch (error) {
      const decodeError = error instanceof Error ? error.message : String(error);
      return { recorded, event: { type: recorded.type, data: recorded.data }, entry: toHistoryEntry(recorded), decodeError };
    }
  }
}

export function complaintStream(number: string): string {
  if (!isComplaintNumber(number)) throw ValidationError.field('number', 'must be a complaint number such as CC-2026-0001 or CC-2026-0001-1');
  return complaintStreamId(number);
}

function checkedStreamId(streamId: string): string {
  if (streamId.length === 0 || streamId.length > MAX_STREAM_ID || streamId.startsWith('$')) {
    throw ValidationError.field('streamId', `must be 1-${MAX_STREAM_ID} characters and must not start with "$"`);
  }
  return streamId;
}

function notFound(streamId: string): NotFoundError {
  return new NotFoundError(`Stream ${streamId} has no events.`);
}

import { Inject, Injectable } from '@nestjs/common';
import { type AuditHistoryEntry, buildEightDReport, type EightDReport, verifyChain } from '@qms/audit';
import type { ComplaintState } from '@qms/complaint-domain';
import type { Actor } from '@qms/domain-kernel';
import { CLOCK, type Clock } from '../../infrastructure/tokens';
import { AuditTrail, complaintStream } from '../audit-trail';
import { folderFor } from '../stream-folders';

export const EXPORT_FORMAT_VERSION = 'qms.complaint-8d-export/1';

export interface ComplaintExport {
  readonly format: typeof EXPORT_FORMAT_VERSION;
  readonly complaintNumber: string;
  readonly streamId: string;
  readonly exportedAt: string;
  readonly exportedBy: { readonly userId: string; readonly role: string };
  readonly revision: number;
  readonly position: number;
  readonly status: string;
  readonly links: { readonly reopenedFrom: string | null; readonly reopenedAs: readonly string[] };
  /** The hash chain of exactly the events exported. */
  readonly integrity: {
    readonly ok: boolean;
    readonly firstBadEvent: { readonly revision: number; readonly eventId: string; readonly reason: string } | null;
  };
  readonly eightD: EightDReport;
  readonly history: readonly AuditHistoryEntry[];
}

/** DESIGN §9: one complaint's full 8D record, laid out D0–D8, with its full history. */
@Injectable()
export class ComplaintExporter {
  constructor(
    private readonly trail: AuditTrail,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async export(number: string, exportedBy: Actor): Promise<ComplaintExport> {
    const streamId = complaintStream(number);
    const events = await this.trail.wholeStream(streamId);
    const folder = folderFor(streamId);
    let state = (folder?.initialState() ?? { status: 'none' }) as ComplaintState;
    for (const { event } of events) if (folder?.handles(event.type)) state = folder.evolve(state, event) as ComplaintState;
    const chain = verifyChain(streamId, events.map(({ recorded }) => recorded));
    const last = events[events.length - 1];
    return {
      format: EXPORT_FORMAT_VERSION,
      complaintNumber: number,
      streamId,
      exportedAt: this.clock().toISOString(),
      exportedBy: { userId: exportedBy.userId, role: exportedBy.role },
      revision: last?.recorded.revision ?? -1,
      position: last?.recorded.position ?? 0,
      status: state.status,
      links: state.status === 'none' ? { reopenedFrom: null, reopenedAs: [] } : { reopenedFrom: state.reopenedFrom, reopenedAs: state.reopenedAs },
      integrity: chain.ok
        ? { ok: true, firstBadEvent: null }
        : { ok: false, firstBadEvent: { revision: chain.firstBadRevision, eventId: chain.firstBadEventId, reason: chain.reason } },
      eightD: buildEightDReport(events),
      history: events.map(({ entry }) => entry),
    };
  }
}

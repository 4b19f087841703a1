import { parseArgs } from 'node:util';
import { type AuditHistoryEntry, toHistoryEntry } from '@qms/audit';
import { complaintStreamId, isComplaintNumber } from '@qms/complaint-domain';
import { defaultEventCatalogue } from '@qms/event-catalogue';
import type { RecordedEvent } from '@qms/event-store';
import { EXIT, UsageError } from '../exit-codes';
import type { CliCommand } from './command';

const PAGE_SIZE = 500;

/** DESIGN §9: a stream's history in revision order, as a table or as JSON lines. */
export const historyCommand: CliCommand = {
  name: 'history',
  summary: "Print every event of a stream (or a complaint number) with who, when and how it was traced",
  usage: '<streamId | complaint number> [--json]',
  async run(args, { io, eventStore }) {
    const { values, positionals } = parseArgs({
      args: [...args],
      options: { json: { type: 'boolean', default: false } },
      strict: true,
      allowPositionals: true,
    });
    const [target, ...extra] = positionals;
    if (target === undefined || extra.length > 0) throw new UsageError('history takes one stream id or complaint number, e.g. history CC-2026-0001.');
    const streamId = isComplaintNumber(target) ? complaintStreamId(target) : target;
    if (streamId.startsWith('$')) throw new UsageError('Stream ids starting with "$" are system streams; give a record stream such as complaint-CC-2026-0001.');
    const store = await eventStore();
    const catalogue = defaultEventCatalogue();
    const entryOf = (recorded: RecordedEvent): AuditHistoryEntry => {
      try {
        return toHistoryEntry(recorded, catalogue.decode(recorded).data);
      } catch {
        return toHistoryEntry(recorded);
      }
    };
    let fromRevision = 0;
    for (;;) {
      const page = await store.readStream(streamId, { fromRevision, maxCount: PAGE_SIZE });
      if (page.length === 0 && fromRevision === 0) {
        io.stderr.write(`Stream ${streamId} has no events. Check the id (e.g. complaint-CC-2026-0001 or return-<id>).\n`);
        return EXIT.NOT_FOUND;
      }
      for (const recorded of page) io.stdout.write(`${values.json ? JSON.stringify(entryOf(recorded)) : line(entryOf(recorded))}\n`);
      const last = page.at(-1);
      if (page.length < PAGE_SIZE || last === undefined) return EXIT.OK;
      fromRevision = last.revision + 1;
    }
  },
};

function line(entry: AuditHistoryEntry): string {
  const actor = entry.actor ? `${entry.actor.userId} (${[entry.actor.role, entry.actor.department].filter(Boolean).join(', ')})` : '-';
  return [
    `#${entry.revision}`,
    `recorded ${entry.recordedAt}`,
    `occurred ${entry.occurredAt ?? '-'}`,
    entry.type,
    `by ${actor}`,
    `correlation ${entry.correlationId ?? '-'}`,
    `causation ${entry.causationId ?? '-'}`,
  ].join('  ');
}

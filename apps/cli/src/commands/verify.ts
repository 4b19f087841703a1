import { parseArgs } from 'node:util';
import { type ChainBreak, verifyStore, verifyStream } from '@qms/audit';
import { EXIT, type ExitCode } from '../exit-codes';
import { startProgress } from '../progress';
import type { CliCommand, CliContext } from './command';

/**
 * DESIGN §9 tamper evidence from the command line: the whole store in one pass over the global
 * log, or one stream. Exit 0 when every chain holds, 1 naming each first bad event otherwise.
 */
export const verifyCommand: CliCommand = {
  name: 'verify',
  summary: 'Prove the event store (or one stream) unaltered, or name the first bad event',
  usage: '[--stream <streamId>] [--json]',
  async run(args, context) {
    const { values } = parseArgs({
      args: [...args],
      options: { stream: { type: 'string' }, json: { type: 'boolean', default: false } },
      strict: true,
      allowPositionals: false,
    });
    return values.stream !== undefined ? verifyOneStream(values.stream, values.json, context) : verifyAll(values.json, context);
  },
};

async function verifyAll(json: boolean, { io, eventStore }: CliContext): Promise<ExitCode> {
  const store = await eventStore();
  // Positions are log offsets (not event counts on EventStoreDB), so the bar runs on positions.
  const progress = startProgress(io, 'verify', 'position');
  const result = await verifyStore(store, {
    onProgress: ({ position, headPosition, eventsChecked }) => progress.update(position, headPosition, `${eventsChecked} events checked`),
  });
  progress.stop();
  if (json) {
    io.stdout.write(`${JSON.stringify(result)}\n`);
  } else if (result.ok) {
    io.stdout.write(
      `OK: ${result.eventsChecked} events in ${result.streamsChecked} streams verified up to position ${result.headPosition}` +
        (result.unchainedStreams > 0 ? ` (${result.unchainedStreams} idempotency-record streams carry no chain by design)` : '') +
        '.\n',
    );
  } else {
    io.stdout.write(`TAMPERED: ${result.breaks.length} of ${result.streamsChecked} streams fail verification.\n`);
    for (const found of result.breaks) io.stdout.write(`${describeBreak(found)}\n`);
  }
  return result.ok ? EXIT.OK : EXIT.CHECK_FAILED;
}

async function verifyOneStream(streamId: string, json: boolean, { io, eventStore }: CliContext): Promise<ExitCode> {
  const store = await eventStore();
  const result = await verifyStream(store, streamId);
  if (result.eventsChecked === 0) {
    io.stderr.write(`Stream ${streamId} has no events. Check the id (e.g. complaint-CC-2026-0001), or run "history" to see what exists.\n`);
    return EXIT.NOT_FOUND;
  }
  if (json) io.stdout.write(`${JSON.stringify(result)}\n`);
  else if (result.ok) io.stdout.write(`OK: stream ${streamId}, ${result.eventsChecked} events, revisions 0 to ${result.lastRevision} verified.\n`);
  else for (const found of result.breaks) io.stdout.write(`TAMPERED: ${describeBreak(found)}\n`);
  return result.ok ? EXIT.OK : EXIT.CHECK_FAILED;
}

function describeBreak(found: ChainBreak): string {
  const where = found.position !== undefined ? ` at position ${found.position}` : '';
  return `stream ${found.streamId} revision ${found.revision} event ${found.eventId}${where}: ${found.reason}`;
}

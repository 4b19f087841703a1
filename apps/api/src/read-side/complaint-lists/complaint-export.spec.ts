import { Writable } from 'node:stream';
import type { ComplaintEvent } from '@qms/complaint-domain';
import { type ComplaintDocument, createComplaintListProjection } from '@qms/reporting';
import type { FastifyReply } from 'fastify';
import { complaint } from '../../../../../libs/reporting/src/kpi/__fixtures__/events';
import { exportComplaints, type ComplaintExportRequest } from './complaint-export';

const projection = createComplaintListProjection({ timeZone: 'Asia/Shanghai' });

function registered(index: number): ComplaintDocument {
  const number = `CC-2026-${String(index + 1).padStart(4, '0')}`;
  const receivedAt = new Date(Date.UTC(2026, 2, 1) + index * 60_000).toISOString();
  const event = complaint.registered({ number, customerId: 'C0001', partNo: 'P-1', receivedAt, actionReplyDueAt: '2026-04-01T00:00:00.000Z' }) as ComplaintEvent;
  const document = projection.evolve(null, event, number);
  if (document === null) throw new Error('a registration makes a document');
  return document;
}

/** A reply that takes what is sent and reads it to the end, as a client on a fast link would. */
function replyCollecting(): { reply: FastifyReply; received: () => number } {
  let bytes = 0;
  const reply = {
    header: () => reply,
    send: (stream: NodeJS.ReadableStream) =>
      new Promise<void>((resolve, reject) => {
        const sink = new Writable({
          write(chunk: Buffer, _encoding, done) {
            bytes += chunk.length;
            done();
          },
        });
        stream.pipe(sink).on('finish', resolve).on('error', reject);
      }),
  };
  return { reply: reply as unknown as FastifyReply, received: () => bytes };
}

describe('exporting the complaint lists', () => {
  const documents = Array.from({ length: 400 }, (_, index) => registered(index));

  it.each([
    ['xlsx', 2, 40],
    ['csv', 1, 4],
  ] as const)('gives the event loop turns while it writes the rows as %s, so that the server keeps answering', async (format, lists, turnsAtLeast) => {
    let turns = 0;
    let exporting = true;
    const countTurns = (): void => {
      turns += 1;
      if (exporting) setImmediate(countTurns);
    };
    /** The turns taken while each sheet's rows were read, as a SQLite page is: at once. */
    const turnsWhileReading: number[] = [];
    async function* rows(): AsyncGenerator<ComplaintDocument> {
      const before = turns;
      yield* documents;
      turnsWhileReading.push(turns - before);
    }
    const request: ComplaintExportRequest = {
      format,
      list: 'master',
      lang: 'zh-CN',
      timeZone: 'Asia/Shanghai',
      asOf: '2026-04-15T00:00:00.000Z',
      position: 1,
      rows,
      documents: rows,
    };
    setImmediate(countTurns);
    const { reply, received } = replyCollecting();
    await exportComplaints(reply, request);
    exporting = false;
    expect(received()).toBeGreaterThan(0);
    // The workbook holds both lists, a CSV one; each: a turn at least every ten rows (xlsx) or every hundred lines (CSV).
    expect(turnsWhileReading).toHaveLength(lists);
    for (const taken of turnsWhileReading) expect(taken).toBeGreaterThanOrEqual(turnsAtLeast);
  });
});

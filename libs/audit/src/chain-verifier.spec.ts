import { ChainVerifier } from './chain-verifier';
import { eventHash, GENESIS_HASH } from './hash-chain';

interface Stored {
  streamId: string;
  revision: number;
  id: string;
  type: string;
  data: Record<string, unknown>;
  metadata: Record<string, unknown>;
  position: number;
}

/** Chained events of several streams, interleaved in the order given, as a global log. */
function globalLog(order: readonly string[]): Stored[] {
  const heads = new Map<string, { revision: number; hash: string }>();
  return order.map((streamId, index) => {
    const head = heads.get(streamId) ?? { revision: -1, hash: GENESIS_HASH };
    const revision = head.revision + 1;
    const draft = { streamId, revision, id: `${streamId}#${revision}`, type: 'Happened', data: { n: index }, metadata: { previousHash: head.hash } };
    const hash = eventHash(draft, head.hash);
    heads.set(streamId, { revision, hash });
    return { ...draft, metadata: { ...draft.metadata, hash }, position: index + 1 };
  });
}

function run(log: readonly Stored[]) {
  const verifier = new ChainVerifier();
  const found = log.map((event) => verifier.check(event)).filter((result) => result !== undefined);
  return { found, summary: verifier.summary() };
}

describe('ChainVerifier (one pass over the global log)', () => {
  const order = ['complaint-A', 'return-B', 'complaint-A', 'complaint-A', 'return-B', 'complaint-A'];

  it('proves interleaved streams unaltered', () => {
    const { summary } = run(globalLog(order));
    expect(summary).toEqual({ ok: true, streamsChecked: 2, eventsChecked: 6, unchainedStreams: 0, breaks: [] });
  });

  it('names the first altered event of each tampered stream and keeps checking the others', () => {
    const log = globalLog(order).map((event) =>
      event.streamId === 'complaint-A' && event.revision === 1 ? { ...event, data: { n: 'changed' } } : event,
    );
    const { summary } = run(log);
    expect(summary.ok).toBe(false);
    expect(summary.breaks).toEqual([
      { streamId: 'complaint-A', revision: 1, eventId: 'complaint-A#1', position: 3, reason: expect.stringContaining('altered') },
    ]);
    expect(summary.eventsChecked).toBe(6);
  });

  it('reports a break in a second stream as well', () => {
    const log = globalLog(order).map((event) => {
      if (event.streamId === 'complaint-A' && event.revision === 3) return { ...event, type: 'Renamed' };
      if (event.streamId === 'return-B' && event.revision === 0) return { ...event, metadata: { ...event.metadata, hash: 'f'.repeat(64) } };
      return event;
    });
    expect(run(log).summary.breaks.map((found) => [found.streamId, found.revision])).toEqual([
      ['return-B', 0],
      ['complaint-A', 3],
    ]);
  });

  it('names a removed event by the gap it leaves', () => {
    const log = globalLog(order).filter((event) => !(event.streamId === 'complaint-A' && event.revision === 2));
    expect(run(log).summary.breaks[0]).toMatchObject({ streamId: 'complaint-A', revision: 3, reason: expect.stringContaining('expected revision 2') });
  });

  it('refuses a stream whose events carry no hash, unless it is unchained by design', () => {
    const bare = (streamId: string, revision: number, position: number): Stored => ({
      streamId,
      revision,
      id: `${streamId}#${revision}`,
      type: 'IdempotencyKeyUsed',
      data: {},
      metadata: {},
      position,
    });
    const { summary } = run([bare('idempotency-abc', 0, 1), bare('complaint-X', 0, 2)]);
    expect(summary.unchainedStreams).toBe(1);
    expect(summary.breaks).toEqual([expect.objectContaining({ streamId: 'complaint-X', revision: 0 })]);
  });
});

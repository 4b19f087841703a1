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

  describe('with a bound on the links it keeps', () => {
    /** The pass of verifyStore: a stream let go resumed from its last event below, as the store holds it. */
    function runBounded(log: readonly Stored[], rememberedStreams: number) {
      const verifier = new ChainVerifier({ rememberedStreams });
      let resumed = 0;
      const found = log
        .map((event) => {
          if (verifier.needsPrevious(event)) {
            resumed += 1;
            const before = log.filter((other) => other.streamId === event.streamId && other.revision < event.revision);
            verifier.resume(event.streamId, before.at(-1));
          }
          return verifier.check(event);
        })
        .filter((result) => result !== undefined);
      return { found, summary: verifier.summary(), resumed };
    }

    const interleaved = ['complaint-A', 'return-B', 'idempotency-k', 'complaint-A', 'delivery-C', 'return-B', 'complaint-A', 'delivery-D', 'idempotency-k', 'complaint-A', 'return-B'];
    const tamperings: Record<string, (log: Stored[]) => Stored[]> = {
      none: (log) => log,
      altered: (log) => log.map((event) => (event.streamId === 'complaint-A' && event.revision === 2 ? { ...event, data: { n: 'changed' } } : event)),
      removed: (log) => log.filter((event) => !(event.streamId === 'return-B' && event.revision === 1)),
      'first removed': (log) => log.filter((event) => !(event.streamId === 'complaint-A' && event.revision === 0)),
      'hash stripped': (log) => log.map((event) => (event.streamId === 'return-B' && event.revision === 2 ? { ...event, metadata: { previousHash: event.metadata['previousHash'] } } : event)),
      'two streams': (log) =>
        log.map((event) => (event.revision === 1 && (event.streamId === 'complaint-A' || event.streamId === 'return-B') ? { ...event, type: 'Renamed' } : event)),
    };

    it.each(Object.keys(tamperings))('gives the verdict of an unbounded pass, letting streams go and resuming them (%s)', (name) => {
      const log = (tamperings[name] as (log: Stored[]) => Stored[])(globalLog(interleaved));
      const bounded = runBounded(log, 1);
      expect(bounded.summary).toEqual(run(log).summary);
      expect(bounded.found).toEqual(run(log).found);
      // With one link kept, a stream's next event mostly comes after another stream's: resumed.
      expect(bounded.resumed).toBeGreaterThanOrEqual(3);
    });

    it('lets the least recently checked stream go first', () => {
      const verifier = new ChainVerifier({ rememberedStreams: 2 });
      for (const event of globalLog(['complaint-A', 'return-B', 'complaint-A', 'delivery-C'])) verifier.check(event);
      expect(verifier.needsPrevious({ streamId: 'return-B', revision: 1 })).toBe(true);
      expect(verifier.needsPrevious({ streamId: 'complaint-A', revision: 2 })).toBe(false);
      expect(verifier.needsPrevious({ streamId: 'delivery-C', revision: 1 })).toBe(false);
      // A first event needs nothing before it.
      expect(verifier.needsPrevious({ streamId: 'survey-E', revision: 0 })).toBe(false);
    });

    it('never resumes a stream it found broken', () => {
      const log = tamperings.altered!(globalLog(interleaved));
      const verifier = new ChainVerifier({ rememberedStreams: 1 });
      for (const event of log.filter((event) => event.streamId === 'complaint-A' && event.revision <= 2)) verifier.check(event);
      expect(verifier.needsPrevious({ streamId: 'complaint-A', revision: 3 })).toBe(false);
      verifier.resume('complaint-A', log.find((event) => event.streamId === 'complaint-A' && event.revision === 2));
      expect(verifier.check(log.find((event) => event.streamId === 'complaint-A' && event.revision === 3)!)).toBeUndefined();
      expect(verifier.summary().breaks).toHaveLength(1);
    });
  });
});

import { eventHash, GENESIS_HASH, verifyChain, type HashableEvent } from './hash-chain';

function chain(streamId: string, payloads: readonly Record<string, unknown>[]): HashableEvent[] {
  const events: HashableEvent[] = [];
  let previousHash = GENESIS_HASH;
  payloads.forEach((data, revision) => {
    const draft = { streamId, revision, id: `e${revision}`, type: 'Happened', data, metadata: { previousHash } };
    const hash = eventHash(draft, previousHash);
    events.push({ ...draft, metadata: { ...draft.metadata, hash } });
    previousHash = hash;
  });
  return events;
}

describe('hash chain', () => {
  const events = chain('complaint-CC-2026-0001', [{ a: 1 }, { b: '抱怨' }, { c: [1, 2] }]);

  it('proves an unaltered stream', () => {
    expect(verifyChain('complaint-CC-2026-0001', events)).toMatchObject({ ok: true, eventCount: 3 });
  });

  it('does not depend on key order', () => {
    const reordered = events.map((event) => ({ ...event, metadata: { hash: event.metadata['hash'], previousHash: event.metadata['previousHash'] } }));
    expect(verifyChain('complaint-CC-2026-0001', reordered).ok).toBe(true);
  });

  it('names the first altered event', () => {
    const altered = events.map((event, index) => (index === 1 ? { ...event, data: { b: 'changed' } } : event));
    expect(verifyChain('complaint-CC-2026-0001', altered)).toMatchObject({ ok: false, firstBadRevision: 1, firstBadEventId: 'e1' });
  });

  it('names a removed event by the gap it leaves', () => {
    const removed = [events[0]!, events[2]!];
    expect(verifyChain('complaint-CC-2026-0001', removed)).toMatchObject({ ok: false, firstBadRevision: 2 });
  });

  it('detects a forged hash that no longer links', () => {
    const forged = events.map((event, index) =>
      index === 2 ? { ...event, metadata: { ...event.metadata, previousHash: GENESIS_HASH } } : event,
    );
    expect(verifyChain('complaint-CC-2026-0001', forged)).toMatchObject({ ok: false, firstBadRevision: 2 });
  });
});

import {
  type SerializedWrite,
  type WriteOutcome,
  decodeOutcomes,
  decodeWrites,
  encodeOutcomes,
  encodeWrites,
} from './sqlite-writer-protocol';

const write = (
  streamId: string,
  expectedRevision: SerializedWrite['expectedRevision'],
  count: number,
): SerializedWrite => ({
  streamId,
  expectedRevision,
  events: Array.from({ length: count }, (_, index) => ({
    id: `${streamId}-${index}`,
    type: `Type${index}`,
    data: JSON.stringify({ index, text: '中文 😀' }),
    metadata: '{}',
  })),
});

describe('the writer protocol', () => {
  it('hands writes over unchanged, whatever their expected revision and number of events', () => {
    const writes = [
      write('a', 'any', 1),
      write('b', 'no_stream', 3),
      write('c', 'stream_exists', 2),
      write('d', 0, 1),
      write('e', 41, 5),
      { ...write('f', 'no_stream', 1), withPrevious: true },
      { ...write('g', 'no_stream', 1), stopAtRefusal: true },
      { ...write('h', 'no_stream', 1), withPrevious: true, stopAtRefusal: true },
    ];
    expect(decodeWrites(encodeWrites(writes))).toEqual(writes);
    expect(decodeWrites(encodeWrites([]))).toEqual([]);
  });

  it('hands the outcomes of several requests back in their order, refusals included', () => {
    const first: WriteOutcome[] = [
      { ok: true, result: { nextExpectedRevision: 0, position: 7 } },
      { ok: false, conflict: { kind: 'wrong_version', streamId: 'b', expected: 2, actual: 'no_stream' } },
    ];
    const second: WriteOutcome[] = [
      { ok: false, conflict: { kind: 'idempotency', streamId: 'c', detail: 'taken' } },
      { ok: true, result: { nextExpectedRevision: 4, position: 12 } },
      { ok: true, result: { nextExpectedRevision: 1, position: 13 } },
    ];
    const encoded = encodeOutcomes([first, second]);

    const one = decodeOutcomes(encoded, 0, first.length);
    const two = decodeOutcomes(encoded, one.next, second.length);
    expect(one.outcomes).toEqual(first);
    expect(two.outcomes).toEqual(second);
    expect(two.next).toBe(encoded.length);
  });

  it('refuses to make up outcomes the writer did not send', () => {
    const encoded = encodeOutcomes([[{ ok: true, result: { nextExpectedRevision: 0, position: 1 } }]]);
    expect(() => decodeOutcomes(encoded, 0, 2)).toThrow(/fewer outcomes than writes/);
  });
});

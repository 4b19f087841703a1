import { selectAsOf, type AsOfCandidate } from './as-of';

const event = (revision: number, recordedAt: string, occurredAt: string | null): AsOfCandidate => ({
  revision,
  recordedAt: new Date(recordedAt),
  occurredAt,
});

describe('selectAsOf', () => {
  // Revision 2 was typed on 5 March but back-dated to 1 March.
  const events = [
    event(0, '2026-03-01T08:00:00Z', '2026-03-01T07:00:00Z'),
    event(1, '2026-03-02T08:00:00Z', '2026-03-02T08:00:00Z'),
    event(2, '2026-03-05T08:00:00Z', '2026-03-01T12:00:00Z'),
    event(3, '2026-03-06T08:00:00Z', null),
  ];
  const revisions = (selected: readonly AsOfCandidate[]) => selected.map((candidate) => candidate.revision);

  it('takes the events up to a revision', () => {
    expect(revisions(selectAsOf(events, { kind: 'revision', revision: 1 }).included)).toEqual([0, 1]);
  });

  it('by recorded time shows what the record said then, without later back-dated entries', () => {
    const selection = selectAsOf(events, { kind: 'time', basis: 'recorded', at: new Date('2026-03-03T00:00:00Z') });
    expect(revisions(selection.included)).toEqual([0, 1]);
    expect(selection.backdated).toEqual([]);
  });

  it('by recorded time includes an event committed exactly at the instant', () => {
    const selection = selectAsOf(events, { kind: 'time', basis: 'recorded', at: new Date('2026-03-05T08:00:00Z') });
    expect(revisions(selection.included)).toEqual([0, 1, 2]);
  });

  it('by recorded time is a prefix even if the store clock stepped back', () => {
    const skewed = [event(0, '2026-03-01T08:00:00Z', null), event(1, '2026-03-04T08:00:00Z', null), event(2, '2026-03-02T08:00:00Z', null)];
    expect(revisions(selectAsOf(skewed, { kind: 'time', basis: 'recorded', at: new Date('2026-03-03T00:00:00Z') }).included)).toEqual([0]);
  });

  it('by business time includes back-dated entries and names them', () => {
    const selection = selectAsOf(events, { kind: 'time', basis: 'business', at: new Date('2026-03-01T23:59:59Z') });
    expect(revisions(selection.included)).toEqual([0, 2]);
    expect(revisions(selection.backdated)).toEqual([2]);
  });

  it('is empty before the first event', () => {
    expect(selectAsOf(events, { kind: 'time', basis: 'recorded', at: new Date('2026-02-01T00:00:00Z') }).included).toEqual([]);
  });
});

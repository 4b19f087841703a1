import type { RecordedEvent } from '@qms/event-store';
import { toHistoryEntry } from './history';

const recorded: RecordedEvent = {
  id: 'a1b2',
  streamId: 'complaint-CC-2026-0001',
  type: 'ComplaintAssigned',
  data: { complaintNumber: 'CC-2026-0001', department: 'assembly', occurredAt: '2026-03-02T02:00:00.000Z' },
  metadata: {
    actor: { userId: 'li', role: 'quality' },
    correlationId: 'corr-1',
    causationId: 'cause-1',
    commandType: 'AssignComplaint',
    schemaVersion: 1,
    previousHash: 'p'.repeat(64),
    hash: 'h'.repeat(64),
  },
  revision: 1,
  position: 42,
  recordedAt: new Date('2026-03-02T02:00:05.123Z'),
};

describe('toHistoryEntry', () => {
  it('shows business and recorded time, the actor and the tracing ids', () => {
    expect(toHistoryEntry(recorded)).toEqual({
      revision: 1,
      position: 42,
      eventId: 'a1b2',
      type: 'ComplaintAssigned',
      occurredAt: '2026-03-02T02:00:00.000Z',
      recordedAt: '2026-03-02T02:00:05.123Z',
      actor: { userId: 'li', role: 'quality' },
      correlationId: 'corr-1',
      causationId: 'cause-1',
      idempotencyKey: null,
      commandType: 'AssignComplaint',
      schemaVersion: 1,
      previousHash: 'p'.repeat(64),
      hash: 'h'.repeat(64),
      data: recorded.data,
    });
  });

  it('takes business time from the upcast data and shows the data as written', () => {
    const old = { ...recorded, data: { complaintNumber: 'CC-2026-0001', when: 'x' } };
    const entry = toHistoryEntry(old, { occurredAt: '2026-01-01T00:00:00.000Z' });
    expect(entry.occurredAt).toBe('2026-01-01T00:00:00.000Z');
    expect(entry.data).toEqual(old.data);
  });

  it('tolerates records written without the command metadata', () => {
    const bare = toHistoryEntry({ ...recorded, metadata: { actor: { userId: 'x' } }, data: {} });
    expect(bare).toMatchObject({ actor: null, correlationId: null, schemaVersion: null, hash: null, occurredAt: null });
  });
});

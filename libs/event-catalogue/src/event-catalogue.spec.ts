import type { RecordedEvent } from '@qms/event-store';
import { defaultEventCatalogue } from './default-catalogue';

function recorded(type: string, data: Record<string, unknown>, schemaVersion: number): RecordedEvent {
  return {
    id: 'e1',
    streamId: 'complaint-CC-2025-0001',
    type,
    data: data as RecordedEvent['data'],
    metadata: { schemaVersion },
    revision: 0,
    position: 1,
    recordedAt: new Date('2025-01-01T00:00:00Z'),
  };
}

describe('event catalogue', () => {
  const catalogue = defaultEventCatalogue();

  it('declares a schema version for every event type the domains write', () => {
    expect(catalogue.schemaVersion('ComplaintRegistered')).toBeGreaterThanOrEqual(2);
    expect(catalogue.schemaVersion('DeliveryRecorded')).toBeGreaterThanOrEqual(1);
    expect(catalogue.schemaVersion('ReturnReceived')).toBeGreaterThanOrEqual(1);
    expect(catalogue.schemaVersion('SurveyIssued')).toBeGreaterThanOrEqual(1);
  });

  it('passes unknown types (idempotency records) through unchanged', () => {
    expect(catalogue.decode(recorded('IdempotencyKeyUsed', { streamId: 'x' }, 1))).toEqual({ type: 'IdempotencyKeyUsed', data: { streamId: 'x' } });
  });

  it('refuses an event written by newer code instead of misreading it', () => {
    expect(() => catalogue.decode(recorded('ComplaintAssigned', {}, 99))).toThrow(/newer than this code reads/);
  });
});

import { customerNotificationStreamId } from '@qms/complaint-domain';
import { deliveryStreamId } from '@qms/delivery-domain';
import { returnStreamId } from '@qms/return-domain';
import { surveyStreamId } from '@qms/survey-domain';
import { folderFor } from './stream-folders';

describe('folderFor (which decider rebuilds a stream)', () => {
  it.each([
    ['complaint-CC-2026-0001-1', 'complaint'],
    [customerNotificationStreamId('2b1c'), 'customer-notification'],
    [returnStreamId('R-7'), 'return'],
    [surveyStreamId('2026-H1'), 'survey'],
    [deliveryStreamId('SO-1', '10'), 'delivery'],
  ])('maps %s to the %s decider', (streamId, kind) => {
    expect(folderFor(streamId)?.kind).toBe(kind);
  });

  it('knows no decider for infrastructure streams', () => {
    expect(folderFor('idempotency-abc')).toBeUndefined();
  });

  it('lets each folder take only its own event types', () => {
    const complaint = folderFor('complaint-CC-2026-0001');
    expect(complaint?.handles('ComplaintRegistered')).toBe(true);
    expect(complaint?.handles('CustomerNotificationReceived')).toBe(false);
    expect(complaint?.handles('IdempotencyKeyUsed')).toBe(false);
    expect(folderFor(returnStreamId('R-1'))?.handles('ComplaintRegistered')).toBe(false);
  });

  it('starts every record from the decider state before its first event', () => {
    for (const streamId of ['complaint-CC-2026-0001', returnStreamId('R-1'), surveyStreamId('2026-H1')]) {
      expect(folderFor(streamId)?.initialState()).toEqual({ status: 'none' });
    }
  });
});

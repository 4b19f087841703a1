import { COMPLAINT_EVENT_SCHEMA_VERSIONS, type ComplaintRegisteredData, type RootCauseRecordedData } from './events';
import { given } from './spec-fixtures';
import { UnknownEventVersionError, upcastComplaintEvent } from './upcast';

describe('upcastComplaintEvent', () => {
  const current = given.registered().data as ComplaintRegisteredData;

  it('lifts ComplaintRegistered v1 (customer, no channel) to v2 (customerId, channel phone)', () => {
    const { customerId, channel, ...unchanged } = current;
    expect(channel).not.toBe('phone');
    const v1 = { ...unchanged, customer: ` ${customerId} ` };
    expect(upcastComplaintEvent('ComplaintRegistered', 1, v1)).toEqual({
      type: 'ComplaintRegistered',
      data: { ...unchanged, customerId, channel: 'phone' },
    });
  });

  it('lifts RootCauseRecorded v1 (occurrence cause only) to v2 with no escape cause', () => {
    const { escapeDescription, ...v1 } = given.rootCause().data as RootCauseRecordedData;
    expect(escapeDescription).toBeNull();
    expect(upcastComplaintEvent('RootCauseRecorded', 1, v1)).toEqual({
      type: 'RootCauseRecorded',
      data: { ...v1, escapeDescription: null },
    });
  });

  it('leaves current versions as they are', () => {
    expect(upcastComplaintEvent('ComplaintRegistered', 2, current)).toEqual({ type: 'ComplaintRegistered', data: current });
    const assigned = given.assigned();
    expect(upcastComplaintEvent(assigned.type, 1, assigned.data as never)).toEqual(assigned);
  });

  it('refuses versions newer than this code and unknown types', () => {
    expect(() =>
      upcastComplaintEvent('ComplaintRegistered', COMPLAINT_EVENT_SCHEMA_VERSIONS.ComplaintRegistered + 1, current),
    ).toThrow(UnknownEventVersionError);
    expect(() => upcastComplaintEvent('ComplaintRegistered', 0, current)).toThrow(UnknownEventVersionError);
    expect(() => upcastComplaintEvent('ShipmentSent', 1, {})).toThrow(UnknownEventVersionError);
  });
});

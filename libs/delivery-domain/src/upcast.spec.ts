import { DELIVERY_EVENT_SCHEMA_VERSIONS, DELIVERY_EVENT_TYPES } from './events';
import { upcastDeliveryEvent } from './upcast';

describe('upcastDeliveryEvent', () => {
  it('declares a version for every event type', () => {
    expect(DELIVERY_EVENT_TYPES).toEqual(['DeliveryRecorded', 'DeliveryCorrected']);
    expect(DELIVERY_EVENT_SCHEMA_VERSIONS).toEqual({ DeliveryRecorded: 1, DeliveryCorrected: 1 });
  });

  it('returns a current payload unchanged and refuses unknown types or newer versions', () => {
    const data = { orderNo: 'O' };
    expect(upcastDeliveryEvent('DeliveryRecorded', 1, data)).toBe(data);
    expect(() => upcastDeliveryEvent('DeliveryShipped', 1, data)).toThrow(/Unknown delivery event type/);
    expect(() => upcastDeliveryEvent('DeliveryRecorded', 3, data)).toThrow(/current version is 1/);
  });
});

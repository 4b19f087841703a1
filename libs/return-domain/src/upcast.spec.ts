import { RETURN_EVENT_SCHEMA_VERSIONS, RETURN_EVENT_TYPES } from './events';
import { received } from './spec-fixtures';
import { upcastReturnEvent } from './upcast';

describe('upcastReturnEvent', () => {
  it('declares a version for every event type', () => {
    expect(RETURN_EVENT_TYPES).toHaveLength(10);
    for (const type of RETURN_EVENT_TYPES)
      expect(RETURN_EVENT_SCHEMA_VERSIONS[type]).toBeGreaterThanOrEqual(1);
  });

  it('returns a current payload unchanged', () => {
    expect(upcastReturnEvent('ReturnReceived', 1, received.data)).toBe(received.data);
  });

  it('refuses unknown types and versions newer than this code', () => {
    expect(() => upcastReturnEvent('ReturnLost', 1, {})).toThrow(/Unknown return event type/);
    expect(() => upcastReturnEvent('ReturnReceived', 2, {})).toThrow(/current version is 1/);
  });
});

import { parseRecordedAt, toRecordedEvent } from './sqlite-event-rows';

describe('parseRecordedAt', () => {
  it.each([
    '2026-12-05T16:13:00.000Z',
    '2021-10-31T23:59:59.999Z',
    '2024-02-29T00:00:00.001Z',
    '1970-01-01T00:00:00.000Z',
    '0100-03-01T12:30:45.678Z',
    '9999-12-31T23:59:59.999Z',
  ])('reads %s as the general parser does', (text) => {
    expect(parseRecordedAt(text).getTime()).toBe(new Date(text).getTime());
    expect(parseRecordedAt(text).toISOString()).toBe(text);
  });

  it.each([
    ['a year before 100', '0050-06-15T10:00:00.000Z'],
    ['a time zone offset', '2026-12-05T16:13:00.000+08:00'],
    ['no milliseconds', '2026-12-05T16:13:00Z'],
    ['a date alone', '2026-12-05'],
  ])('leaves %s to the general parser', (_, text) => {
    expect(parseRecordedAt(text).getTime()).toBe(new Date(text).getTime());
  });

  it('gives an invalid date for text that is no date', () => {
    expect(Number.isNaN(parseRecordedAt('not a date at all').getTime())).toBe(true);
  });
});

describe('toRecordedEvent', () => {
  it('maps the columns in their selected order', () => {
    expect(
      toRecordedEvent([
        7,
        'a1b2c3d4-0000-4000-8000-000000000001',
        'complaint-1',
        2,
        'ThingHappened',
        '{"n":1,"文字":"中文"}',
        '{"actor":{"userId":"u"}}',
        '2026-12-05T16:13:00.123Z',
      ]),
    ).toEqual({
      id: 'a1b2c3d4-0000-4000-8000-000000000001',
      streamId: 'complaint-1',
      type: 'ThingHappened',
      data: { n: 1, 文字: '中文' },
      metadata: { actor: { userId: 'u' } },
      revision: 2,
      position: 7,
      recordedAt: new Date('2026-12-05T16:13:00.123Z'),
    });
  });
});

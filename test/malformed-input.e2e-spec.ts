import { EVENT_STORE, type EventStore } from '@qms/event-store';
import { startTestApp, type TestApp } from './support/test-app';

/*
 * DESIGN §11: every malformed input is a 4xx naming the field, and nothing is appended. Each case
 * below answered 5xx or was stored (rolled over, or as garbage) before the shared input rules.
 */

const complaint = {
  customerId: 'ACME',
  customerContact: 'Li Wei',
  partNo: 'P-100',
  lot: 'L-1',
  defectDescription: 'scratch on the housing',
  quantityAffected: 12,
  severity: 'normal',
  channel: 'email',
  receivedAt: '2026-02-10T09:00:00+08:00',
  returnNeeded: false,
  customerProductionAffected: false,
};

describe('malformed input is a 4xx naming the field, nothing appended', () => {
  let api: TestApp;
  beforeAll(async () => {
    api = await startTestApp();
  });
  afterAll(async () => {
    await api.close();
  });

  // The log itself: the read models follow it a moment later, and a lagging list would hide an append.
  const head = () => api.app.get<EventStore>(EVENT_STORE).headPosition();
  const register = (body: unknown) => api.request('POST', '/complaints', { key: 'dev-sales', body });
  const raw = (payload: string | Buffer, contentType: string) =>
    api.app.inject({
      method: 'POST',
      url: '/complaints',
      headers: { authorization: 'Bearer dev-sales', 'content-type': contentType },
      payload,
    });

  it('accepts the well-formed complaint the cases below spoil', async () => {
    expect((await register(complaint)).status).toBe(201);
  });

  it.each([
    ['hour 25', 'receivedAt', '2026-02-10T25:00:00Z', /25:00:00 is not a time of day/],
    ['offset +25:00', 'receivedAt', '2026-02-10T09:00:00+25:00', /offset \+25:00 is not a UTC offset/],
    ['30 February', 'receivedAt', '2026-02-30T10:00:00Z', /day 30 does not exist in 2026-02/],
    ['31 November', 'customerDeadline', '2026-11-31T10:00:00Z', /day 31 does not exist in 2026-11/],
    ['year 1', 'receivedAt', '0001-01-01T00:00:00Z', /year 1 is outside 2000–2100/],
    ['quantity 1e308', 'quantityAffected', 1e308, /must not be greater than 1000000000/],
    ['NUL in an identifier', 'customerId', 'a\u0000b', /control character \(U\+0000\)/],
    ['lone surrogate', 'customerId', 'a\ud800b', /lone surrogate \(U\+D800\)/],
  ])('%s → 400 naming %s', async (_case, field, value, message) => {
    const before = await head();
    const response = await register({ ...complaint, [field]: value });
    expect(response.status).toBe(400);
    expect(response.body.fields).toEqual([{ field, message: expect.stringMatching(message) }]);
    expect(await head()).toBe(before);
  });

  it('refuses impossible dates in step commands too (occurredAt 31 November)', async () => {
    const created = await register({ ...complaint, lot: 'L-2' });
    const response = await api.request('POST', `/complaints/${created.body.number}/assignment`, {
      key: 'dev-quality',
      body: { department: 'assembly', occurredAt: '2026-11-31T10:00:00Z' },
    });
    expect(response.status).toBe(400);
    expect(response.body.fields).toEqual([{ field: 'occurredAt', message: expect.stringMatching(/day 31 does not exist/) }]);
  });

  it('refuses a promised date in year 1 and a delivery quantity of 10^12', async () => {
    const response = await api.request('POST', '/deliveries', {
      key: 'dev-sales',
      body: { customerId: 'A', orderNo: 'O', lineNo: '1', partNo: 'P', quantity: 1e12, promisedDate: '0001-01-01', deliveredAt: '2026-02-10T06:00:00Z' },
    });
    expect(response.status).toBe(400);
    expect(response.body.fields.map((error: { field: string }) => error.field).sort()).toEqual(['promisedDate', 'quantity']);
  });

  it.each(['/complaints', '/complaints/tracking', '/complaints/export'])(
    'GET %s?receivedFrom=…T25:00:00Z → 400 naming receivedFrom',
    async (path) => {
      const response = await api.request('GET', `${path}?receivedFrom=2026-11-21T25:00:00Z`, { key: 'dev-quality' });
      expect(response.status).toBe(400);
      expect(response.body.fields).toEqual([{ field: 'receivedFrom', message: expect.stringMatching(/not a time of day/) }]);
    },
  );

  it('a survey answer without its scores or respondent → 400, not a crash', async () => {
    const response = await api.request('POST', '/surveys/2026-H1/responses', { key: 'dev-sales', body: { customerId: 'ACME' } });
    expect(response.status).toBe(400);
    expect(response.body.fields.map((error: { field: string }) => error.field)).toEqual(expect.arrayContaining(['scores', 'respondent']));
  });

  it('JSON nested 5,000 deep (or 100,000 nested arrays) → 400, not a stack overflow', async () => {
    for (const body of ['{"a":'.repeat(5000) + '1' + '}'.repeat(5000), '['.repeat(100_000) + ']'.repeat(100_000)]) {
      const response = await raw(body, 'application/json');
      expect(response.statusCode).toBe(400);
      expect(response.json()).toMatchObject({ code: 'VALIDATION_FAILED', fields: [{ field: 'body', message: expect.stringMatching(/deeper than 64/) }] });
    }
  });

  it('a JSON body over a megabyte → 413', async () => {
    const response = await raw(JSON.stringify({ ...complaint, defectDescription: 'x'.repeat(1_100_000) }), 'application/json');
    expect(response.statusCode).toBe(413);
    expect(response.json()).toMatchObject({ statusCode: 413, code: 'PAYLOAD_TOO_LARGE' });
  });

  it.each(['text/csv', 'text/plain', 'application/x-www-form-urlencoded', 'application/xml'])(
    'a JSON endpoint sent %s → 415',
    async (contentType) => {
      const response = await raw('a,b\n1,2', contentType);
      expect(response.statusCode).toBe(415);
      expect(response.json()).toMatchObject({ statusCode: 415, code: 'UNSUPPORTED_MEDIA_TYPE' });
    },
  );

  it('checks the request after the key and the role: 401 without a key and 403 for a wrong role, whatever else is wrong', async () => {
    const send = (headers: Record<string, string>) =>
      api.app.inject({ method: 'POST', url: '/complaints', headers: { 'content-type': 'text/csv', 'x-correlation-id': 'not a token', ...headers }, payload: 'a,b' });
    expect((await send({})).statusCode).toBe(401);
    expect((await send({ authorization: 'Bearer dev-quality' })).statusCode).toBe(403);
    expect((await send({ authorization: 'Bearer dev-sales' })).statusCode).toBe(400);
    expect((await send({ authorization: 'Bearer dev-sales', 'x-correlation-id': 'c-1' })).statusCode).toBe(415);
  });

  it('a malformed tracing header → 400 naming it, on a route that does not use it', async () => {
    const response = await api.app.inject({
      method: 'GET',
      url: '/complaints',
      headers: { authorization: 'Bearer dev-quality', 'x-correlation-id': 'not a token' },
    });
    expect(response.statusCode).toBe(400);
    expect(JSON.stringify(response.json())).toContain('X-Correlation-Id');
  });

  it('JSON that is not valid UTF-8 → 400', async () => {
    const body = Buffer.concat([Buffer.from('{"customerId":"'), Buffer.from([0xc9, 0xcf, 0xba, 0xa3]), Buffer.from('"}')]);
    const response = await raw(body, 'application/json');
    expect(response.statusCode).toBe(400);
    expect(response.json().message).toMatch(/not valid UTF-8/);
  });
});

import { startTestApp, type TestApp } from './support/test-app';

const registration = {
  customerId: 'ACME',
  customerContact: 'Li Wei',
  partNo: 'P-100',
  lot: 'L-2026-07',
  defectDescription: 'Burr on the flange edge',
  quantityAffected: 12,
  severity: 'urgent',
  channel: 'email',
  receivedAt: '2026-03-06T17:00:00+08:00',
  returnNeeded: true,
  customerProductionAffected: false,
};

describe('complaint commands over HTTP (embedded default)', () => {
  let api: TestApp;
  beforeAll(async () => {
    api = await startTestApp();
  });
  afterAll(async () => {
    await api.close();
  });

  const register = (body: unknown = registration, headers: Record<string, string> = {}) =>
    api.request('POST', '/complaints', { key: 'dev-sales', body, headers });

  it('registers a complaint with a yearly number, deadlines written, and a consistency token', async () => {
    const response = await register();
    expect(response.status).toBe(201);
    expect(response.body.complaintNumber).toMatch(/^CC-2026-\d{4}$/);
    expect(response.body.revision).toBe(0);
    expect(response.body.position).toBeGreaterThan(0);
    expect(response.headers['etag']).toBe('"0"');
  });

  it('answers 401 without a key and with an unknown key', async () => {
    expect((await api.request('POST', '/complaints', { body: registration })).status).toBe(401);
    expect((await api.request('POST', '/complaints', { key: 'nope-nope', body: registration })).status).toBe(401);
  });

  it('answers 403 to a role that may not register, before looking at the body', async () => {
    const response = await api.request('POST', '/complaints', { key: 'dev-warehouse', body: {} });
    expect(response.status).toBe(403);
    expect(response.body.code).toBe('FORBIDDEN');
  });

  it('answers 400 naming each bad field and unknown fields, and appends nothing', async () => {
    const before = await register();
    const bad = { ...registration, quantityAffected: 0, severity: 'critical', receivedAt: '2026-03-06 17:00', hacker: true };
    const response = await register(bad);
    expect(response.status).toBe(400);
    const fields = (response.body.fields as { field: string }[]).map((error) => error.field).sort();
    expect(fields).toEqual(expect.arrayContaining(['hacker', 'quantityAffected', 'receivedAt', 'severity']));
    const after = await register();
    const sequence = (number: string) => Number(number.split('-')[2]);
    expect(sequence(after.body.complaintNumber)).toBe(sequence(before.body.complaintNumber) + 1);
  });

  it('refuses a received time in the future with 400', async () => {
    const response = await register({ ...registration, receivedAt: '2999-01-01T00:00:00Z' });
    expect(response.status).toBe(400);
    expect(JSON.stringify(response.body.fields)).toContain('receivedAt');
  });

  it('returns the first result for a retried Idempotency-Key and appends nothing', async () => {
    const first = await register(registration, { 'idempotency-key': 'retry-me-1' });
    const second = await register(registration, { 'idempotency-key': 'retry-me-1' });
    expect(first.status).toBe(201);
    expect(second.status).toBe(201);
    expect(second.body).toMatchObject({ complaintNumber: first.body.complaintNumber, revision: 0, position: first.body.position, replayed: true });
    const next = await register();
    expect(Number(next.body.complaintNumber.split('-')[2])).toBe(Number(first.body.complaintNumber.split('-')[2]) + 1);
  });

  it('gives 20 parallel registrations 20 distinct consecutive numbers', async () => {
    const responses = await Promise.all(Array.from({ length: 20 }, () => register()));
    expect(responses.map((response) => response.status)).toEqual(Array(20).fill(201));
    const sequences = responses.map((response) => Number(response.body.complaintNumber.split('-')[2])).sort((a, b) => a - b);
    expect(new Set(sequences).size).toBe(20);
    expect(sequences.at(-1)! - sequences[0]!).toBe(19);
  });

  describe('a registered complaint', () => {
    let number: string;
    beforeAll(async () => {
      number = (await register()).body.complaintNumber;
    });

    it('lets quality assign it and refuses the department role (403)', async () => {
      const denied = await api.request('POST', `/complaints/${number}/assignment`, { key: 'dev-department-assembly', body: { department: 'assembly' } });
      expect(denied.status).toBe(403);
      const assigned = await api.request('POST', `/complaints/${number}/assignment`, { key: 'dev-quality', body: { department: 'assembly' } });
      expect(assigned.status).toBe(200);
      expect(assigned.body.revision).toBe(1);
    });

    it('lets only the assigned department plan its actions (403 for another department)', async () => {
      const containment = await api.request('POST', `/complaints/${number}/containment`, {
        key: 'dev-quality',
        body: { description: '100 % sort of stock in the warehouse and in transit' },
      });
      expect(containment.status).toBe(200);
      const otherDepartment = await api.request('POST', `/complaints/${number}/root-cause`, {
        key: 'dev-department-molding',
        body: { category: 'machine', method: 'five_why', description: 'worn die', departmentExplanation: 'die past its life' },
      });
      expect(otherDepartment.status).toBe(403);
      const ownDepartment = await api.request('POST', `/complaints/${number}/root-cause`, {
        key: 'dev-department-assembly',
        body: { category: 'machine', method: 'five_why', description: 'worn die', departmentExplanation: 'die past its life' },
      });
      expect(ownDepartment.status).toBe(200);
    });

    it('answers 409 to a write based on a stale revision (If-Match) and appends nothing', async () => {
      const stale = await api.request('POST', `/complaints/${number}/responsibility`, {
        key: 'dev-quality',
        headers: { 'if-match': '"1"' },
        body: { responsibility: 'ours', explanation: 'die maintenance missed' },
      });
      expect(stale.status).toBe(409);
      expect(stale.body.code).toBe('CONCURRENCY_CONFLICT');
      const current = await api.request('POST', `/complaints/${number}/responsibility`, {
        key: 'dev-quality',
        headers: { 'if-match': '"3"' },
        body: { responsibility: 'ours', explanation: 'die maintenance missed' },
      });
      expect(current.status).toBe(200);
      expect(current.body.revision).toBe(4);
    });

    it('refuses an illegal step with 409 and a clear message', async () => {
      const close = await api.request('POST', `/complaints/${number}/closure`, { key: 'dev-quality', body: {} });
      expect(close.status).toBe(409);
      expect(close.body.code).toBe('ILLEGAL_STATE');
      expect(close.body.message.length).toBeGreaterThan(10);
    });

    it('refuses closing without PFMEA/control-plan answers on a corrective action (400 naming the field)', async () => {
      const response = await api.request('POST', `/complaints/${number}/corrective-actions`, {
        key: 'dev-department-assembly',
        body: { description: 'replace die', owner: 'Zhang San', dueAt: '2026-04-30', similarProductsCovered: ['P-101'], similarProcessesCovered: [] },
      });
      expect(response.status).toBe(400);
      const fields = (response.body.fields as { field: string }[]).map((error) => error.field);
      expect(fields).toEqual(expect.arrayContaining(['pfmea', 'controlPlan']));
    });
  });
});

describe('deadlines from the configured calendar (QMS_POLICY_FILE)', () => {
  let api: TestApp;
  beforeAll(async () => {
    const { mkdtempSync, writeFileSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const policyFile = join(mkdtempSync(join(tmpdir(), 'qms-policy-')), 'policy.json');
    writeFileSync(policyFile, JSON.stringify({ deadlines: { default: { timeZone: 'Asia/Shanghai', calendar: { holidays: ['2025-01-06'] } } } }));
    api = await startTestApp({ QMS_POLICY_FILE: policyFile });
  });
  afterAll(async () => {
    await api.close();
  });

  it('gives a complaint received Friday 17:00 Shanghai, with Monday a holiday, an action-reply deadline at the end of Thursday', async () => {
    const registered = await api.request('POST', '/complaints', {
      key: 'dev-sales',
      body: { ...registration, receivedAt: '2025-01-03T17:00:00+08:00' },
    });
    expect(registered.status).toBe(201);
    const row = await api.request('GET', `/complaints/${registered.body.complaintNumber}/row?minPosition=${registered.body.position}`, { key: 'dev-quality' });
    expect(row.status).toBe(200);
    // Mon 6 Jan is a holiday: Tue 7 = day 1, Wed 8 = day 2, Thu 9 = day 3, ending 23:59:59.999 local (UTC+8).
    expect(row.body.tracking.actionReply.dueAt).toBe('2025-01-09T15:59:59.999Z');
    // Containment: received + 24 clock hours.
    expect(row.body.tracking.containment.dueAt).toBe('2025-01-04T09:00:00.000Z');
  });
});

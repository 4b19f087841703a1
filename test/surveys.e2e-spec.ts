import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EVENT_STORE, type EventStore } from '@qms/event-store';
import { startTestApp, type TestApp } from './support/test-app';

const PERIOD = '2025-H2';
const customers = [
  { customerId: 'ACME', relationshipStart: '2019-04-01' },
  { customerId: 'BETA', relationshipStart: '2024-12-31' },
  { customerId: 'NEWCO', relationshipStart: '2025-03-01' },
];
const answer = (customerId: string, scores: Record<string, number>) => ({
  customerId,
  scores,
  comments: 'deliveries were late twice',
  respondent: { name: 'Li Wei', title: 'SQE' },
});

describe('survey commands over HTTP (embedded default)', () => {
  let api: TestApp;
  let store: EventStore;
  beforeAll(async () => {
    api = await startTestApp();
    store = api.app.get<EventStore>(EVENT_STORE);
  });
  afterAll(async () => {
    await api.close();
  });

  const post = (path: string, key: string, body: unknown, headers: Record<string, string> = {}) =>
    api.request('POST', `/surveys${path}`, { key, body, headers });
  const fields = (response: { body: { fields?: { field: string }[] } }) =>
    (response.body.fields ?? []).map((error) => error.field);

  it('lists the periods of the default half-yearly calendar', async () => {
    const response = await api.request('GET', '/surveys/calendar?year=2026', { key: 'dev-auditor' });
    expect(response.status).toBe(200);
    expect(
      response.body.periods.map((period: { periodId: string; issueDate: string }) => [
        period.periodId,
        period.issueDate,
      ]),
    ).toEqual([
      ['2026-H1', '2026-06-30'],
      ['2026-H2', '2026-12-31'],
    ]);
    expect(response.body).toMatchObject({ scale: { min: 1, max: 5 }, dissatisfiedBelow: 3 });
    expect((await api.request('GET', '/surveys/calendar?year=soon', { key: 'dev-auditor' })).status).toBe(
      400,
    );
  });

  it('runs a period: issue to customers due one, responses, countermeasure assigned and approved, close', async () => {
    const issued = await post('', 'dev-sales', { periodId: PERIOD, customers });
    expect(issued.status).toBe(201);
    expect(issued.headers['location']).toBe(`/surveys/${PERIOD}`);
    expect(issued.body.customers.map((customer: { customerId: string }) => customer.customerId)).toEqual([
      'ACME',
      'BETA',
    ]);
    expect(issued.body.excluded).toEqual([
      { customerId: 'NEWCO', relationshipStart: '2025-03-01', reason: 'regular_contact' },
    ]);

    expect(
      (await post(`/${PERIOD}/responses`, 'dev-sales', answer('ACME', { quality: 4, delivery: 2, price: 3 })))
        .status,
    ).toBe(201);
    expect(
      (await post(`/${PERIOD}/responses`, 'dev-sales', answer('BETA', { quality: 5, delivery: 4 }))).status,
    ).toBe(201);
    const notSurveyed = await post(`/${PERIOD}/responses`, 'dev-sales', answer('NEWCO', { quality: 5 }));
    expect(notSurveyed.status).toBe(409);
    expect(notSurveyed.body.message).toContain('regular contact');

    const early = await post(`/${PERIOD}/closure`, 'dev-sales', {});
    expect(early.status).toBe(409);
    expect(early.body.message).toContain('ACME/delivery');

    const countermeasure = {
      customerId: 'ACME',
      dimension: 'delivery',
      department: 'assembly',
      description: 'second shift on the packing line',
      dueDate: '2099-03-31',
    };
    const otherDepartment = await post(
      `/${PERIOD}/countermeasures`,
      'dev-department-molding',
      countermeasure,
    );
    expect(otherDepartment.status).toBe(403);
    const notDissatisfied = await post(`/${PERIOD}/countermeasures`, 'dev-quality', {
      ...countermeasure,
      dimension: 'price',
    });
    expect(notDissatisfied.status).toBe(409);
    const assigned = await post(`/${PERIOD}/countermeasures`, 'dev-department-assembly', countermeasure);
    expect(assigned.status).toBe(201);
    expect(assigned.body.countermeasureNo).toBe(1);

    expect((await post(`/${PERIOD}/closure`, 'dev-sales', {})).status).toBe(409);
    expect((await post(`/${PERIOD}/countermeasures/1/approval`, 'dev-quality', {})).status).toBe(403);
    const approved = await post(`/${PERIOD}/countermeasures/1/approval`, 'dev-management', { note: 'ok' });
    expect(approved.status).toBe(200);

    const corrected = await post(`/${PERIOD}/responses/BETA/correction`, 'dev-sales', {
      ...answer('BETA', { quality: 5, delivery: 5 }),
      customerId: undefined,
      reason: 'typo',
    });
    expect(corrected.status).toBe(200);

    const closed = await post(`/${PERIOD}/closure`, 'dev-sales', {});
    expect(closed.status).toBe(200);
    const events = await store.readStream(`survey-${PERIOD}`);
    expect(events.map((event) => event.type)).toEqual([
      'SurveyIssued',
      'SurveyResponseRecorded',
      'SurveyResponseRecorded',
      'CountermeasureAssigned',
      'CountermeasureApproved',
      'SurveyResponseCorrected',
      'SurveyPeriodClosed',
    ]);
    expect(events[1]!.data).toMatchObject({
      scores: { quality: 4, delivery: 2, price: 3 },
      dissatisfiedDimensions: ['delivery'],
    });
    expect(events[6]!.data).toMatchObject({
      respondedCustomerIds: ['ACME', 'BETA'],
      nonRespondentCustomerIds: [],
    });
    expect((await post(`/${PERIOD}/responses`, 'dev-sales', answer('ACME', { quality: 5 }))).status).toBe(
      409,
    );
  });

  it('answers 400 naming each bad field: scores off the scale, unknown dimensions, a bad period id', async () => {
    await post('', 'dev-sales', { periodId: '2025-H1', customers });
    const head = await store.headPosition();
    const bad = await post('/2025-H1/responses', 'dev-sales', {
      ...answer('ACME', { quality: 7, speed: 3 }),
      respondent: { title: 'SQE' },
      extra: 1,
    });
    expect(bad.status).toBe(400);
    expect(fields(bad)).toEqual(expect.arrayContaining(['scores.speed', 'respondent.name', 'extra']));
    const offScale = await post(
      '/2025-H1/responses',
      'dev-sales',
      answer('ACME', { quality: 7, delivery: 0 }),
    );
    expect(offScale.status).toBe(400);
    expect(fields(offScale).sort()).toEqual(['scores.delivery', 'scores.quality']);
    const badPeriod = await post('', 'dev-sales', { periodId: '2025-Q3', customers });
    expect(badPeriod.status).toBe(400);
    expect(fields(badPeriod)).toEqual(['periodId']);
    const badCustomers = await post('', 'dev-sales', {
      periodId: '2024-H1',
      customers: [{ customerId: 'A', relationshipStart: '1.1.2020' }],
    });
    expect(fields(badCustomers)).toEqual(['customers.0.relationshipStart']);
    expect(await store.headPosition()).toBe(head);
  });

  it('needs the customer list when the policy file names none', async () => {
    const response = await post('', 'dev-sales', { periodId: '2023-H1' });
    expect(response.status).toBe(400);
    expect(fields(response)).toEqual(['customers']);
  });

  it('answers 403 to roles outside the survey process', async () => {
    expect((await post('', 'dev-quality', {})).status).toBe(403);
    expect((await post(`/${PERIOD}/responses`, 'dev-warehouse', {})).status).toBe(403);
    expect((await post(`/${PERIOD}/countermeasures`, 'dev-sales', {})).status).toBe(403);
    expect((await post(`/${PERIOD}/closure`, 'dev-management', {})).status).toBe(403);
  });

  it('returns the first result for a retried issue (Idempotency-Key); issuing again without it is a 409', async () => {
    const first = await post(
      '',
      'dev-sales',
      { periodId: '2024-H2', customers },
      { 'idempotency-key': 'survey-2024-H2' },
    );
    const retry = await post(
      '',
      'dev-sales',
      { periodId: '2024-H2', customers },
      { 'idempotency-key': 'survey-2024-H2' },
    );
    expect(first.status).toBe(201);
    expect(retry.status).toBe(201);
    expect(retry.body).toMatchObject({ revision: 0, position: first.body.position, replayed: true });
    const again = await post('', 'dev-sales', { periodId: '2024-H2', customers });
    expect(again.status).toBe(409);
  });
});

describe('surveys with a policy file (quarterly calendar, customer list, stricter threshold)', () => {
  let api: TestApp;
  let dir: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'qms-survey-policy-'));
    const policyFile = join(dir, 'policy.json');
    writeFileSync(
      policyFile,
      JSON.stringify({
        surveys: {
          calendar: 'quarterly',
          dissatisfiedBelow: 4,
          customers: [
            { customerId: 'ACME', relationshipStart: '2019-04-01' },
            { customerId: 'NEWCO', relationshipStart: '2025-09-01' },
          ],
        },
      }),
    );
    api = await startTestApp({ QMS_POLICY_FILE: policyFile });
  });
  afterAll(async () => {
    await api.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('issues quarterly periods to the configured customers and judges scores against the configured threshold', async () => {
    const calendar = await api.request('GET', '/surveys/calendar?year=2025', { key: 'dev-sales' });
    expect(calendar.body.periods.map((period: { periodId: string }) => period.periodId)).toEqual([
      '2025-Q1',
      '2025-Q2',
      '2025-Q3',
      '2025-Q4',
    ]);
    const issued = await api.request('POST', '/surveys', { key: 'dev-sales', body: { periodId: '2025-Q3' } });
    expect(issued.status).toBe(201);
    expect(issued.body.customers).toEqual([{ customerId: 'ACME', relationshipStart: '2019-04-01' }]);
    expect(issued.body.excluded.map((customer: { customerId: string }) => customer.customerId)).toEqual([
      'NEWCO',
    ]);
    const halfYear = await api.request('POST', '/surveys', {
      key: 'dev-sales',
      body: { periodId: '2025-H1' },
    });
    expect(halfYear.status).toBe(400);
    await api.request('POST', '/surveys/2025-Q3/responses', {
      key: 'dev-sales',
      body: answer('ACME', { quality: 3 }),
    });
    const close = await api.request('POST', '/surveys/2025-Q3/closure', { key: 'dev-sales', body: {} });
    expect(close.status).toBe(409);
    expect(close.body.message).toContain('ACME/quality (score 3)');
  });
});

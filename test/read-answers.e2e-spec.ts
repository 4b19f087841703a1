import { randomUUID } from 'node:crypto';
import { EVENT_STORE, type EventStore } from '@qms/event-store';
import Ajv from 'ajv';
import { startTestApp, type TestApp } from './support/test-app';
import { walkThrough8D } from './support/eight-d-walk';
import { until } from './support/until';

/**
 * Reporting tools generate their clients from /docs-json, and the fuzzer checks answers against
 * it: every JSON read answers exactly what the document says. Real answers of a started app —
 * a complaint through its whole 8D, one left open, one reopened, a delivery, a return, a survey
 * period with a countermeasure, and a parked event — are validated against the schema the
 * served document gives for the route's 200 answer.
 */

type Json = Record<string, unknown>;

const COMPONENTS = '#/components/schemas/';

/** The route's 200 schema with the document's components as definitions, compiled by Ajv with OpenAPI 3.0's `nullable`. */
function validatorFor(document: Json, path: string, ajv: Ajv.Ajv): Ajv.ValidateFunction {
  const item = (document['paths'] as Record<string, Record<string, Json>>)[path];
  const operation = item?.['get'] ?? item?.['post'];
  const schema = ((operation?.['responses'] as Record<string, Json> | undefined)?.['200']?.['content'] as Record<string, Json> | undefined)?.['application/json']?.['schema'];
  if (schema === undefined) throw new Error(`${path}: the document gives no schema for the 200 answer`);
  const components = (document['components'] as Json)['schemas'];
  const local = JSON.parse(JSON.stringify({ ...(schema as Json), definitions: components }).replaceAll(`"${COMPONENTS}`, '"#/definitions/')) as Json;
  return ajv.compile(local);
}

function newAjv(): Ajv.Ajv {
  // Full date-time and date checks; a keyword the validator does not know is an error, not ignored.
  const ajv = new Ajv({ allErrors: true, nullable: true, format: 'full', strictKeywords: true });
  // OpenAPI annotations, not validation keywords.
  for (const keyword of ['example', 'deprecated']) ajv.addKeyword(keyword, { metaSchema: {} });
  return ajv;
}

const errorsOf = (validate: Ajv.ValidateFunction) => (validate.errors ?? []).map((error) => `${error.dataPath} ${error.message ?? ''} ${JSON.stringify(error.params)}`);

describe('read answers against the OpenAPI document (embedded default)', () => {
  let api: TestApp;
  let document: Json;
  let ajv: Ajv.Ajv;
  let closed = '';
  let open = '';
  let reopenedAs = '';
  let position = 0;
  let poison = 0;
  let returnId = '';
  const customer = `CUST-${randomUUID().slice(0, 8)}`;
  const PERIOD = '2025-H2';

  const post = async (url: string, key: string, body: unknown) => {
    const response = await api.request('POST', url, { key, body });
    if (response.status >= 300) throw new Error(`POST ${url} as ${key}: ${response.status} ${response.text}`);
    position = Math.max(position, Number(response.body.position ?? 0));
    return response.body;
  };

  /** GET as the role, 200 expected, and the body valid against the route's documented schema. */
  const expectDocumented = async (route: string, url: string, key = 'dev-admin'): Promise<Json> => {
    const response = await api.request('GET', url, { key });
    expect({ url, status: response.status }).toEqual({ url, status: 200 });
    const validate = validatorFor(document, route, ajv);
    const valid = validate(response.body);
    expect({ url, errors: errorsOf(validate) }).toEqual({ url, errors: [] });
    expect(valid).toBe(true);
    return response.body as Json;
  };

  beforeAll(async () => {
    api = await startTestApp();
    document = (await api.request('GET', '/docs-json')).body as Json;
    ajv = newAjv();
    const registration = (severity: string, receivedAt: string) => ({
      customerId: customer,
      customerContact: 'Li Wei',
      partNo: 'P-100',
      lot: 'L-2026-03',
      defectDescription: '毛刺 Burr on the flange edge',
      quantityAffected: 12,
      severity,
      channel: 'email',
      receivedAt,
      returnNeeded: true,
      customerProductionAffected: false,
      occurredAt: receivedAt,
    });
    closed = (await post('/complaints', 'dev-sales', registration('urgent', '2026-03-06T09:00:00Z'))).complaintNumber;
    const on = (step: string) => `/complaints/${closed}/${step}`;
    await walkThrough8D(post, closed, 'effective');
    reopenedAs = (await post(on('reopening'), 'dev-sales', { reason: 'customer not satisfied', occurredAt: '2026-03-30T01:00:00Z' })).reopenedAs;
    open = (await post('/complaints', 'dev-sales', registration('normal', '2026-03-12T02:00:00Z'))).complaintNumber;
    await post('/deliveries', 'dev-sales', { customerId: customer, orderNo: 'SO-1', lineNo: '1', partNo: 'P-100', quantity: 100_000, promisedDate: '2026-03-20', deliveredAt: '2026-03-19T09:00:00+08:00' });
    ({ returnId } = await post('/returns', 'dev-warehouse', {
      receivingNoteNo: 'RN-2026-03-1',
      customerId: customer,
      items: [{ itemNo: 1, materialNo: 'M-100', quantity: 10 }],
      occurredAt: '2026-03-13T10:00:00+08:00',
    }));
    await post(`/returns/${returnId}/inspection`, 'dev-quality', { items: [{ itemNo: 1, defectiveQuantity: 3 }], responsibility: 'ours', findings: 'burr on flange', occurredAt: '2026-03-14T10:00:00+08:00' });
    const answer = (customerId: string, scores: Record<string, number>) => ({ customerId, scores, comments: 'late twice', respondent: { name: 'Li Wei', title: 'SQE' } });
    await post('/surveys', 'dev-sales', { periodId: PERIOD, customers: [{ customerId: 'ACME', relationshipStart: '2019-04-01' }, { customerId: 'NEWCO', relationshipStart: '2025-03-01' }] });
    await post(`/surveys/${PERIOD}/responses`, 'dev-sales', answer('ACME', { quality: 4, delivery: 2, price: 3 }));
    await post(`/surveys/${PERIOD}/countermeasures`, 'dev-department-assembly', { customerId: 'ACME', dimension: 'delivery', department: 'assembly', description: 'second shift', dueDate: '2099-03-31' });

    // Another tool appended an event no read model can apply: the lists stop on it, an admin parks it.
    const appended = await api.app.get<EventStore>(EVENT_STORE).appendToStream(`complaint-LEGACY-${randomUUID().slice(0, 6)}`, [
      { id: randomUUID(), type: 'ContainmentRecorded', data: { foo: 1, occurredAt: 'not a date' }, metadata: {} },
    ]);
    poison = appended.position;
  }, 60_000);

  afterAll(async () => {
    await api?.close();
  });

  it('describes a read model stopped on an event, and its parked events once an admin parks it', async () => {
    const lists = await until(
      async () => (await api.request('GET', '/complaints', { key: 'dev-quality' })).body,
      (body) => body?.readModel?.stoppedOn !== null && body?.readModel?.stoppedOn !== undefined,
      'the complaint lists stopped on the event',
    );
    expect(lists.readModel.stoppedOn.position).toBe(poison);
    await expectDocumented('/complaints', '/complaints', 'dev-quality');
    await expectDocumented('/admin/projections', '/admin/projections');
    for (const name of ['complaint_lists', 'monthly_report']) {
      await until(
        async () => (await api.request('GET', '/admin/projections', { key: 'dev-admin' })).body as { name: string; stoppedOn: { position: number } | null }[],
        (statuses) => statuses.find((status) => status.name === name)?.stoppedOn?.position === poison,
        `${name} stopped`,
      );
      await post(`/admin/projections/${name}/parked-events`, 'dev-admin', { position: poison, reason: 'written by a migration tool' });
    }
    const parked = await expectDocumented('/admin/projections/{name}/parked-events', '/admin/projections/complaint_lists/parked-events', 'dev-auditor');
    expect(parked['items']).toEqual([expect.objectContaining({ position: poison })]);
    const statuses = await until(
      async () => (await api.request('GET', '/admin/projections', { key: 'dev-admin' })).body as { name: string; position: number; parkedEvents: unknown[] }[],
      (all) => all.filter((status) => status.parkedEvents.length > 0).every((status) => status.position >= poison) && all.some((status) => status.parkedEvents.length > 0),
      'the projections past the parked event',
    );
    expect(statuses.length).toBeGreaterThan(0);
    await expectDocumented('/admin/projections', '/admin/projections', 'dev-auditor');
    await expectDocumented('/admin/projections/{name}/verify', '/admin/projections/complaint_lists/verify', 'dev-auditor');
  });

  it('describes the master list, the tracking list and one complaint’s rows', async () => {
    const master = await expectDocumented('/complaints', `/complaints?customerId=${customer}&minPosition=${position}`, 'dev-quality');
    expect((master['items'] as { number: string }[]).map((row) => row.number).sort()).toEqual([closed, open, reopenedAs].sort());
    expect((master['readModel'] as { parkedPositions: number[] }).parkedPositions).toEqual([poison]);
    const paged = await expectDocumented('/complaints', `/complaints?customerId=${customer}&pageSize=1&sort=receivedAt`, 'dev-quality');
    expect(paged['nextCursor']).toEqual(expect.any(String));
    const tracking = await expectDocumented('/complaints/tracking', `/complaints/tracking?customerId=${customer}`, 'dev-quality');
    const row = (tracking['items'] as { number: string; correctiveActions: unknown[] }[]).find((item) => item.number === closed);
    expect(row?.correctiveActions).toHaveLength(1);
    for (const number of [closed, open, reopenedAs]) await expectDocumented('/complaints/{number}/row', `/complaints/${number}/row`, 'dev-quality');
  });

  it('describes the monthly report of a month and of a range, with customer sections', async () => {
    const month = await expectDocumented('/reports/monthly/{month}', `/reports/monthly/2026-03?customers=all&minPosition=${position}`, 'dev-management');
    expect((month['report'] as { customerIds: string[] }).customerIds).toContain(customer);
    await expectDocumented('/reports/monthly/{month}', `/reports/monthly/2026-03?customerId=${customer}`, 'dev-management');
    await expectDocumented('/reports/monthly', '/reports/monthly?from=2026-02&to=2026-04&customers=all', 'dev-management');
    // A month the stored range does not hold is computed from the facts when asked for.
    await expectDocumented('/reports/monthly/{month}', '/reports/monthly/2031-01', 'dev-management');
  });

  it('describes the breakdowns: Pareto (with others) and open age', async () => {
    for (const by of ['defect', 'part', 'customer', 'cause']) {
      await expectDocumented('/reports/monthly/{month}/pareto', `/reports/monthly/2026-03/pareto?by=${by}&months=3`, 'dev-management');
    }
    const cut = await expectDocumented('/reports/monthly/{month}/pareto', `/reports/monthly/2026-03/pareto?by=cause&limit=1&customerId=${customer}`, 'dev-management');
    expect(cut['others']).not.toBeNull();
    await expectDocumented('/reports/monthly/{month}/open-age', `/reports/monthly/2026-03/open-age?customerId=${customer}`, 'dev-management');
  });

  it('describes the satisfaction summary of a survey period', async () => {
    const answer = await expectDocumented('/reports/satisfaction/{periodId}', `/reports/satisfaction/${PERIOD}?minPosition=${position}`, 'dev-management');
    expect((answer['summary'] as { summary: { dissatisfiedItems: unknown[] } }).summary.dissatisfiedItems).toHaveLength(1);
  });

  it('describes the audit reads: history, as-of state, hash-chain verification', async () => {
    await expectDocumented('/audit/complaints/{number}/history', `/audit/complaints/${closed}/history`, 'dev-auditor');
    await expectDocumented('/audit/streams/{streamId}/history', `/audit/streams/survey-${PERIOD}/history?pageSize=2`, 'dev-auditor');
    await expectDocumented('/audit/complaints/{number}/as-of', `/audit/complaints/${closed}/as-of?revision=3`, 'dev-auditor');
    await expectDocumented('/audit/complaints/{number}/as-of', `/audit/complaints/${closed}/as-of?at=2026-03-10T00:00:00Z&basis=business`, 'dev-auditor');
    await expectDocumented('/audit/surveys/{periodId}/as-of', `/audit/surveys/${PERIOD}/as-of?revision=2`, 'dev-auditor');
    await expectDocumented('/audit/returns/{returnId}/as-of', `/audit/returns/${returnId}/as-of?revision=1`, 'dev-auditor');
    await expectDocumented('/audit/streams/{streamId}/as-of', `/audit/streams/complaint-${open}/as-of?revision=0`, 'dev-auditor');
    const exported = await expectDocumented('/audit/complaints/{number}/export', `/audit/complaints/${closed}/export`, 'dev-auditor');
    expect((exported['eightD'] as { D5: { correctiveActions: unknown[] } }).D5.correctiveActions).toHaveLength(1);
    await expectDocumented('/audit/complaints/{number}/verify', `/audit/complaints/${closed}/verify`, 'dev-auditor');
    await expectDocumented('/audit/streams/{streamId}/verify', `/audit/streams/complaint-${open}/verify`, 'dev-auditor');
    const store = await api.request('POST', '/audit/verify', { key: 'dev-admin' });
    expect(store.status).toBe(200);
    const validate = validatorFor(document, '/audit/verify', ajv);
    expect({ valid: validate(store.body), errors: errorsOf(validate) }).toEqual({ valid: true, errors: [] });
  });

  it('holds the schemas to the answers: a field the document does not name, or of another type, is refused', async () => {
    const response = await api.request('GET', `/complaints/${closed}/row`, { key: 'dev-quality' });
    const validate = validatorFor(document, '/complaints/{number}/row', ajv);
    expect(validate(response.body)).toBe(true);
    const { master } = response.body as { master: Json };
    expect(validate({ ...response.body, master: { ...master, unnamed: 1 } })).toBe(false);
    expect(validate({ ...response.body, master: { ...master, quantity: String(master['quantity']) } })).toBe(false);
    expect(validate({ ...response.body, master: { ...master, severity: 'critical' } })).toBe(false);
    const { customerContact: _dropped, ...withoutContact } = master;
    expect(validate({ ...response.body, master: withoutContact })).toBe(false);
    // Nullable where the API sends null, and only there.
    expect(validate({ ...response.body, master: { ...master, department: null } })).toBe(true);
    expect(validate({ ...response.body, master: { ...master, partNo: null } })).toBe(false);
  });

  it('gives every JSON read of the lists, reports, projections and audit a body schema', () => {
    const paths = document['paths'] as Record<string, Record<string, Json>>;
    const undocumented = Object.entries(paths)
      .filter(([path]) => /^\/(complaints|reports|admin\/projections|audit)(\/|$)/.test(path))
      .flatMap(([path, item]) => (item['get'] === undefined ? [] : [[path, item['get']] as const]))
      .filter(([, operation]) => {
        const content = ((operation['responses'] as Record<string, Json>)['200']?.['content'] ?? {}) as Record<string, Json>;
        return Object.keys(content).length === 0 || (content['application/json'] !== undefined && content['application/json']['schema'] === undefined);
      })
      .map(([path]) => path);
    // These answer files only (CSV, workbook, HTML form).
    expect(undocumented.sort()).toEqual(['/complaints/export', '/complaints/{number}/8d-report', '/reports/monthly/{month}/export']);
  });
});

import { EVENT_STORE, type EventStore } from '@qms/event-store';
import { startTestApp, type TestApp } from './support/test-app';

const receipt = {
  receivingNoteNo: 'RN-2026-0042',
  customerId: 'ACME',
  items: [
    { itemNo: 1, materialNo: 'M-100', quantity: 10 },
    { itemNo: 2, materialNo: 'M-200', quantity: 4 },
  ],
  complaintNumber: 'CC-2026-0001',
  urgentNeed: true,
};

describe('return commands over HTTP (embedded default)', () => {
  let api: TestApp;
  let store: EventStore;
  beforeAll(async () => {
    api = await startTestApp();
    store = api.app.get<EventStore>(EVENT_STORE);
  });
  afterAll(async () => {
    await api.close();
  });

  const receive = (body: unknown = receipt, headers: Record<string, string> = {}) =>
    api.request('POST', '/returns', { key: 'dev-warehouse', body, headers });
  const post = (
    returnId: string,
    path: string,
    key: string,
    body: unknown,
    headers: Record<string, string> = {},
  ) => api.request('POST', `/returns/${returnId}/${path}`, { key, body, headers });
  const fields = (response: { body: { fields?: { field: string }[] } }) =>
    (response.body.fields ?? []).map((error) => error.field);

  it('takes a return from receipt through inspection, disposition, rework, replacement and credit', async () => {
    const received = await receive();
    expect(received.status).toBe(201);
    const { returnId } = received.body;
    expect(returnId).toMatch(/^[0-9a-f-]{36}$/);
    expect(received.body).toMatchObject({ streamId: `return-${returnId}`, revision: 0, replayed: false });
    expect(received.headers['location']).toBe(`/returns/${returnId}`);

    const steps: [string, string, unknown, number][] = [
      [
        'inspection',
        'dev-quality',
        {
          items: [
            { itemNo: 1, defectiveQuantity: 8 },
            { itemNo: 2, defectiveQuantity: 0 },
          ],
          responsibility: 'ours',
          findings: 'burr on flange',
        },
        200,
      ],
      [
        'dispositions',
        'dev-quality',
        { itemNo: 1, quantity: 5, disposition: 'rework', reworkInstruction: 'rework' },
        201,
      ],
      [
        'dispositions',
        'dev-quality',
        { itemNo: 1, quantity: 5, disposition: 'scrap', nonconformingReportNo: 'NCR-77' },
        201,
      ],
      ['dispositions/1/rework-order', 'dev-planning', { reworkOrderNo: 'RW-2026-0007' }, 200],
      ['dispositions/1/rework-completion', 'dev-quality', { passedQuantity: 4, failedQuantity: 1 }, 200],
      [
        'failure-analysis',
        'dev-quality',
        { reportReference: 'FA-2026-0031', conclusion: 'die worn past its life' },
        200,
      ],
      [
        'stock-checks',
        'dev-planning',
        { materialNo: 'M-100', requiredQuantity: 10, availableQuantity: 6 },
        200,
      ],
      ['stock-confirmations', 'dev-quality', { materialNo: 'M-100', confirmedAvailableQuantity: 4 }, 200],
      ['emergency-production', 'dev-planning', { materialNo: 'M-100', neededBy: '2026-12-31' }, 200],
      ['credit', 'dev-sales', { creditNoteNo: 'CN-2026-0012', creditedQuantity: 8 }, 200],
    ];
    let revision = 0;
    for (const [path, key, body, status] of steps) {
      const response = await post(returnId, path, key, body);
      expect({ path, status: response.status, body: response.body }).toMatchObject({ path, status });
      revision += 1;
      expect(response.body).toMatchObject({ returnId, revision });
      expect(response.headers['etag']).toBe(`"${revision}"`);
    }
    const events = await store.readStream(`return-${returnId}`);
    expect(events.map((event) => event.type)).toEqual([
      'ReturnReceived',
      'ReturnInspected',
      'ReturnItemDispositioned',
      'ReturnItemDispositioned',
      'ReworkOrderIssued',
      'ReworkCompleted',
      'FailureAnalysisArchived',
      'StockChecked',
      'StockConfirmed',
      'EmergencyProductionRequested',
      'ReturnCredited',
    ]);
    expect(events[0]!.metadata).toMatchObject({
      actor: { userId: 'dev.warehouse', role: 'warehouse' },
      schemaVersion: 1,
    });
    expect(events[9]!.data).toMatchObject({ quantity: 6 });
    expect(events[10]!.metadata).toMatchObject({ actor: { role: 'sales' } });
  });

  it('numbers dispositions so that rework orders can refer to them', async () => {
    const { returnId } = (await receive()).body;
    await post(returnId, 'inspection', 'dev-quality', {
      items: [
        { itemNo: 1, defectiveQuantity: 10 },
        { itemNo: 2, defectiveQuantity: 4 },
      ],
      responsibility: 'supplier',
      findings: 'x',
    });
    const first = await post(returnId, 'dispositions', 'dev-quality', {
      itemNo: 2,
      quantity: 4,
      disposition: 'sort',
    });
    const second = await post(returnId, 'dispositions', 'dev-quality', {
      itemNo: 1,
      quantity: 10,
      disposition: 'rework',
      reworkInstruction: 'full_inspection',
    });
    expect([first.body.dispositionNo, second.body.dispositionNo]).toEqual([1, 2]);
    const wrongKind = await post(returnId, 'dispositions/1/rework-order', 'dev-planning', {
      reworkOrderNo: 'RW-1',
    });
    expect(wrongKind.status).toBe(409);
    expect(wrongKind.body.message).toContain('not rework');
  });

  it('answers 400 naming each bad field, nested ones with their path, and unknown fields; appends nothing', async () => {
    const head = await store.headPosition();
    const response = await receive({
      ...receipt,
      customerId: '',
      items: [{ itemNo: 1, materialNo: 'M-1', quantity: 0 }],
      periodicBulk: 'yes',
      hacker: 1,
    });
    expect(response.status).toBe(400);
    expect(response.body.code).toBe('VALIDATION_FAILED');
    expect(fields(response)).toEqual(
      expect.arrayContaining(['customerId', 'items.0.quantity', 'periodicBulk', 'hacker']),
    );
    expect(await store.headPosition()).toBe(head);
  });

  it('answers 400 for a bad disposition number in the path, naming it', async () => {
    const { returnId } = (await receive()).body;
    const response = await post(returnId, 'dispositions/first/rework-order', 'dev-planning', {
      reworkOrderNo: 'RW-1',
    });
    expect(response.status).toBe(400);
    expect(fields(response)).toEqual(['dispositionNo']);
  });

  it('answers 400 when a domain rule on fields fails (use as is without the concession)', async () => {
    const { returnId } = (await receive()).body;
    await post(returnId, 'inspection', 'dev-quality', {
      items: [
        { itemNo: 1, defectiveQuantity: 1 },
        { itemNo: 2, defectiveQuantity: 0 },
      ],
      responsibility: 'ours',
      findings: 'x',
    });
    const response = await post(returnId, 'dispositions', 'dev-quality', {
      itemNo: 1,
      quantity: 1,
      disposition: 'use_as_is',
    });
    expect(response.status).toBe(400);
    expect(fields(response)).toEqual(['concessionReference']);
  });

  it('answers 403 to a role that may not take the step, before looking at the body', async () => {
    const { returnId } = (await receive()).body;
    expect((await api.request('POST', '/returns', { key: 'dev-quality', body: {} })).status).toBe(403);
    const inspectAsWarehouse = await post(returnId, 'inspection', 'dev-warehouse', {});
    expect(inspectAsWarehouse.status).toBe(403);
    expect(inspectAsWarehouse.body.code).toBe('FORBIDDEN');
    expect((await post(returnId, 'dispositions/1/rework-order', 'dev-quality', {})).status).toBe(403);
    expect((await post(returnId, 'credit', 'dev-quality', {})).status).toBe(403);
  });

  it('refuses quantities the return does not hold (409) and appends nothing', async () => {
    const { returnId } = (await receive()).body;
    const overInspected = await post(returnId, 'inspection', 'dev-quality', {
      items: [
        { itemNo: 1, defectiveQuantity: 11 },
        { itemNo: 2, defectiveQuantity: 0 },
      ],
      responsibility: 'ours',
      findings: 'x',
    });
    expect(overInspected.status).toBe(409);
    expect(overInspected.body.message).toContain('exceeds the 10 received');
    await post(returnId, 'inspection', 'dev-quality', {
      items: [
        { itemNo: 1, defectiveQuantity: 10 },
        { itemNo: 2, defectiveQuantity: 0 },
      ],
      responsibility: 'ours',
      findings: 'x',
    });
    await post(returnId, 'dispositions', 'dev-quality', {
      itemNo: 1,
      quantity: 7,
      disposition: 'rework',
      reworkInstruction: 'rework',
    });
    const head = await store.headPosition();
    const tooMany = await post(returnId, 'dispositions', 'dev-quality', {
      itemNo: 1,
      quantity: 4,
      disposition: 'sort',
    });
    expect(tooMany.status).toBe(409);
    expect(tooMany.body.code).toBe('ILLEGAL_STATE');
    expect(tooMany.body.message).toContain('only 3 of the 10 received are still without a disposition');
    await post(returnId, 'dispositions/1/rework-order', 'dev-planning', { reworkOrderNo: 'RW-9' });
    const wrongSum = await post(returnId, 'dispositions/1/rework-completion', 'dev-quality', {
      passedQuantity: 5,
      failedQuantity: 1,
    });
    expect(wrongSum.status).toBe(409);
    expect(wrongSum.body.message).toContain('must equal the 7 sent to rework');
    expect(await store.headPosition()).toBe(head + 1);
  });

  it('does not credit a return before its failure analysis is archived (IATF 10.2.6)', async () => {
    const { returnId } = (await receive()).body;
    await post(returnId, 'inspection', 'dev-quality', {
      items: [
        { itemNo: 1, defectiveQuantity: 0 },
        { itemNo: 2, defectiveQuantity: 0 },
      ],
      findings: 'no trouble found',
    });
    const credit = await post(returnId, 'credit', 'dev-sales', { creditNoteNo: 'CN-1', creditedQuantity: 1 });
    expect(credit.status).toBe(409);
    expect(credit.body.message).toContain('failure analysis');
  });

  it('answers 404 for a step on a return that was never received', async () => {
    const response = await post('00000000-0000-4000-8000-000000000000', 'failure-analysis', 'dev-quality', {
      reportReference: 'FA-1',
      conclusion: 'x',
    });
    expect(response.status).toBe(404);
  });

  it('returns the first result for a retried receipt and a retried step (Idempotency-Key), appending nothing', async () => {
    const first = await receive(receipt, { 'idempotency-key': 'return-retry-1' });
    const head = await store.headPosition();
    const retry = await receive(receipt, { 'idempotency-key': 'return-retry-1' });
    expect(retry.status).toBe(201);
    expect(retry.body).toMatchObject({
      returnId: first.body.returnId,
      revision: 0,
      position: first.body.position,
      replayed: true,
    });
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect(await store.headPosition()).toBe(head);

    const other = await receive(receipt, { 'idempotency-key': 'return-retry-2' });
    expect(other.body.returnId).not.toBe(first.body.returnId);

    const inspection = {
      items: [
        { itemNo: 1, defectiveQuantity: 1 },
        { itemNo: 2, defectiveQuantity: 0 },
      ],
      responsibility: 'ours',
      findings: 'x',
    };
    const step = await post(first.body.returnId, 'inspection', 'dev-quality', inspection, {
      'idempotency-key': 'inspect-1',
    });
    const stepRetry = await post(first.body.returnId, 'inspection', 'dev-quality', inspection, {
      'idempotency-key': 'inspect-1',
    });
    expect(stepRetry.status).toBe(200);
    expect(stepRetry.body).toMatchObject({
      revision: step.body.revision,
      position: step.body.position,
      replayed: true,
    });
  });

  it('gives parallel retries with one Idempotency-Key one return', async () => {
    const responses = await Promise.all(
      Array.from({ length: 5 }, () => receive(receipt, { 'idempotency-key': 'return-parallel' })),
    );
    expect(responses.map((response) => response.status)).toEqual(Array(5).fill(201));
    expect(new Set(responses.map((response) => response.body.returnId)).size).toBe(1);
    expect(responses.filter((response) => response.body.replayed === false)).toHaveLength(1);
  });
});

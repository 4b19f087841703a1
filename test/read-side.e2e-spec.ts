import { readdirSync, readFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { startTestApp, type TestApp } from './support/test-app';
import { until } from './support/until';

const registration = (receivedAt: string, customerId: string) => ({
  customerId,
  customerContact: 'Li Wei',
  partNo: 'P-100',
  lot: 'L-1',
  defectDescription: '毛刺 burr on the flange',
  quantityAffected: 40,
  severity: 'normal',
  channel: 'email',
  receivedAt,
  returnNeeded: false,
  customerProductionAffected: false,
});

/** Commands over HTTP, then the same facts read back through the read APIs. */
function describeReadSide(name: string, env: () => Record<string, string> | undefined): void {
  const settings = env();
  (settings === undefined ? describe.skip : describe)(`read APIs (${name})`, () => {
    let api: TestApp;
    let lastPosition = 0;
    let firstNumber = '';
    const customer = `CUST-${randomUUID().slice(0, 8)}`;

    beforeAll(async () => {
      api = await startTestApp(settings);
      const first = await api.request('POST', '/complaints', { key: 'dev-sales', body: registration('2026-01-30T10:00:00+08:00', customer) });
      const second = await api.request('POST', '/complaints', { key: 'dev-sales', body: registration('2026-02-03T10:00:00+08:00', customer) });
      expect([first.status, second.status]).toEqual([201, 201]);
      firstNumber = first.body.complaintNumber;
      const contained = await api.request('POST', `/complaints/${firstNumber}/containment`, {
        key: 'dev-quality',
        body: { description: 'sorted 2,000 pcs at the warehouse', occurredAt: '2026-01-30T20:00:00+08:00' },
      });
      expect(contained.status).toBe(200);
      const delivery = await api.request('POST', '/deliveries', {
        key: 'dev-sales',
        body: { customerId: customer, orderNo: `SO-${randomUUID().slice(0, 6)}`, lineNo: '1', partNo: 'P-100', quantity: 100_000, promisedDate: '2026-01-20', deliveredAt: '2026-01-20T09:00:00+08:00' },
      });
      expect(delivery.status).toBe(201);
      lastPosition = delivery.body.position;
    });

    afterAll(async () => {
      await api?.close();
    });

    it('reads its own write through ?minPosition= and names the position reached', async () => {
      const response = await api.request('GET', `/complaints?customerId=${customer}&minPosition=${lastPosition}`, { key: 'dev-auditor' });
      expect(response.status).toBe(200);
      expect(response.body.position).toBeGreaterThanOrEqual(lastPosition);
      expect(response.headers['x-read-model-position']).toBe(String(response.body.position));
      expect(response.body.items.map((row: { number: string }) => row.number)).toHaveLength(2);
      expect(response.body.items[0].receivedAt > response.body.items[1].receivedAt).toBe(true);
    });

    it('pages with a stable cursor', async () => {
      const first = await api.request('GET', `/complaints?customerId=${customer}&pageSize=1&sort=receivedAt&minPosition=${lastPosition}`, { key: 'dev-quality' });
      const second = await api.request('GET', `/complaints?customerId=${customer}&pageSize=1&sort=receivedAt&cursor=${encodeURIComponent(first.body.nextCursor)}`, { key: 'dev-quality' });
      expect(first.body.items[0].number).toBe(firstNumber);
      expect(second.body.items).toHaveLength(1);
      expect(second.body.items[0].number).not.toBe(firstNumber);
    });

    it('shows the tracking list with deadlines met or pending', async () => {
      const response = await api.request('GET', `/complaints/tracking?customerId=${customer}&minPosition=${lastPosition}`, { key: 'dev-quality' });
      expect(response.status).toBe(200);
      const row = response.body.items.find((item: { number: string }) => item.number === firstNumber);
      expect(row.containment.state).toBe('met');
      expect(row.containment.doneAt).toBe('2026-01-30T12:00:00.000Z');
    });

    it('computes the monthly report per customer: received, containment on time, delivered quantity', async () => {
      const response = await api.request('GET', `/reports/monthly/2026-01?customerId=${customer}&minPosition=${lastPosition}`, { key: 'dev-management' });
      expect(response.status).toBe(200);
      const figures = response.body.report.customers[0];
      expect(figures.customerId).toBe(customer);
      // January: one complaint received (the second one is 3 Feb), contained within 10 h of 24.
      expect(figures.complaints.received).toBe(1);
      expect(figures.complaints.containmentOnTimePercent).toBe(100);
      expect(figures.deliveries).toMatchObject({ deliveries: 1, deliveredQuantity: 100_000, onTimeDeliveries: 1, onTimeDeliveryPercent: 100 });
      // Nothing decided as ours yet: 0 defective of 100,000 delivered.
      expect(figures.deliveries.ppm).toBe(0);
      // Open at the end of January, received on the 30th: still within its deadlines then.
      expect(figures.complaints.overdueAtEnd).toBe(0);
      expect(JSON.stringify(response.body.report)).not.toContain(firstNumber);
    });

    it('serves the total and the list of customers with a section by default, every section on request', async () => {
      const total = await api.request('GET', `/reports/monthly/2026-01?minPosition=${lastPosition}`, { key: 'dev-management' });
      expect(total.body.report.customerIds).toContain(customer);
      expect(total.body.report.customers).toEqual([]);
      const all = await api.request('GET', `/reports/monthly?from=2026-01&to=2026-01&customers=all`, { key: 'dev-management' });
      const sections = all.body.reports[0].customers.map((section: { customerId: string }) => section.customerId);
      expect(sections).toEqual(total.body.report.customerIds);
      const bad = await api.request('GET', '/reports/monthly/2026-01?customers=some', { key: 'dev-management' });
      expect(bad.status).toBe(400);
    });

    it('drills into a customer section: each drill-down list counts exactly its figure', async () => {
      const counted: Record<string, number[]> = {};
      for (const month of ['2026-01', '2026-02']) {
        const report = await api.request('GET', `/reports/monthly/${month}?customerId=${customer}&minPosition=${lastPosition}`, { key: 'dev-management' });
        const figures = report.body.report.customers[0].complaints;
        const list = async (filter: string): Promise<string[]> => {
          const response = await api.request('GET', `/complaints?${filter}=${month}&customerId=${customer}&pageSize=500`, { key: 'dev-quality' });
          expect(response.status).toBe(200);
          return response.body.items.map((row: { number: string }) => row.number);
        };
        const overdue = await list('overdueAtEndOf');
        expect(overdue).toHaveLength(figures.overdueAtEnd);
        expect(await list('repeatOf')).toHaveLength(figures.repeats);
        expect(await list('containmentLateIn')).toHaveLength(figures.received - figures.containmentOnTime);
        counted[month] = [overdue.length, figures.received - figures.containmentOnTime];
      }
      // End of February: the first complaint owes its action reply (due 4 Feb), the second its
      // containment (due 4 Feb 10:00 local) — both overdue; only the second was received in February, late.
      expect(counted).toEqual({ '2026-01': [0, 0], '2026-02': [2, 1] });
      const bad = await api.request('GET', '/complaints?overdueAtEndOf=2026-13', { key: 'dev-quality' });
      expect(bad.status).toBe(400);
      expect(JSON.stringify(bad.body)).toContain('overdueAtEndOf');
    });

    it('documents the drill-down filters in OpenAPI', async () => {
      const docs = await api.request('GET', '/docs-json');
      const names = (docs.body.paths['/complaints'].get.parameters as { name: string; description?: string }[]).map((p) => p.name);
      expect(names).toEqual(expect.arrayContaining(['overdueAtEndOf', 'repeatOf', 'containmentLateIn', 'customerId']));
      const export_ = (docs.body.paths['/complaints/export'].get.parameters as { name: string }[]).map((p) => p.name);
      expect(export_).toEqual(expect.arrayContaining(['overdueAtEndOf', 'repeatOf', 'containmentLateIn']));
    });

    it('refuses a query parameter it does not know, and operators smuggled in values', async () => {
      const unknown = await api.request('GET', '/complaints?$where=1', { key: 'dev-quality' });
      expect(unknown.status).toBe(400);
      const injected = await api.request('GET', `/complaints?customerId[$ne]=x`, { key: 'dev-quality' });
      expect(injected.status).toBe(400);
      const literal = await api.request('GET', `/complaints?customerId=${encodeURIComponent('{"$ne":null}')}`, { key: 'dev-quality' });
      expect(literal.status).toBe(200);
      expect(literal.body.items).toHaveLength(0);
    });

    it('exports the list as CSV and Excel', async () => {
      const csv = await api.request('GET', `/complaints/export?customerId=${customer}&format=csv`, { key: 'dev-auditor' });
      expect(csv.status).toBe(200);
      expect(csv.headers['content-type']).toContain('text/csv');
      expect(csv.text.split('\r\n').filter(Boolean)).toHaveLength(3);
      const xlsx = await api.request('GET', `/complaints/export?customerId=${customer}&format=xlsx`, { key: 'dev-auditor' });
      expect(xlsx.status).toBe(200);
      expect(xlsx.headers['content-type']).toContain('spreadsheetml');
    });

    it('refuses at once a minPosition beyond the last event of the log, naming the field', async () => {
      const response = await api.request('GET', `/complaints?minPosition=${Number.MAX_SAFE_INTEGER}`, { key: 'dev-quality' });
      expect(response.status).toBe(400);
      expect(response.body.message).toMatch(/^minPosition: is beyond the last event of the log \(position \d+\)/);
    });

    it('exposes projection lag as Prometheus metrics', async () => {
      const response = await api.request('GET', '/metrics', { key: 'dev-auditor' });
      expect(response.status).toBe(200);
      expect(response.text).toMatch(/^qms_projection_lag_events\{projection="complaint_lists"\} \d+$/m);
      expect(response.text).toMatch(new RegExp(`^qms_event_store_head_position ${lastPosition}$`, 'm'));
    });

    it('reports the projections in /health', async () => {
      const response = await api.request('GET', '/health');
      expect(response.status).toBe(200);
      expect(response.body.readStore.status).toBe('up');
      expect(response.body.projections.items.map((item: { name: string }) => item.name)).toEqual(['complaint_lists', 'monthly_report', 'satisfaction_summary']);
    });
  });
}

describeReadSide('embedded default', () => ({}));
describeReadSide('MongoDB', () => {
  if (!process.env['MONGO_URL']) {
    console.info('Read APIs on MongoDB skipped: set MONGO_URL (e.g. from `npm run ferretdb`) to run them.');
    return undefined;
  }
  return {
    MONGO_URL: process.env['MONGO_URL'],
    MONGO_DATABASE: `qms_e2e_${randomUUID().slice(0, 8)}`,
    MONGO_COMPATIBILITY: process.env['MONGO_COMPATIBILITY'] ?? 'mongodb',
  };
});

describe('?minPosition= with nothing projecting', () => {
  let api: TestApp;

  beforeAll(async () => {
    // An API that only serves, with no projector beside it: its read models never move.
    api = await startTestApp({ PROJECTIONS: 'off' });
  });

  afterAll(async () => {
    await api?.close();
  });

  it('answers 503 with a reason when the read model does not reach a stored position in time', async () => {
    const registered = await api.request('POST', '/complaints', { key: 'dev-sales', body: registration('2026-03-02T10:00:00+08:00', 'CUST-IDLE') });
    expect(registered.status).toBe(201);
    const response = await api.request('GET', `/complaints?minPosition=${registered.body.position}`, { key: 'dev-quality' });
    expect(response.status).toBe(503);
    expect(response.body.message).toMatch(/has not reached position/);
  }, 15_000);
});

/** A field of each of this process's threads' /proc stat, counted after the command name. */
function threadStatFields(index: number): number[] {
  return readdirSync('/proc/self/task').flatMap((thread) => {
    const stat = readFileSync(`/proc/self/task/${thread}/stat`, 'utf8');
    // The command name may hold spaces: count from the parenthesis that closes it.
    const field = stat.slice(stat.lastIndexOf(')') + 2).split(' ')[index];
    return field === undefined ? [] : [Number(field)];
  });
}

/** Nice values of this process's threads (Linux: a thread's own priority): the 17th field on. */
const threadNiceValues = (): number[] => threadStatFields(16);
/** Scheduling policies of this process's threads, the 39th field on (SCHED_IDLE is 5). */
const threadPolicies = (): number[] => threadStatFields(38);
const SCHED_IDLE = 5;

(process.platform === 'linux' ? describe : describe.skip)('the projections thread of the embedded default', () => {
  it('runs at the PROJECTIONS_NICE priority while the API keeps its own, and ends with the API', async () => {
    const api = await startTestApp({ PROJECTIONS_NICE: '7' });
    try {
      const registered = await api.request('POST', '/complaints', { key: 'dev-sales', body: registration('2026-03-02T10:00:00+08:00', 'CUST-NICE') });
      expect(registered.status).toBe(201);
      const read = await api.request('GET', `/complaints?minPosition=${registered.body.position}&customerId=CUST-NICE`, { key: 'dev-quality' });
      expect(read.status).toBe(200);
      expect(threadNiceValues().filter((nice) => nice === 7)).toHaveLength(1);
      expect(Number(readFileSync('/proc/thread-self/stat', 'utf8').split(') ')[1]?.split(' ')[16])).toBe(0);
    } finally {
      await api.close();
    }
    expect(threadNiceValues()).not.toContain(7);
  });

  it('runs in the SCHED_IDLE class with PROJECTIONS_SCHEDULING=idle, at nice 10 by default', async () => {
    expect(threadPolicies()).not.toContain(SCHED_IDLE);
    const idle = await startTestApp({ PROJECTIONS_SCHEDULING: 'idle' });
    try {
      // The thread moves itself as it starts.
      const policies = await until(async () => threadPolicies(), (found) => found.includes(SCHED_IDLE), 'a thread in SCHED_IDLE');
      expect(policies.filter((policy) => policy === SCHED_IDLE)).toHaveLength(1);
    } finally {
      await idle.close();
    }
    expect(threadPolicies()).not.toContain(SCHED_IDLE);
    const niced = await startTestApp({});
    try {
      const registered = await niced.request('POST', '/complaints', { key: 'dev-sales', body: registration('2026-03-02T10:00:00+08:00', 'CUST-NICED') });
      expect((await niced.request('GET', `/complaints?minPosition=${registered.body.position}&customerId=CUST-NICED`, { key: 'dev-quality' })).status).toBe(200);
      expect(threadPolicies()).not.toContain(SCHED_IDLE);
      expect(threadNiceValues().filter((nice) => nice === 10)).toHaveLength(1);
    } finally {
      await niced.close();
    }
  });

  it('publishes its heap in /metrics, its limit set by PROJECTIONS_HEAP_MB', async () => {
    const MiB = 1024 * 1024;
    const api = await startTestApp({ PROJECTIONS_HEAP_MB: '96' });
    try {
      const heapOf = async (): Promise<Record<string, number>> => {
        const response = await api.request('GET', '/metrics', { key: 'dev-auditor' });
        const figures: Record<string, number> = {};
        for (const match of (response.text).matchAll(/^qms_projections_thread_heap_bytes\{kind="(\w+)"\} (\d+)$/gm)) figures[match[1] as string] = Number(match[2]);
        return figures;
      };
      // The thread publishes its heap with its status, every half second.
      const heap = await until(heapOf, (figures) => figures['limit'] !== undefined, 'the projections thread heap in /metrics');
      expect(heap['limit']).toBeGreaterThanOrEqual(96 * MiB);
      expect(heap['limit']).toBeLessThan(160 * MiB);
      expect(heap['used']).toBeGreaterThan(0);
      expect(heap['used']).toBeLessThanOrEqual(heap['total'] as number);
    } finally {
      await api.close();
    }
  });
});

import type { ComplaintEvent } from '@qms/complaint-domain';
import { SqliteReadStore } from '@qms/read-store';
import { turnsOfTheEventLoopDuring } from '@qms/testing';
import { COMPLAINTS_COLLECTION, type ComplaintDocument, createComplaintListProjection, type MonthlyReportMaterializer, resolveReportingConfig } from '@qms/reporting';
import type { FastifyReply } from 'fastify';
import { complaint } from '../../../../../../libs/reporting/src/kpi/__fixtures__/events';
import type { ReadModelPositions } from '../../read-model-positions';
import { openAge, pareto } from './complaint-breakdowns';
import { ComplaintBreakdownsController } from './complaint-breakdowns.controller';

const config = resolveReportingConfig({ timeZone: 'Asia/Shanghai' });
const projection = createComplaintListProjection(config);
const COMPLAINTS = 2_000;

function registered(index: number): ComplaintDocument {
  const number = `CC-2026-${String(index + 1).padStart(4, '0')}`;
  // Spread over September and October 2026 (local), so that a month selects part of them.
  const receivedAt = new Date(Date.UTC(2026, 7, 31, 16) + index * 2_500_000).toISOString();
  const event = complaint.registered({
    number,
    customerId: `C-${index % 7}`,
    partNo: `P-${index % 11}`,
    receivedAt,
    quantity: 1 + (index % 13),
    severity: index % 5 === 0 ? 'urgent' : 'normal',
    actionReplyDueAt: '2026-12-01T00:00:00.000Z',
  }) as ComplaintEvent;
  const document = projection.evolve(null, event, number);
  if (document === null) throw new Error('a registration makes a document');
  return document;
}

describe('the monthly breakdowns read from the complaint list', () => {
  const documents = Array.from({ length: COMPLAINTS }, (_, index) => registered(index));
  const store = SqliteReadStore.open({ path: ':memory:' });
  const positions = { positionOf: () => COMPLAINTS, waitFor: async () => true } as unknown as ReadModelPositions;
  const materializer = { state: async () => ({ longestClosedMs: null }) } as unknown as MonthlyReportMaterializer;
  const controller = new ComplaintBreakdownsController(store, positions, config, materializer);
  const reply = { header: () => reply } as unknown as FastifyReply;

  beforeAll(async () => {
    await store.commit({ writes: [{ collection: COMPLAINTS_COLLECTION, upserts: documents.map((document) => ({ ...document, _position: 1 })), deletes: [] }] });
  });
  afterAll(async () => store.close());

  it('gives the Pareto of two months what whole documents give, with a turn of the event loop every 500 complaints', async () => {
    const { result, turns } = await turnsOfTheEventLoopDuring(() => controller.pareto('2026-10', { by: 'part', months: 2 }, reply));
    expect(result).toMatchObject(pareto(documents, 'part', 20));
    expect(result.complaints).toBe(COMPLAINTS);
    expect(turns).toBeGreaterThanOrEqual(COMPLAINTS / 500 - 1);
  });

  it('gives the open 8Ds by age what whole documents give', async () => {
    const { result, turns } = await turnsOfTheEventLoopDuring(() => controller.openAge('2026-09', {}, reply));
    // The end of September in Shanghai.
    expect(result.buckets).toEqual(openAge(documents, '2026-09-30T16:00:00.000Z'));
    expect(result.open).toBeGreaterThan(500);
    expect(turns).toBeGreaterThanOrEqual(1);
  });
});

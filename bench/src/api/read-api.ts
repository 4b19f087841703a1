import { Agent, get as httpGet } from 'node:http';
import type { AddressInfo } from 'node:net';
import { READ_STORE, type ReadStore } from '@qms/read-store';
import { COMPLAINTS_COLLECTION, DEFAULT_REPORTING_CONFIG, toMasterListRow, type StoredComplaint } from '@qms/reporting';
import { complaintListQuery } from '../../../apps/api/src/read-side/complaint-lists/complaint-list.query';
import { summarize, type LatencySummary } from '../stats';
import { currentApp } from './api-server';

/**
 * Part 4: read API latencies, one request at a time over a kept-alive loopback connection from
 * inside the API process (the whole Nest pipeline, validation and JSON serialisation), over the
 * read models of the full history. A socket rather than Fastify's inject: inject kept about 65 kB
 * of every answer reachable, which under the production heap cap ran the API out of memory.
 */
export interface ReadArgs {
  readonly samples: number;
  readonly warmup: number;
  readonly customers: readonly string[];
  readonly departments: readonly string[];
  /** Months of the monthly report requests, 'YYYY-MM'. */
  readonly months: readonly string[];
}

export interface ReadQueryResult {
  readonly name: string;
  readonly kind: 'master-list' | 'tracking-list' | 'monthly-report' | 'store';
  readonly example: string;
  /** Items on the first answer (a page is 50 rows unless fewer match). */
  readonly items: number;
  readonly responseBytes: number;
  readonly latency: LatencySummary;
}

export interface ReadResult {
  readonly complaints: number;
  readonly queries: readonly ReadQueryResult[];
  /** Every master-list request of the mix together: the figure the < 10 ms target is about. */
  readonly masterList: LatencySummary;
}

const KEY = { authorization: 'Bearer dev-quality' };

/** The queries the monthly report's targets are judged on. */
export const MONTHLY_REPORT_QUERIES = {
  oneMonth: 'monthly report, one month',
  twelveMonths: 'monthly report, twelve months',
} as const;

export async function runReadBench(args: ReadArgs): Promise<ReadResult> {
  const app = currentApp();
  const store = app.get<ReadStore>(READ_STORE);
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const address = app.getHttpServer().address() as AddressInfo;
  const get = (url: string) =>
    new Promise<{ statusCode: number; body: string }>((resolve, reject) => {
      const request = httpGet({ host: '127.0.0.1', port: address.port, path: url, headers: KEY, agent }, (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => {
          const body = Buffer.concat(chunks).toString('utf8');
          if (response.statusCode !== 200) reject(new Error(`GET ${url} answered ${response.statusCode}: ${body.slice(0, 300)}`));
          else resolve({ statusCode: 200, body });
        });
      });
      request.on('error', reject);
    });
  const rotate = <T>(items: readonly T[], index: number) => items[index % items.length]!;
  const month = (offset: number) => rotate(args.months, offset);

  const first = JSON.parse((await get('/complaints?pageSize=50')).body) as { nextCursor: string | null };
  const cursor = first.nextCursor === null ? '' : `&cursor=${encodeURIComponent(first.nextCursor)}`;
  // The twelve-month answer is megabytes of JSON per request: fewer samples keep the run short.
  const queries: {
    name: string;
    kind: ReadQueryResult['kind'];
    url: (index: number) => string;
    samples?: number;
  }[] = [
    {
      name: 'newest first (default sort), page 1',
      kind: 'master-list',
      url: () => '/complaints?pageSize=50',
    },
    {
      name: 'newest first, page 2 (keyset cursor)',
      kind: 'master-list',
      url: () => `/complaints?pageSize=50${cursor}`,
    },
    {
      name: 'open complaints by next due date',
      kind: 'master-list',
      url: () => '/complaints?status=open&sort=nextDueAt&pageSize=50',
    },
    {
      name: 'one customer, newest first',
      kind: 'master-list',
      url: (i) => `/complaints?customerId=${rotate(args.customers, i)}&pageSize=50`,
    },
    {
      name: 'department + urgent, newest first',
      kind: 'master-list',
      url: (i) => `/complaints?department=${rotate(args.departments, i)}&severity=urgent&pageSize=50`,
    },
    {
      name: 'received in one month, by number',
      kind: 'master-list',
      url: (i) => {
        const [year, m] = month(i).split('-').map(Number) as [number, number];
        const next = m === 12 ? `${year + 1}-01` : `${year}-${String(m + 1).padStart(2, '0')}`;
        return `/complaints?receivedFrom=${month(i)}-01T00:00:00%2B08:00&receivedTo=${next}-01T00:00:00%2B08:00&sort=number&pageSize=50`;
      },
    },
    { name: 'overdue now', kind: 'master-list', url: () => '/complaints?overdue=true&pageSize=50' },
    {
      name: 'tracking list: overdue, by next due date',
      kind: 'tracking-list',
      url: () => '/complaints/tracking?overdue=true&pageSize=50',
    },
    { name: MONTHLY_REPORT_QUERIES.oneMonth, kind: 'monthly-report', url: (i) => `/reports/monthly/${month(i)}` },
    {
      name: 'monthly report, one month with every customer’s section',
      kind: 'monthly-report',
      url: (i) => `/reports/monthly/${month(i)}?customers=all`,
    },
    {
      name: MONTHLY_REPORT_QUERIES.twelveMonths,
      kind: 'monthly-report',
      url: () => `/reports/monthly?from=${args.months[0]}&to=${args.months[args.months.length - 1]}`,
      samples: Math.min(args.samples, 50),
    },
  ];

  const results: ReadQueryResult[] = [];
  const masterSamples: number[] = [];
  for (const query of queries) {
    const samples: number[] = [];
    let items = 0;
    let bytes = 0;
    const count = query.samples ?? args.samples;
    const warmup = Math.min(args.warmup, Math.ceil(count / 10));
    for (let index = 0; index < warmup + count; index++) {
      const url = query.url(index);
      const started = performance.now();
      const response = await get(url);
      const elapsed = performance.now() - started;
      if (index === warmup) {
        bytes = Buffer.byteLength(response.body);
        const body = JSON.parse(response.body) as { items?: unknown[]; reports?: unknown[] };
        items = body.items?.length ?? body.reports?.length ?? 1;
      }
      if (index >= warmup) samples.push(elapsed);
    }
    if (query.kind === 'master-list') masterSamples.push(...samples);
    results.push({
      name: query.name,
      kind: query.kind,
      example: query.url(0),
      items,
      responseBytes: bytes,
      latency: summarize(samples),
    });
  }

  // The same default page straight from the read store: what the query itself costs without HTTP.
  const storeSamples: number[] = [];
  for (let index = 0; index < args.warmup + args.samples; index++) {
    const started = performance.now();
    const asOf = new Date().toISOString();
    const page = await store.find<StoredComplaint>(
      COMPLAINTS_COLLECTION,
      complaintListQuery({ pageSize: 50 }, asOf, DEFAULT_REPORTING_CONFIG),
    );
    page.items.map((document) => toMasterListRow(document, asOf));
    if (index >= args.warmup) storeSamples.push(performance.now() - started);
  }
  results.push({
    name: 'newest first, page 1: read store find + row mapping only',
    kind: 'store',
    example: "store.find('complaints', complaintListQuery({ pageSize: 50 }))",
    items: 50,
    responseBytes: 0,
    latency: summarize(storeSamples),
  });

  return {
    complaints: await store.count(COMPLAINTS_COLLECTION),
    queries: results,
    masterList: summarize(masterSamples),
  };
}

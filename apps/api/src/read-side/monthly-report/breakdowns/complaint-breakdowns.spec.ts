import { openAge, pareto, type AgeComplaint, type ParetoComplaint } from './complaint-breakdowns';

const complaint = (customerId: string, partNo: string, description: string, quantityAffected: number, category: 'machine' | 'method' | null): ParetoComplaint => ({
  customerId,
  partNo,
  description,
  quantityAffected,
  rootCause: category === null ? null : { category, method: 'five_why', description: 'why' },
});

const MONTH_END = '2026-11-30T16:00:00.000Z';
const DAY = 86_400_000;
const receivedDaysBefore = (days: number, closedAt: string | null = null, severity: AgeComplaint['severity'] = 'normal'): AgeComplaint => ({
  receivedAt: new Date(Date.parse(MONTH_END) - days * DAY).toISOString(),
  closedAt,
  severity,
});

describe('Pareto of complaints', () => {
  const complaints = [
    complaint('ACME', 'P-1', 'burr  on edge', 5, 'machine'),
    complaint('ACME', 'P-2', 'burr on edge ', 7, 'machine'),
    complaint('BETA', 'P-1', 'scratch', 100, null),
    complaint('BETA', 'P-3', 'rust', 1, 'method'),
    complaint('GAMMA', 'P-1', 'burr on edge', 2, 'method'),
  ];

  it('groups by the defect as written (whitespace collapsed), most complaints first, with the cumulative share', () => {
    const result = pareto(complaints, 'defect', 10);
    expect(result.items).toEqual([
      { key: 'burr on edge', complaints: 3, quantity: 14, cumulativePercent: 60 },
      { key: 'scratch', complaints: 1, quantity: 100, cumulativePercent: 80 },
      { key: 'rust', complaints: 1, quantity: 1, cumulativePercent: 100 },
    ]);
    expect(result).toMatchObject({ complaints: 5, quantity: 115, others: null });
  });

  it('breaks ties by quantity, then by key', () => {
    expect(pareto(complaints, 'customer', 10).items.map((item) => item.key)).toEqual(['BETA', 'ACME', 'GAMMA']);
    expect(pareto(complaints, 'part', 10).items.map((item) => item.key)).toEqual(['P-1', 'P-2', 'P-3']);
  });

  it('counts complaints without a root cause yet as not analysed', () => {
    expect(pareto(complaints, 'cause', 10).items.map((item) => [item.key, item.complaints])).toEqual([
      ['machine', 2],
      ['method', 2],
      ['not_analysed', 1],
    ]);
  });

  it('sums the items beyond the limit as others, the cumulative share of the listed ones unchanged', () => {
    const result = pareto(complaints, 'defect', 1);
    expect(result.items).toEqual([{ key: 'burr on edge', complaints: 3, quantity: 14, cumulativePercent: 60 }]);
    expect(result.others).toEqual({ items: 2, complaints: 2, quantity: 101 });
  });

  it('is empty over no complaints', () => {
    expect(pareto([], 'part', 10)).toEqual({ complaints: 0, quantity: 0, items: [], others: null });
  });
});

describe('age of the 8Ds open at the month end', () => {
  it('counts whole days open at the cutoff into 0–7, 8–14, 15–30 and more than 30', () => {
    const buckets = openAge(
      [
        receivedDaysBefore(0.5),
        receivedDaysBefore(7.9, null, 'urgent'),
        receivedDaysBefore(8),
        receivedDaysBefore(14.99),
        receivedDaysBefore(15),
        receivedDaysBefore(30.5, null, 'urgent'),
        receivedDaysBefore(31),
        receivedDaysBefore(400),
      ],
      MONTH_END,
    );
    expect(buckets.map((bucket) => [bucket.bucket, bucket.complaints, bucket.urgent])).toEqual([
      ['0-7', 2, 1],
      ['8-14', 2, 0],
      ['15-30', 2, 1],
      ['>30', 2, 0],
    ]);
  });

  it('leaves out complaints closed by the cutoff or received after it, and keeps those closed later', () => {
    const buckets = openAge(
      [
        receivedDaysBefore(20, new Date(Date.parse(MONTH_END) - DAY).toISOString()),
        receivedDaysBefore(20, MONTH_END),
        receivedDaysBefore(-1),
      ],
      MONTH_END,
    );
    expect(buckets.map((bucket) => bucket.complaints)).toEqual([0, 0, 1, 0]);
  });
});

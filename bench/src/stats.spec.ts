import { ratio, summarize } from './stats';

describe('latency summary', () => {
  it('takes nearest-rank percentiles from the raw samples', () => {
    const samples = Array.from({ length: 100 }, (_, index) => 100 - index);
    const summary = summarize(samples);
    expect(summary).toMatchObject({ samples: 100, p50: 50, p90: 90, p99: 99, max: 100 });
    expect(summary.mean).toBeCloseTo(50.5);
  });

  it('gives the only sample for every percentile of one sample', () => {
    expect(summarize([7])).toMatchObject({ p50: 7, p99: 7, max: 7 });
  });

  it('has no ratio without a reference', () => {
    expect(ratio(10, 0)).toBeNull();
    expect(ratio(10, null)).toBeNull();
    expect(ratio(30, 40)).toBe(0.75);
  });
});

/** Latencies in milliseconds, summarised from the raw samples (nearest-rank percentiles). */
export interface LatencySummary {
  readonly samples: number;
  readonly mean: number;
  readonly p50: number;
  readonly p90: number;
  readonly p99: number;
  readonly max: number;
}

export function summarize(samples: readonly number[]): LatencySummary {
  if (samples.length === 0)
    return {
      samples: 0,
      mean: Number.NaN,
      p50: Number.NaN,
      p90: Number.NaN,
      p99: Number.NaN,
      max: Number.NaN,
    };
  const sorted = Float64Array.from(samples).sort();
  const at = (percent: number) =>
    sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((percent / 100) * sorted.length) - 1))]!;
  let sum = 0;
  for (const sample of sorted) sum += sample;
  return {
    samples: sorted.length,
    mean: sum / sorted.length,
    p50: at(50),
    p90: at(90),
    p99: at(99),
    max: sorted[sorted.length - 1]!,
  };
}

/** ours ÷ reference, or null when either is missing. */
export function ratio(ours: number | null | undefined, reference: number | null | undefined): number | null {
  if (ours === null || ours === undefined || reference === null || reference === undefined || reference === 0)
    return null;
  if (!Number.isFinite(ours) || !Number.isFinite(reference)) return null;
  return ours / reference;
}

/** Times an async operation in milliseconds. */
export async function timed(operation: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await operation();
  return performance.now() - started;
}

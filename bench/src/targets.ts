import { MONTHLY_REPORT_QUERIES } from './api/read-api';
import type { BenchResults } from './results';

/** The targets, each judged on one run's figures. */
export interface TargetCheck {
  /** Stable id: the heading of its analysis in bench/analysis.md. */
  readonly id: string;
  readonly target: string;
  readonly figure: string;
  readonly met: boolean | null;
  /** By how much it is missed, in the target's own terms; null when met or not measured. */
  readonly missedBy: string | null;
}

const pct = (value: number) => `${(value * 100).toFixed(0)} %`;
const ms = (value: number) => `${value.toFixed(value < 10 ? 2 : 1)} ms`;

function atLeast(
  id: string,
  target: string,
  label: string,
  value: number | null | undefined,
  minimum: number,
  format = pct,
): TargetCheck {
  if (value === null || value === undefined)
    return { id, target, figure: `${label}: not measured`, met: null, missedBy: null };
  const met = value >= minimum;
  return {
    id,
    target,
    figure: `${label}: ${format(value)}`,
    met,
    missedBy: met
      ? null
      : `${format(minimum - value)} short (${(value / minimum).toFixed(2)}× of the target)`,
  };
}

function below(
  id: string,
  target: string,
  label: string,
  value: number | null | undefined,
  maximum: number,
  format = ms,
): TargetCheck {
  if (value === null || value === undefined)
    return { id, target, figure: `${label}: not measured`, met: null, missedBy: null };
  if (!Number.isFinite(value))
    return {
      id,
      target,
      figure: `${label}: no answer`,
      met: false,
      missedBy: 'no request completed during the measurement',
    };
  const met = value < maximum;
  return {
    id,
    target,
    figure: `${label}: ${format(value)}`,
    met,
    missedBy: met ? null : `${format(value - maximum)} over (${(value / maximum).toFixed(1)}× the limit)`,
  };
}

export function checkTargets(results: BenchResults): TargetCheck[] {
  const { append, http, rebuild, read, memory } = results.parts;
  const times = (value: number) => `${value.toFixed(1)}×`;
  // No answer at all during the load is a miss, not a missing measurement.
  const p99 = (load: { requests: number; latency: { p99: number } } | undefined) =>
    load === undefined ? undefined : load.requests === 0 ? Number.NaN : load.latency.p99;
  const masterQueries = read?.queries.filter((query) => query.kind === 'master-list') ?? [];
  const worstMaster = masterQueries.reduce<(typeof masterQueries)[number] | undefined>(
    (worst, query) => (worst === undefined || query.latency.p99 > worst.latency.p99 ? query : worst),
    undefined,
  );
  const oneMonth = read?.queries.find((query) => query.name === MONTHLY_REPORT_QUERIES.oneMonth);
  const twelveMonths = read?.queries.find((query) => query.name === MONTHLY_REPORT_QUERIES.twelveMonths);
  return [
    atLeast(
      'append-single',
      'Append, one event per append: ≥ 70 % of the raw-insert floor',
      'events/s ÷ floor',
      append?.ratios.singleToFloor,
      0.7,
    ),
    atLeast(
      'append-batched',
      'Append, batched: ≥ 70 % of the raw-insert floor',
      'events/s ÷ floor',
      append?.ratios.batchedToFloor,
      0.7,
    ),
    atLeast(
      'append-peer-single',
      "Append, one per append: far ahead of Emmett's store (taken as ≥ 2×)",
      'events/s ÷ Emmett',
      append?.ratios.singleToPeer,
      2,
      times,
    ),
    atLeast(
      'append-peer-batched',
      "Append, batched: far ahead of Emmett's store (taken as ≥ 2×)",
      'events/s ÷ Emmett',
      append?.ratios.batchedToPeer,
      2,
      times,
    ),
    atLeast(
      'http-register-throughput',
      'HTTP register complaint: ≥ 40 % of the no-op endpoint’s throughput',
      'commands/s ÷ no-op',
      http?.registerComplaint.ratio,
      0.4,
    ),
    below(
      'http-register-p99',
      'HTTP register complaint: p99 < 20 ms',
      'p99 under load',
      p99(http?.registerComplaint.ours),
      20,
    ),
    atLeast(
      'http-add-action-throughput',
      'HTTP add corrective action: ≥ 40 % of the no-op endpoint’s throughput',
      'commands/s ÷ no-op',
      http?.addCorrectiveAction.ratio,
      0.4,
    ),
    below(
      'http-add-action-p99',
      'HTTP add corrective action: p99 < 20 ms',
      'p99 under load',
      p99(http?.addCorrectiveAction.ours),
      20,
    ),
    atLeast(
      'rebuild-in-process',
      'Full rebuild of every read model into the SQLite read store: ≥ 25 % of the raw read + parse floor',
      'events/s ÷ floor',
      rebuild?.ratios.inProcessToFloor,
      0.25,
    ),
    below(
      'read-master-list-p99',
      `Master-list page at ${read ? read.complaints.toLocaleString('en') : '100,000'} complaints: p99 < 10 ms in process (every query of the mix)`,
      worstMaster ? `worst p99 (${worstMaster.name})` : 'worst p99',
      worstMaster?.latency.p99,
      10,
    ),
    below(
      'memory-peak-rss',
      'Peak RSS of the API process on the full history, from start through the read and HTTP parts: < 400 MB',
      'peak RSS (VmHWM at the end)',
      memory ? memory.peakRssMiB * 1.048576 : undefined,
      400,
      (value) => `${value.toFixed(0)} MB`,
    ),
    below(
      'restart-ready',
      'Start on an existing data folder → read models current: < 3 s',
      'fresh process, read models current when it stopped',
      results.restarts?.find((restart) => restart.label === 'read models current')?.readySeconds,
      3,
      (value) => `${value.toFixed(2)} s`,
    ),
    below(
      'monthly-report-size',
      "One month's report: < 50 kB",
      'answer of GET /reports/monthly/:month',
      oneMonth?.responseBytes,
      50_000,
      (value) => `${(value / 1000).toFixed(1)} kB`,
    ),
    below('monthly-report-p99', "One month's report: p99 < 20 ms", 'p99 in process', oneMonth?.latency.p99, 20),
    below('monthly-report-twelve-p99', 'Twelve months of reports: p99 < 100 ms', 'p99 in process', twelveMonths?.latency.p99, 100),
  ];
}

/**
 * Everything the read models and the monthly report depend on besides the events. Changing any of
 * it changes stored read models, so a change means a rebuild (DESIGN §10) — never a silent
 * difference between months computed before and after.
 */
import { SURVEY_DIMENSIONS, type SurveyDimension } from '@qms/survey-domain';
import { isValidTimeZone } from '@qms/complaint-domain';

/** KPIs of the monthly report that can be held against a target (see kpi-targets.ts). */
export const KPI_NAMES = [
  'complaintsReceived',
  'complaintsOpenAtEnd',
  'complaintsOverdueAtEnd',
  'containmentOnTimePercent',
  'actionReplyOnTimePercent',
  'meanDaysToClose',
  'repeatRatePercent',
  'eightDOnTimeClosurePercent',
  'returnsReceived',
  'ntfRatePercent',
  'customerNotifications',
  'defectiveQuantity',
  'ppm',
  'onTimeDeliveryPercent',
  'premiumFreight',
  'csi',
] as const;
export type KpiName = (typeof KPI_NAMES)[number];

/** A target per KPI; null means "no target set" (the met flag is then null too). */
export type KpiTargets = Readonly<Record<KpiName, number | null>>;

export interface CsiConfig {
  /** wᵢ of CSI = Σ wᵢ·scoreᵢ ÷ Σ wᵢ ÷ top of scale × 100. */
  readonly weights: Readonly<Record<SurveyDimension, number>>;
  /** Percent; used when `targetByYear` has no entry for the period's year. */
  readonly target: number;
  /** Rising targets such as 95 → 97 → 98 over three years (procedure §4.1.5), keyed by year. */
  readonly targetByYear: Readonly<Record<string, number>>;
  /** The benchmark the summary compares with (e.g. the customer's or the industry's index). */
  readonly benchmark: number | null;
}

export interface ReportingConfig {
  /** IANA zone in which months and local delivery dates are cut. */
  readonly timeZone: string;
  /** Same customer + part + cause category within this many days (24 h each) is a repeat. */
  readonly repeatWindowDays: number;
  /** A delivery is on time when its local date ≤ promised date + this many days. */
  readonly onTimeDeliveryWindowDays: number;
  readonly targets: KpiTargets;
  /** Per-customer overrides of `targets` (a customer's own PPM or delivery target). */
  readonly customerTargets: Readonly<Record<string, Partial<KpiTargets>>>;
  readonly csi: CsiConfig;
}

/** Defaults a factory meeting would start from; every value is configurable. */
export const DEFAULT_KPI_TARGETS: KpiTargets = {
  complaintsReceived: null,
  complaintsOpenAtEnd: null,
  complaintsOverdueAtEnd: 0,
  containmentOnTimePercent: 100,
  actionReplyOnTimePercent: 95,
  meanDaysToClose: 30,
  repeatRatePercent: 5,
  eightDOnTimeClosurePercent: 90,
  returnsReceived: null,
  ntfRatePercent: null,
  customerNotifications: 0,
  defectiveQuantity: null,
  ppm: 50,
  onTimeDeliveryPercent: 98,
  premiumFreight: 0,
  // Taken from `csi` (per year); a value here is ignored.
  csi: null,
};

export const DEFAULT_REPORTING_CONFIG: ReportingConfig = {
  timeZone: 'Asia/Shanghai',
  repeatWindowDays: 90,
  onTimeDeliveryWindowDays: 0,
  targets: DEFAULT_KPI_TARGETS,
  customerTargets: {},
  csi: {
    weights: Object.fromEntries(SURVEY_DIMENSIONS.map((dimension) => [dimension, 1])) as Record<
      SurveyDimension,
      number
    >,
    target: 95,
    targetByYear: {},
    benchmark: null,
  },
};

export interface ReportingConfigInput {
  readonly timeZone?: string;
  readonly repeatWindowDays?: number;
  readonly onTimeDeliveryWindowDays?: number;
  readonly targets?: Partial<KpiTargets>;
  readonly customerTargets?: Readonly<Record<string, Partial<KpiTargets>>>;
  readonly csi?: Partial<Omit<CsiConfig, 'weights'>> & {
    readonly weights?: Partial<Record<SurveyDimension, number>>;
  };
}

/** Fills the defaults and refuses a configuration the reports could not honour. */
export function resolveReportingConfig(input: ReportingConfigInput = {}): ReportingConfig {
  const config: ReportingConfig = {
    timeZone: input.timeZone ?? DEFAULT_REPORTING_CONFIG.timeZone,
    repeatWindowDays: input.repeatWindowDays ?? DEFAULT_REPORTING_CONFIG.repeatWindowDays,
    onTimeDeliveryWindowDays:
      input.onTimeDeliveryWindowDays ?? DEFAULT_REPORTING_CONFIG.onTimeDeliveryWindowDays,
    targets: { ...DEFAULT_KPI_TARGETS, ...input.targets },
    customerTargets: input.customerTargets ?? {},
    csi: {
      weights: { ...DEFAULT_REPORTING_CONFIG.csi.weights, ...input.csi?.weights },
      target: input.csi?.target ?? DEFAULT_REPORTING_CONFIG.csi.target,
      targetByYear: input.csi?.targetByYear ?? {},
      benchmark:
        input.csi?.benchmark === undefined ? DEFAULT_REPORTING_CONFIG.csi.benchmark : input.csi.benchmark,
    },
  };
  const problems: string[] = [];
  if (!isValidTimeZone(config.timeZone)) problems.push(`timeZone: unknown IANA zone '${config.timeZone}'`);
  if (!Number.isInteger(config.repeatWindowDays) || config.repeatWindowDays < 0) {
    problems.push('repeatWindowDays: a whole number ≥ 0');
  }
  if (!Number.isInteger(config.onTimeDeliveryWindowDays) || config.onTimeDeliveryWindowDays < 0) {
    problems.push('onTimeDeliveryWindowDays: a whole number ≥ 0');
  }
  for (const dimension of SURVEY_DIMENSIONS) {
    const weight = config.csi.weights[dimension];
    if (!Number.isFinite(weight) || weight < 0) problems.push(`csi.weights.${dimension}: a number ≥ 0`);
  }
  if (SURVEY_DIMENSIONS.every((dimension) => config.csi.weights[dimension] === 0)) {
    problems.push('csi.weights: at least one weight > 0');
  }
  if (problems.length > 0) throw new Error(`Invalid reporting configuration: ${problems.join('; ')}`);
  return config;
}

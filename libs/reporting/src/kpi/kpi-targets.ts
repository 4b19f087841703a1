import type { KpiName, KpiTargets, ReportingConfig } from './reporting-config';

/** `at_least`: the value must reach the target (on-time %); `at_most`: must not exceed it (PPM). */
export type KpiDirection = 'at_least' | 'at_most';

export const KPI_DIRECTIONS: Readonly<Record<KpiName, KpiDirection>> = {
  complaintsReceived: 'at_most',
  complaintsOpenAtEnd: 'at_most',
  complaintsOverdueAtEnd: 'at_most',
  containmentOnTimePercent: 'at_least',
  actionReplyOnTimePercent: 'at_least',
  meanDaysToClose: 'at_most',
  repeatRatePercent: 'at_most',
  eightDOnTimeClosurePercent: 'at_least',
  returnsReceived: 'at_most',
  ntfRatePercent: 'at_most',
  customerNotifications: 'at_most',
  defectiveQuantity: 'at_most',
  ppm: 'at_most',
  onTimeDeliveryPercent: 'at_least',
  premiumFreight: 'at_most',
  csi: 'at_least',
};

export interface KpiResult {
  /** Full precision; null when the KPI has no value this month (e.g. PPM with nothing delivered). */
  readonly value: number | null;
  readonly target: number | null;
  readonly direction: KpiDirection;
  /** null when there is no value or no target; false calls for corrective action (§5.2.3). */
  readonly met: boolean | null;
}

export function evaluateKpi(name: KpiName, value: number | null, target: number | null): KpiResult {
  const direction = KPI_DIRECTIONS[name];
  const met =
    value === null || target === null ? null : direction === 'at_least' ? value >= target : value <= target;
  return { value, target, direction, met };
}

/** Targets for the total (customerId null) or for one customer, the CSI target of that year. */
export function targetsFor(config: ReportingConfig, customerId: string | null, year: string): KpiTargets {
  const override = customerId === null ? undefined : config.customerTargets[customerId];
  return {
    ...config.targets,
    ...override,
    csi: csiTargetFor(config, year),
  };
}

export function csiTargetFor(config: Pick<ReportingConfig, 'csi'>, year: string): number {
  return config.csi.targetByYear[year] ?? config.csi.target;
}

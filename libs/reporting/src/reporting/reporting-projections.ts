import type { DomainEvent } from '@qms/domain-kernel';
import type { Projection } from '@qms/projection-engine';
import type { ReportingConfig } from '../kpi/reporting-config';
import { COMPLAINT_LISTS_PROJECTION, createComplaintListsProjection } from './complaint-lists.projection';
import type { MonthlyReportMaterializer } from './monthly-report-materializer';
import { createMonthlyReportProjection, DEFAULT_MONTHLY_REPORT_FLUSH, MONTHLY_REPORT_PROJECTION, type MonthlyReportFlushTiming } from './monthly-report.projection';
import { createSatisfactionSummaryReadModel, SATISFACTION_SUMMARY_PROJECTION } from './satisfaction-summary-read-model.projection';

export const REPORTING_PROJECTION_NAMES = [COMPLAINT_LISTS_PROJECTION, MONTHLY_REPORT_PROJECTION, SATISFACTION_SUMMARY_PROJECTION] as const;
export type ReportingProjectionName = (typeof REPORTING_PROJECTION_NAMES)[number];

export interface ReportingProjections {
  /** Every read model's projection, each with its own checkpoint, state and rebuild. */
  readonly all: readonly Projection<DomainEvent>[];
  readonly materializer: MonthlyReportMaterializer;
  byName(name: string): Projection<DomainEvent> | undefined;
}

/** One projection per read model: complaint lists, monthly report, satisfaction summary. */
export function createReportingProjections(config: ReportingConfig, flush: MonthlyReportFlushTiming = DEFAULT_MONTHLY_REPORT_FLUSH): ReportingProjections {
  const monthlyReport = createMonthlyReportProjection(config, flush);
  const all = [createComplaintListsProjection(config), monthlyReport, createSatisfactionSummaryReadModel(config)];
  return { all, materializer: monthlyReport.materializer, byName: (name) => all.find((projection) => projection.name === name) };
}

export function isReportingProjectionName(name: string): name is ReportingProjectionName {
  return (REPORTING_PROJECTION_NAMES as readonly string[]).includes(name);
}

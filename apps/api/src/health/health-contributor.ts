/** Parts of the app (read store, projections) that report their own health under /health. */
export interface HealthContributor {
  readonly name: string;
  /** `ready: false` in the result makes /health answer 503 "degraded" (see health.controller.ts). */
  health(): Promise<Record<string, unknown>>;
}

export const HEALTH_CONTRIBUTORS = Symbol('HEALTH_CONTRIBUTORS');

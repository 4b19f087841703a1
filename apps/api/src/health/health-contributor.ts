import type { DependencyCheck } from './with-timeout';

/**
 * Parts of the app that report their own health under /health/ready. A contributor whose status
 * is `down` makes the service unready; one that only reports (projections) answers `up`.
 */
export interface HealthContributor {
  readonly name: string;
  health(timeoutMs: number): Promise<DependencyCheck>;
}

export const HEALTH_CONTRIBUTORS = Symbol('HEALTH_CONTRIBUTORS');

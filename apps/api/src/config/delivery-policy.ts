import type { AppConfig } from './app-config';

export const DELIVERY_POLICY = Symbol('DELIVERY_POLICY');

export interface DeliveryPolicy {
  /** Field separator of the ERP's CSV export: ',' by default; ';' where Excel uses a decimal comma. */
  readonly csvDelimiter: string;
}

/** `deliveries` of QMS_POLICY_FILE: `{ csvDelimiter?: "," | ";" | "\t" | "|" }` (checked by the file's schema). */
export function deliveryPolicyFrom(config: AppConfig): DeliveryPolicy {
  return { csvDelimiter: config.policy.deliveries?.csvDelimiter ?? ',' };
}

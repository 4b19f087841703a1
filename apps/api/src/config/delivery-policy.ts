import { type AppConfig, ConfigurationError } from './app-config';

export const DELIVERY_POLICY = Symbol('DELIVERY_POLICY');

export interface DeliveryPolicy {
  /** Field separator of the ERP's CSV export: ',' by default; ';' where Excel uses a decimal comma. */
  readonly csvDelimiter: string;
}

/** `deliveries` of QMS_POLICY_FILE: `{ csvDelimiter?: "," | ";" | "\t" | "|" }`. */
export function deliveryPolicyFrom(config: AppConfig): DeliveryPolicy {
  const section = config.policy['deliveries'] ?? {};
  if (typeof section !== 'object' || section === null || Array.isArray(section)) {
    throw new ConfigurationError(
      'QMS_POLICY_FILE deliveries must be an object such as { "csvDelimiter": ";" }.',
    );
  }
  const delimiter = (section as { csvDelimiter?: unknown }).csvDelimiter ?? ',';
  if (typeof delimiter !== 'string' || ![',', ';', '\t', '|'].includes(delimiter)) {
    throw new ConfigurationError(
      `QMS_POLICY_FILE deliveries.csvDelimiter is ${JSON.stringify(delimiter)}; use one of "," ";" "\\t" "|".`,
    );
  }
  return { csvDelimiter: delimiter };
}

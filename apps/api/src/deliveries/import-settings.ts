import { zonedTimeToInstant } from '@qms/complaint-domain';
import type { AppConfig } from '../config/app-config';
import { deliveryPolicyFrom } from '../config/delivery-policy';
import { deadlinePolicyFrom } from '../config/domain-policy';
import type { DeliveryImportSettings } from './delivery-importer';

/**
 * How an ERP export is read, for the API and the CLI alike: the policy's delimiter, and local
 * date-times (Excel writes no offset) in the same zone as deadlines and report months.
 */
export function deliveryImportSettings(config: AppConfig): DeliveryImportSettings {
  const { timeZone } = deadlinePolicyFrom(config).default;
  return {
    delimiter: deliveryPolicyFrom(config).csvDelimiter,
    localTime: ({ year, month, day, hour, minute, second }) =>
      zonedTimeToInstant({ year, month, day }, { hour, minute, second, millisecond: 0 }, timeZone),
  };
}

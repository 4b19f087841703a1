import { IllegalStateError } from '@qms/domain-kernel';

/**
 * The only way RecordDelivery is refused by state is an order line already recorded with other
 * facts; the domain names the command, the caller needs the endpoint.
 */
export function withCorrectionHint(error: IllegalStateError): IllegalStateError {
  return new IllegalStateError(
    `${error.message}: send it as a correction with a reason (POST /deliveries/corrections)`,
  );
}

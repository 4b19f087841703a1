import type { DeliveryCommand } from '@qms/delivery-domain';
import type { RequestContext } from '../auth/request-context';

/** The message on the @nestjs/cqrs CommandBus; the order line in the command names the stream. */
export class DeliveryStepCommand {
  constructor(
    readonly command: DeliveryCommand,
    readonly context: RequestContext,
  ) {}
}

import type { ComplaintCommand, CustomerNotificationCommand, RegisterComplaintData, ReopenFacts } from '@qms/complaint-domain';
import type { RequestContext } from '../auth/request-context';

/** Messages on the @nestjs/cqrs CommandBus; the domain commands travel inside them. */
export class RegisterComplaintCommand {
  constructor(
    readonly data: Omit<RegisterComplaintData, 'complaintNumber'>,
    readonly context: RequestContext,
  ) {}
}

export class ComplaintStepCommand {
  constructor(
    readonly complaintNumber: string,
    readonly command: ComplaintCommand,
    readonly context: RequestContext,
  ) {}
}

export class ReopenComplaintCommand {
  constructor(
    readonly complaintNumber: string,
    readonly reason: string,
    readonly occurredAt: string,
    readonly context: RequestContext,
    /** The customer's new facts for the new complaint; the rest is copied from the original. */
    readonly facts: ReopenFacts = {},
  ) {}
}

export class CustomerNotificationStepCommand {
  constructor(
    readonly notificationId: string,
    readonly command: CustomerNotificationCommand,
    readonly context: RequestContext,
  ) {}
}

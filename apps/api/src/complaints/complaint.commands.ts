import type {
  ComplaintCommand,
  EndCustomerNotificationData,
  RecordCustomerNotificationData,
  RegisterComplaintData,
  ReopenFacts,
} from '@qms/complaint-domain';
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

/** A new customer notification; its id and, when not given, its time are the handler's to decide. */
export class RecordCustomerNotificationCommand {
  constructor(
    readonly data: Omit<RecordCustomerNotificationData, 'notificationId' | 'occurredAt'> & { readonly occurredAt?: string },
    readonly context: RequestContext,
  ) {}
}

export class EndCustomerNotificationCommand {
  constructor(
    readonly notificationId: string,
    readonly data: Omit<EndCustomerNotificationData, 'notificationId' | 'occurredAt'> & { readonly occurredAt?: string },
    readonly context: RequestContext,
  ) {}
}

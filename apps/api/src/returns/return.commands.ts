import type { ReturnCommand } from '@qms/return-domain';
import type { RequestContext } from '../auth/request-context';

/** The message on the @nestjs/cqrs CommandBus; the domain command travels inside it. */
export class ReturnStepCommand {
  constructor(
    readonly returnId: string,
    readonly command: ReturnCommand,
    readonly context: RequestContext,
  ) {}
}

/** Receiving creates the return: its id is picked by the handler, once per Idempotency-Key. */
export class ReceiveReturnCommand {
  constructor(
    readonly command: (returnId: string) => ReturnCommand,
    readonly context: RequestContext,
  ) {}
}

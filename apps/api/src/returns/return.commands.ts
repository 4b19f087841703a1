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

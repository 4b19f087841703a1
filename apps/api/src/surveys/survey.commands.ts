import type { SurveyCommand } from '@qms/survey-domain';
import type { RequestContext } from '../auth/request-context';

/** The message on the @nestjs/cqrs CommandBus; the domain command travels inside it. */
export class SurveyStepCommand {
  constructor(
    readonly periodId: string,
    readonly command: SurveyCommand,
    readonly context: RequestContext,
  ) {}
}

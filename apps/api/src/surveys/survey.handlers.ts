import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { CommandExecutor, type CommandResult } from '@qms/command-handling';
import { createSurveyDecider, type SurveyDecider, surveyStreamId } from '@qms/survey-domain';
import { SURVEY_POLICY, type SurveyPolicy } from '../config/survey-policy';
import { SurveyStepCommand } from './survey.commands';

@CommandHandler(SurveyStepCommand)
export class SurveyStepHandler implements ICommandHandler<SurveyStepCommand, CommandResult> {
  private readonly decider: SurveyDecider;

  constructor(
    private readonly executor: CommandExecutor,
    @Inject(SURVEY_POLICY) policy: SurveyPolicy,
  ) {
    this.decider = createSurveyDecider(policy.config);
  }

  execute({ periodId, command, context }: SurveyStepCommand): Promise<CommandResult> {
    return this.executor.execute(this.decider, surveyStreamId(periodId), command, context);
  }
}

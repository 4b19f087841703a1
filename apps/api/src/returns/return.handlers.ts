import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { CommandExecutor, type CommandResult } from '@qms/command-handling';
import { createReturnDecider, returnStreamId } from '@qms/return-domain';
import { ReturnStepCommand } from './return.commands';

@CommandHandler(ReturnStepCommand)
export class ReturnStepHandler implements ICommandHandler<ReturnStepCommand, CommandResult> {
  private readonly decider = createReturnDecider();

  constructor(private readonly executor: CommandExecutor) {}

  execute({ returnId, command, context }: ReturnStepCommand): Promise<CommandResult> {
    return this.executor.execute(this.decider, returnStreamId(returnId), command, context);
  }
}

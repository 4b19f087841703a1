import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { CommandExecutor, type CommandResult } from '@qms/command-handling';
import { createReturnDecider, returnStreamId } from '@qms/return-domain';
import { randomUUID } from 'node:crypto';
import { ReceiveReturnCommand, ReturnStepCommand } from './return.commands';

@CommandHandler(ReturnStepCommand)
export class ReturnStepHandler implements ICommandHandler<ReturnStepCommand, CommandResult> {
  private readonly decider = createReturnDecider();

  constructor(private readonly executor: CommandExecutor) {}

  execute({ returnId, command, context }: ReturnStepCommand): Promise<CommandResult> {
    return this.executor.execute(this.decider, returnStreamId(returnId), command, context);
  }
}

@CommandHandler(ReceiveReturnCommand)
export class ReceiveReturnHandler implements ICommandHandler<ReceiveReturnCommand, CommandResult & { readonly id: string }> {
  private readonly decider = createReturnDecider();

  constructor(private readonly executor: CommandExecutor) {}

  execute({ command, context }: ReceiveReturnCommand): Promise<CommandResult & { readonly id: string }> {
    return this.executor.executeNew(this.decider, randomUUID, returnStreamId, command, context);
  }
}

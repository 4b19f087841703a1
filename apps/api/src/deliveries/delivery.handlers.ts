import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { CommandExecutor, type CommandResult } from '@qms/command-handling';
import { createDeliveryDecider, deliveryStreamId } from '@qms/delivery-domain';
import { IllegalStateError } from '@qms/domain-kernel';
import { withCorrectionHint } from './correction-hint';
import { DeliveryStepCommand } from './delivery.commands';

@CommandHandler(DeliveryStepCommand)
export class DeliveryStepHandler implements ICommandHandler<DeliveryStepCommand, CommandResult> {
  private readonly decider = createDeliveryDecider();

  constructor(private readonly executor: CommandExecutor) {}

  async execute({ command, context }: DeliveryStepCommand): Promise<CommandResult> {
    try {
      return await this.executor.execute(
        this.decider,
        deliveryStreamId(command.orderNo, command.lineNo),
        command,
        context,
      );
    } catch (error) {
      if (command.type === 'RecordDelivery' && error instanceof IllegalStateError)
        throw withCorrectionHint(error);
      throw error;
    }
  }
}

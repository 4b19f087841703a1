import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { CommandExecutor, type CommandResult } from '@qms/command-handling';
import { createDeliveryDecider, deliveryStreamId } from '@qms/delivery-domain';
import { IllegalStateError } from '@qms/domain-kernel';
import { withCorrectionHint } from './correction-hint';
import { type DeliveryBatchOutcome, DeliveryStepCommand, RecordDeliveryBatchCommand } from './delivery.commands';

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

/** A batch of an import: one store commit for the batch, each row decided like POST /deliveries. */
@CommandHandler(RecordDeliveryBatchCommand)
export class RecordDeliveryBatchHandler implements ICommandHandler<RecordDeliveryBatchCommand, DeliveryBatchOutcome[]> {
  private readonly decider = createDeliveryDecider();

  constructor(private readonly executor: CommandExecutor) {}

  execute({ deliveries, metadata }: RecordDeliveryBatchCommand): Promise<DeliveryBatchOutcome[]> {
    return this.executor.executeMany(
      this.decider,
      deliveries.map((command) => ({ streamId: deliveryStreamId(command.orderNo, command.lineNo), command })),
      metadata,
    );
  }
}

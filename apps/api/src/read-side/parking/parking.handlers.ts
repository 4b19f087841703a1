import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { CommandExecutor, type CommandResult } from '@qms/command-handling';
import { parkingDecider, parkingStreamId } from '@qms/projection-engine';
import { ParkingDecisionCommand } from './parking.commands';

@CommandHandler(ParkingDecisionCommand)
export class ParkingDecisionHandler implements ICommandHandler<ParkingDecisionCommand, CommandResult> {
  constructor(private readonly executor: CommandExecutor) {}

  execute({ command, context }: ParkingDecisionCommand): Promise<CommandResult> {
    return this.executor.execute(parkingDecider, parkingStreamId(command.projection), command, context);
  }
}

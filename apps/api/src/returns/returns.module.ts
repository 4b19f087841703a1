import { Module } from '@nestjs/common';
import { ReceiveReturnHandler, ReturnStepHandler } from './return.handlers';
import { ReturnsController } from './returns.controller';

@Module({
  controllers: [ReturnsController],
  providers: [ReceiveReturnHandler, ReturnStepHandler],
})
export class ReturnsModule {}

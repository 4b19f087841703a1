import { Module } from '@nestjs/common';
import { ReturnStepHandler } from './return.handlers';
import { ReturnsController } from './returns.controller';

@Module({
  controllers: [ReturnsController],
  providers: [ReturnStepHandler],
})
export class ReturnsModule {}

import { Module } from '@nestjs/common';
import { CommandExecutor } from '@qms/command-handling';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { DELIVERY_POLICY, type DeliveryPolicy, deliveryPolicyFrom } from '../config/delivery-policy';
import { CLOCK, type Clock } from '../infrastructure/tokens';
import { DeliveriesController } from './deliveries.controller';
import { DeliveryImporter } from './delivery-importer';
import { DeliveryStepHandler } from './delivery.handlers';

@Module({
  controllers: [DeliveriesController],
  providers: [
    {
      provide: DELIVERY_POLICY,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => deliveryPolicyFrom(config),
    },
    {
      provide: DeliveryImporter,
      inject: [CommandExecutor, CLOCK, DELIVERY_POLICY],
      useFactory: (executor: CommandExecutor, clock: Clock, policy: DeliveryPolicy) =>
        new DeliveryImporter(executor, clock, { delimiter: policy.csvDelimiter }),
    },
    DeliveryStepHandler,
  ],
})
export class DeliveriesModule {}

import { Module } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { CommandExecutor } from '@qms/command-handling';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { DELIVERY_POLICY, deliveryPolicyFrom } from '../config/delivery-policy';
import { CLOCK, type Clock } from '../infrastructure/tokens';
import { DeliveriesController } from './deliveries.controller';
import { DeliveryImporter } from './delivery-importer';
import { DeliveryStepHandler, RecordDeliveryBatchHandler } from './delivery.handlers';
import { deliveryImportSettings } from './import-settings';

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
      inject: [CommandExecutor, CommandBus, CLOCK, APP_CONFIG],
      useFactory: (executor: CommandExecutor, bus: CommandBus, clock: Clock, config: AppConfig) =>
        new DeliveryImporter(executor, bus, clock, deliveryImportSettings(config)),
    },
    DeliveryStepHandler,
    RecordDeliveryBatchHandler,
  ],
})
export class DeliveriesModule {}

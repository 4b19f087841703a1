import { Module } from '@nestjs/common';
import { EVENT_STORE, type EventStore } from '@qms/event-store';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { DEADLINE_POLICY, deadlinePolicyFrom } from '../config/domain-policy';
import { ComplaintNumberAllocator } from './complaint-number-allocator';
import {
  ComplaintStepHandler,
  EndCustomerNotificationHandler,
  RecordCustomerNotificationHandler,
  RegisterComplaintHandler,
  ReopenComplaintHandler,
} from './complaint.handlers';
import { ComplaintsController } from './complaints.controller';
import { CustomerNotificationsController } from './customer-notifications.controller';

@Module({
  controllers: [ComplaintsController, CustomerNotificationsController],
  providers: [
    { provide: DEADLINE_POLICY, inject: [APP_CONFIG], useFactory: (config: AppConfig) => deadlinePolicyFrom(config) },
    { provide: ComplaintNumberAllocator, inject: [EVENT_STORE], useFactory: (store: EventStore) => new ComplaintNumberAllocator(store) },
    RegisterComplaintHandler,
    ComplaintStepHandler,
    ReopenComplaintHandler,
    RecordCustomerNotificationHandler,
    EndCustomerNotificationHandler,
  ],
  exports: [DEADLINE_POLICY],
})
export class ComplaintsModule {}

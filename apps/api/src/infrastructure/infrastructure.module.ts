import { type DynamicModule, Global, Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import { CommandExecutor, IdempotencyRecords } from '@qms/command-handling';
import { EventCatalogue, defaultEventCatalogue } from '@qms/event-catalogue';
import { EVENT_STORE, type EventStore, createEventStore } from '@qms/event-store';
import { ApiKeyAuthenticator } from '../auth/api-key.authenticator';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { ApiMetrics } from '../observability/api-metrics';
import { TimedEventStore } from '../observability/timed-event-store';
import { CLOCK, type Clock, EVENT_CATALOGUE } from './tokens';

/** The event store, the command executor and the authenticator, shared by every context module. */
@Global()
@Module({})
export class InfrastructureModule implements OnApplicationShutdown {
  constructor(@Inject(EVENT_STORE) private readonly eventStore: EventStore) {}

  static forRoot(config: AppConfig, overrides: { clock?: Clock; eventStore?: EventStore } = {}): DynamicModule {
    const clock: Clock = overrides.clock ?? (() => new Date());
    return {
      module: InfrastructureModule,
      providers: [
        { provide: APP_CONFIG, useValue: config },
        { provide: CLOCK, useValue: clock },
        {
          provide: EVENT_STORE,
          inject: [ApiMetrics],
          useFactory: async (metrics: ApiMetrics): Promise<EventStore> =>
            new TimedEventStore(
              overrides.eventStore ??
                (await createEventStore({ ...(config.eventStoreUrl ? { eventStoreUrl: config.eventStoreUrl } : {}), sqlitePath: config.eventsDbPath, sqliteWriter: config.eventsDbWriter })),
              metrics,
            ),
        },
        { provide: EVENT_CATALOGUE, useFactory: (): EventCatalogue => defaultEventCatalogue() },
        {
          provide: CommandExecutor,
          inject: [EVENT_STORE, EVENT_CATALOGUE],
          useFactory: (store: EventStore, catalogue: EventCatalogue) => new CommandExecutor(store, catalogue, clock),
        },
        { provide: IdempotencyRecords, inject: [EVENT_STORE], useFactory: (store: EventStore) => new IdempotencyRecords(store) },
        { provide: ApiKeyAuthenticator, useFactory: () => new ApiKeyAuthenticator(config.apiKeys) },
      ],
      exports: [APP_CONFIG, CLOCK, EVENT_STORE, EVENT_CATALOGUE, CommandExecutor, IdempotencyRecords, ApiKeyAuthenticator],
    };
  }

  async onApplicationShutdown(): Promise<void> {
    await this.eventStore.close();
  }
}

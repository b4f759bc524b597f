import { DynamicModule, Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DomainEventRecord } from './domain-event.entity';
import { EventBus } from './event-bus';
import { EventDeliveryProcessor } from './event-delivery.processor';
import { EventHandlerRegistry } from './event-handler.registry';
import { EventSecrets } from './event-secrets';
import { EVENTS_OPTIONS, EventsModuleOptions } from './events.options';
import { LostJobRecovery } from './lost-job-recovery';
import { OutboxCommitSubscriber } from './outbox-commit.subscriber';
import { OutboxRelay } from './outbox-relay';
import { OutboxSweeper } from './outbox-sweeper';

@Module({})
export class EventsModule {
  static forRoot(options: EventsModuleOptions): DynamicModule {
    return {
      module: EventsModule,
      global: true,
      imports: [DiscoveryModule, TypeOrmModule.forFeature([DomainEventRecord])],
      providers: [
        { provide: EVENTS_OPTIONS, useValue: options },
        EventBus,
        EventHandlerRegistry,
        OutboxRelay,
        OutboxSweeper,
        LostJobRecovery,
        OutboxCommitSubscriber,
        EventDeliveryProcessor,
        EventSecrets,
      ],
      exports: [EventBus, OutboxRelay, OutboxSweeper, EventSecrets],
    };
  }
}

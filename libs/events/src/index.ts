export * from './domain-event';
export * from './domain-event.entity';
export * from './event-bus';
export * from './event-handler';
export * from './events.module';
export * from './events.options';
export * from './outbox-relay';
export * from './outbox-sweeper';

import { Injectable, Logger } from '@nestjs/common';
import { JobHandler, JobProcessor, type Job } from '@tessera/queue';
import { DataSource } from 'typeorm';
import { DomainEvent } from './domain-event';
import { DomainEventRecord } from './domain-event.entity';
import { DELIVER_EVENT_JOB, EVENTS_QUEUE } from './event-handler';
import { EventHandlerRegistry } from './event-handler.registry';
import type { DeliverEventJob, OutboxEvent } from './outbox-relay';

export type DeliveryResult = 'DELIVERED' | 'SKIPPED';

/** Runs one after-commit handler for one event; a throw makes the queue retry with backoff. */
@Injectable()
@JobProcessor(EVENTS_QUEUE)
export class EventDeliveryProcessor {
  private readonly logger = new Logger('EventDelivery');

  constructor(
    private readonly dataSource: DataSource,
    private readonly registry: EventHandlerRegistry,
  ) {}

  @JobHandler(DELIVER_EVENT_JOB)
  async deliver(job: Job<DeliverEventJob>): Promise<DeliveryResult> {
    const { eventId, handler: key } = job.data;
    const handler = this.registry.byHandlerKey(key);
    const record = job.data.event
      ? { ...job.data.event, occurredAt: new Date(job.data.event.occurredAt) }
      : await this.dataSource.getRepository(DomainEventRecord).findOneBy({ id: eventId });
    const eventClass = record && handler?.events.get(record.type);
    if (!handler || !record || !eventClass) {
      const reason = !record ? 'event gone' : !handler ? 'handler gone' : 'handler no longer handles this type';
      this.logger.warn({ message: 'Nothing to deliver', eventId, handler: key, reason });
      return 'SKIPPED';
    }
    await handler.handle(rehydrate(eventClass, record), {
      attempt: job.attemptsMade + 1,
      lastAttempt: job.attemptsMade + 1 >= job.attempts,
    });
    return 'DELIVERED';
  }
}

function rehydrate(eventClass: { prototype: DomainEvent }, record: OutboxEvent): DomainEvent {
  return Object.assign(Object.create(eventClass.prototype) as DomainEvent, {
    id: record.id,
    occurredAt: record.occurredAt,
    organizationId: record.organizationId,
    actorId: record.actorId,
    payload: record.payload,
  });
}

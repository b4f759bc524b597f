import { Injectable, Logger } from '@nestjs/common';
import { JobHandler, JobProcessor, type Job } from '@tessera/queue';
import { DataSource } from 'typeorm';
import { DomainEvent } from './domain-event';
import { DomainEventRecord } from './domain-event.entity';
import { DELIVER_EVENT_JOB, EVENTS_QUEUE } from './event-handler';
import { EventHandlerRegistry } from './event-handler.registry';
import type { DeliverEventJob, OutboxEvent } from './outbox-relay';
import { settleHandler } from './pending-handlers';

export type DeliveryResult = 'DELIVERED' | 'SKIPPED';

/**
 * Runs one after-commit handler for one event; a throw makes the queue retry with backoff. Once the
 * handler is done with the event (it finished, had nothing to do, or gave up on its last attempt),
 * its key leaves the event's pending handlers: only a job that never got that far is looked for
 * by the sweeper.
 */
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
      await settleHandler(this.dataSource, eventId, key);
      return 'SKIPPED';
    }
    const lastAttempt = job.attemptsMade + 1 >= job.attempts;
    try {
      await handler.handle(rehydrate(eventClass, record), { attempt: job.attemptsMade + 1, lastAttempt });
    } catch (error) {
      if (lastAttempt) await this.giveUp(record, key, error);
      throw error;
    }
    await settleHandler(this.dataSource, eventId, key);
    return 'DELIVERED';
  }

  /** No retry follows: the handler is done with the event, and someone must hear that it failed. */
  private async giveUp(record: OutboxEvent, key: string, error: unknown): Promise<void> {
    this.logger.error({ message: 'Event handler gave up', eventId: record.id, type: record.type, handler: key, error: String(error) });
    try {
      await settleHandler(this.dataSource, record.id, key);
    } catch (settleError) {
      // The job still fails with the handler's own error; the sweeper finds it failed and settles it.
      this.logger.warn({ message: 'Could not mark the handler done', eventId: record.id, handler: key, error: String(settleError) });
    }
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

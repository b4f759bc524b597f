import { Injectable } from '@nestjs/common';
import { DomainEvent, OnEventAfterCommit } from '@tessera/events';
import { PublicEventBuilder, WEBHOOK_SOURCE_EVENTS } from '../catalog';
import { WebhookDeliveryQueue } from './webhook-delivery-queue';
import { WebhookDeliveryStore } from './webhook-delivery-store';

const [FIRST_SOURCE, ...OTHER_SOURCES] = WEBHOOK_SOURCE_EVENTS;

/**
 * After commit, turns each internal event integrators may see into deliveries: the public events
 * are built once and stored with each delivery, so every retry sends the same body. A re-run of
 * the handler finds the deliveries made and queues nothing more (a job lost in between is the
 * sweeper's).
 */
@Injectable()
export class WebhookFanOut {
  constructor(
    private readonly builder: PublicEventBuilder,
    private readonly store: WebhookDeliveryStore,
    private readonly queue: WebhookDeliveryQueue,
  ) {}

  @OnEventAfterCommit(FIRST_SOURCE, ...OTHER_SOURCES)
  async onEvent(event: DomainEvent): Promise<void> {
    // Most events have nobody to go to: one indexed look-up then, not the builder's reads.
    const endpoints = await this.store.endpointsFor(event.organizationId);
    if (endpoints.length === 0) return;
    const publicEvents = await this.builder.build({
      id: event.id,
      type: event.type,
      organizationId: event.organizationId,
      actorId: event.actorId,
      payload: event.payload,
      occurredAt: event.occurredAt,
    });
    const deliveries = await this.store.insertForEvents(endpoints, publicEvents);
    await this.queue.enqueue(deliveries);
  }
}

import { Transactional, TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { Injectable } from '@nestjs/common';
import { NotFoundError } from '@tessera/common';
import type { OutboxEvent } from '@tessera/events';
import type { Actor } from '../../identity/auth/actor';
import { PublicEventBuilder, WEBHOOK_SOURCE_EVENTS, webhookTestEvent, type PublicWebhookEvent } from '../catalog';
import { WebhookDelivery } from '../entities/webhook-delivery.entity';
import { WebhookEndpointAccess } from '../webhook-endpoint-access';
import { WebhookDeliveryQueue } from './webhook-delivery-queue';
import { WebhookDeliveryStore, type QueuedDelivery } from './webhook-delivery-store';

/** The most internal events one replay reads. */
export const REPLAY_LIMIT = 10_000;
/** Internal events built at once during a replay. */
const REPLAY_BUILD_BATCH = 50;

/**
 * What people do with deliveries: send one again, replay past events to an endpoint, send a test
 * event. Each changes the log in one transaction and queues the jobs once it has committed.
 */
@Injectable()
export class WebhookDeliveriesService {
  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly access: WebhookEndpointAccess,
    private readonly store: WebhookDeliveryStore,
    private readonly queue: WebhookDeliveryQueue,
    private readonly builder: PublicEventBuilder,
  ) {}

  async redeliver(actor: Actor, webhookDeliveryId: string): Promise<WebhookDelivery> {
    const queued = await this.resetDelivery(actor, webhookDeliveryId);
    await this.queue.enqueue([queued], { fresh: 'now' });
    return this.deliveryById(queued.id);
  }

  /** Every public event of the endpoint's scope (its organisation, or all for a platform endpoint) since then, oldest first; returns how many deliveries were queued. */
  async replay(actor: Actor, webhookEndpointId: string, since: Date): Promise<number> {
    const endpoint = await this.access.endpoint(actor, webhookEndpointId);
    const events = await this.sourceEventsSince(endpoint.organizationId, since);
    const publicEvents: PublicWebhookEvent[] = [];
    for (let from = 0; from < events.length; from += REPLAY_BUILD_BATCH) {
      const built = await Promise.all(events.slice(from, from + REPLAY_BUILD_BATCH).map((event) => this.builder.build(event)));
      publicEvents.push(...built.flat());
    }
    const wanted = publicEvents.filter((event) => endpoint.eventTypes.length === 0 || endpoint.eventTypes.includes(event.type));
    const queued = await this.insertDeliveries(endpoint.id, wanted);
    await this.queue.enqueue(queued, { fresh: 'now' });
    return queued.length;
  }

  async sendTest(actor: Actor, webhookEndpointId: string): Promise<WebhookDelivery> {
    const endpoint = await this.access.endpoint(actor, webhookEndpointId);
    const [queued] = await this.insertDeliveries(endpoint.id, [
      webhookTestEvent({ organizationId: endpoint.organizationId, webhookEndpointId: endpoint.id }),
    ]);
    await this.queue.enqueue([queued]);
    return this.deliveryById(queued.id);
  }

  @Transactional()
  private async resetDelivery(actor: Actor, webhookDeliveryId: string): Promise<QueuedDelivery> {
    const delivery = await this.txHost.tx.getRepository(WebhookDelivery).findOne({
      where: { id: webhookDeliveryId },
      relations: { endpoint: true },
      lock: { mode: 'pessimistic_write', tables: ['webhook_delivery'] },
    });
    if (!delivery?.endpoint) throw new NotFoundError('WebhookDelivery', webhookDeliveryId);
    await this.access.requireOwner(actor, delivery.endpoint.organizationId);
    return (await this.store.reset(delivery.id))!;
  }

  @Transactional()
  private insertDeliveries(endpointId: string, events: PublicWebhookEvent[]): Promise<QueuedDelivery[]> {
    return this.store.insert(
      events.map((event) => ({ endpointId, event })),
      { resetExisting: true },
    );
  }

  /** Catalog source events since `since`, oldest first; ids are UUIDv7, so the id index finds the start. */
  private sourceEventsSince(organizationId: string | null, since: Date): Promise<OutboxEvent[]> {
    return this.txHost.tx.query(
      `SELECT id, type, organization_id AS "organizationId", actor_id AS "actorId", payload, occurred_at AS "occurredAt"
         FROM domain_event
        WHERE id >= $1 AND occurred_at >= $2 AND type = ANY($3::text[]) AND ($4::uuid IS NULL OR organization_id = $4)
        ORDER BY id LIMIT $5`,
      [firstUuidV7At(since), since, WEBHOOK_SOURCE_EVENTS.map((event) => event.type), organizationId, REPLAY_LIMIT],
    ) as Promise<OutboxEvent[]>;
  }

  private async deliveryById(id: string): Promise<WebhookDelivery> {
    return this.txHost.tx.getRepository(WebhookDelivery).findOneByOrFail({ id });
  }
}

/** The smallest UUIDv7 of a moment: 48 bits of Unix milliseconds, the rest zero. */
export function firstUuidV7At(at: Date): string {
  const hex = Math.max(0, Math.min(at.getTime(), 2 ** 48 - 1))
    .toString(16)
    .padStart(12, '0');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-0000-0000-000000000000`;
}

import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { Injectable } from '@nestjs/common';
import { DomainEvent } from './domain-event';
import { DomainEventRecord } from './domain-event.entity';
import { EventHandlerRegistry } from './event-handler.registry';
import { addPendingEvent, outboxRow } from './outbox-commit.subscriber';
import type { OutboxEvent } from './outbox-relay';

/**
 * Publishes domain events inside the caller's transaction: the event row (audit log + outbox) and
 * the in-transaction handlers commit or roll back with the change that caused them; after-commit
 * handlers are reached through the outbox relay once the transaction has committed.
 */
@Injectable()
export class EventBus {
  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly registry: EventHandlerRegistry,
  ) {}

  async publish(event: DomainEvent): Promise<void> {
    if (!this.txHost.isTransactionActive()) {
      throw new Error(`${event.type} published outside a transaction: mark the service method @Transactional().`);
    }
    const manager = this.txHost.tx;
    // Pending until each finishes: a job Redis loses is found by the sweeper and queued again.
    const pendingHandlers = this.registry.handlers('after-commit', event.type).map((handler) => handler.key);
    const record: OutboxEvent = {
      id: event.id,
      type: event.type,
      organizationId: event.organizationId,
      actorId: event.actorId,
      payload: event.payload,
      occurredAt: event.occurredAt,
    };
    // Written with the transaction's other events just before it commits (one statement for all).
    if (manager.queryRunner) addPendingEvent(manager.queryRunner, record, pendingHandlers);
    else await manager.insert(DomainEventRecord, outboxRow(record, pendingHandlers));
    for (const handler of this.registry.handlers('in-transaction', event.type)) {
      await handler.handle(event);
    }
  }
}

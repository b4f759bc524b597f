import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import {
  DataSource,
  EntitySubscriberInterface,
  QueryRunner,
  TransactionCommitEvent,
  TransactionRollbackEvent,
  type QueryDeepPartialEntity,
} from 'typeorm';
import { DomainEventRecord } from './domain-event.entity';
import { OutboxRelay, type OutboxEvent } from './outbox-relay';

const PENDING_WRITE = 'tessera:pending-events';
const PENDING_RELAY = 'tessera:pending-relay';
/** Rows per INSERT when a transaction's events are written (PostgreSQL takes at most 65,535 parameters). */
const WRITE_CHUNK = 1000;

/** An event's outbox row: waiting for the relay while it has after-commit handlers, otherwise done at once. */
export function outboxRow(event: OutboxEvent, pendingHandlers: string[]): QueryDeepPartialEntity<DomainEventRecord> {
  return { ...event, relayedAt: pendingHandlers.length ? null : event.occurredAt, pendingHandlers };
}

/** Keeps an event of the transaction to be written into the outbox just before it commits. */
export function addPendingEvent(queryRunner: QueryRunner, event: OutboxEvent, pendingHandlers: string[]): void {
  ((queryRunner.data[PENDING_WRITE] ??= []) as QueryDeepPartialEntity<DomainEventRecord>[]).push(outboxRow(event, pendingHandlers));
  if (pendingHandlers.length) ((queryRunner.data[PENDING_RELAY] ??= []) as OutboxEvent[]).push(event);
}

function take<T>(queryRunner: QueryRunner, key: string): T[] {
  const pending = (queryRunner.data[key] ?? []) as T[];
  delete queryRunner.data[key];
  return pending;
}

/**
 * The outbox's side of a transaction: its events are written in one statement just before it
 * commits (a redemption publishes three, an import thousands), and handed to the relay the moment
 * it has committed. A rollback forgets both. If this process dies after the commit, the events
 * wait in the outbox for the sweeper.
 */
@Injectable()
export class OutboxCommitSubscriber implements EntitySubscriberInterface, OnModuleInit {
  private readonly logger = new Logger('Outbox');

  constructor(
    private readonly dataSource: DataSource,
    private readonly relay: OutboxRelay,
  ) {}

  onModuleInit(): void {
    this.dataSource.subscribers.push(this);
  }

  async beforeTransactionCommit({ queryRunner }: TransactionCommitEvent): Promise<void> {
    const records = take<QueryDeepPartialEntity<DomainEventRecord>>(queryRunner, PENDING_WRITE);
    for (let from = 0; from < records.length; from += WRITE_CHUNK) {
      await queryRunner.manager.insert(DomainEventRecord, records.slice(from, from + WRITE_CHUNK));
    }
  }

  afterTransactionCommit({ queryRunner }: TransactionCommitEvent): void {
    const events = take<OutboxEvent>(queryRunner, PENDING_RELAY);
    if (events.length === 0) return;
    this.relay.relayCommitted(events).catch((error: unknown) => {
      this.logger.warn({ message: 'Relay after commit failed; the sweeper will retry', error: String(error), events: events.length });
    });
  }

  afterTransactionRollback({ queryRunner }: TransactionRollbackEvent): void {
    take(queryRunner, PENDING_WRITE);
    take(queryRunner, PENDING_RELAY);
  }
}

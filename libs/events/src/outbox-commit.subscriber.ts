import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { DataSource, EntitySubscriberInterface, QueryRunner, TransactionCommitEvent, TransactionRollbackEvent } from 'typeorm';
import { OutboxRelay } from './outbox-relay';

const PENDING_RELAY = 'tessera:pending-relay';

export function addPendingRelay(queryRunner: QueryRunner, eventId: string): void {
  const pending = (queryRunner.data[PENDING_RELAY] ??= []) as string[];
  pending.push(eventId);
}

function takePendingRelay(queryRunner: QueryRunner): string[] {
  const pending = (queryRunner.data[PENDING_RELAY] ?? []) as string[];
  delete queryRunner.data[PENDING_RELAY];
  return pending;
}

/**
 * Hands a transaction's events to the relay the moment it commits; a rollback forgets them. If
 * this process dies first, the events wait in the outbox for the sweeper.
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

  afterTransactionCommit({ queryRunner }: TransactionCommitEvent): void {
    const ids = takePendingRelay(queryRunner);
    if (ids.length === 0) return;
    this.relay.relay(ids).catch((error: unknown) => {
      this.logger.warn({ message: 'Relay after commit failed; the sweeper will retry', error: String(error), events: ids.length });
    });
  }

  afterTransactionRollback({ queryRunner }: TransactionRollbackEvent): void {
    takePendingRelay(queryRunner);
  }
}

import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** Every published event: the audit log, and the outbox the relay and sweeper read. */
@Entity('domain_event')
// The events still in flight (not relayed, or with handlers not finished): the few rows both sweeps read.
@Index('domain_event_in_flight_idx', ['relayedAt', 'occurredAt'], { where: `relayed_at IS NULL OR pending_handlers <> '{}'` })
@Index('domain_event_organization_idx', ['organizationId', 'id'])
export class DomainEventRecord {
  @PrimaryColumn('uuid')
  id: string;

  @Column({ type: 'text' })
  type: string;

  @Column({ type: 'uuid', nullable: true })
  organizationId: string | null;

  @Column({ type: 'uuid', nullable: true })
  actorId: string | null;

  @Column({ type: 'jsonb' })
  payload: object;

  @Column({ type: 'timestamptz' })
  occurredAt: Date;

  /** When the event was last handed to its after-commit handlers' queue; null = still in the outbox. */
  @Column({ type: 'timestamptz', nullable: true })
  relayedAt: Date | null;

  /** Keys of the after-commit handlers that have not finished with it: what a lost job leaves undone. */
  @Column({ type: 'text', array: true, default: () => `'{}'` })
  pendingHandlers: string[];
}

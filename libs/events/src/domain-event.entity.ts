import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** Every published event: the audit log, and the outbox the relay and sweeper read. */
@Entity('domain_event')
@Index('domain_event_unrelayed_idx', ['occurredAt'], { where: 'relayed_at IS NULL' })
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

  /** When the event was handed to its after-commit handlers' queue; null = still in the outbox. */
  @Column({ type: 'timestamptz', nullable: true })
  relayedAt: Date | null;
}

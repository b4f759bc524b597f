import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { AccessGrant } from './access-grant.entity';

/** A milestone of the product a person reached under a grant (once per key). */
@Entity('milestone_completion')
// GIN trigram index on key for the registrations search, made by the migration.
@Index('milestone_completion_key_trgm_idx', { synchronize: false })
export class MilestoneCompletion {
  @PrimaryColumn('uuid')
  grantId: string;

  @PrimaryColumn('text')
  key: string;

  @CreateDateColumn({ type: 'timestamptz' })
  completedAt: Date;

  /** The person, an admin, or none for an API key. */
  @Column({ type: 'uuid', nullable: true })
  recordedByUserId: string | null;

  @ManyToOne(() => AccessGrant, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'grant_id' })
  grant?: AccessGrant;
}

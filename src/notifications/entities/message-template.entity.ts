import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import { Organization } from '../../identity/entities/organization.entity';
import { MessageKind } from '../message-kinds';

/** An organisation's own text for one kind of message, replacing Tessera's default. */
@Entity('message_template')
@Index('message_template_organization_kind_key', ['organizationId', 'kind'], { unique: true })
export class MessageTemplate {
  @PrimaryColumn('uuid')
  id: string;

  @Column({ type: 'uuid' })
  organizationId: string;

  @Column({ type: 'enum', enum: MessageKind, enumName: 'message_kind' })
  kind: MessageKind;

  @Column({ type: 'text' })
  subject: string;

  @Column({ type: 'text' })
  html: string;

  @Column({ type: 'text' })
  text: string;

  @Column({ type: 'uuid', nullable: true })
  updatedById: string | null;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;

  @ManyToOne(() => Organization, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'organization_id' })
  organization?: Organization;
}

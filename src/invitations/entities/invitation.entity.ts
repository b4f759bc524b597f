import { Field, ObjectType, registerEnumType } from '@nestjs/graphql';
import { UUIDScalar } from '@tessera/common';
import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import { Organization } from '../../identity/entities/organization.entity';
import { Code } from '../../inventory/entities/code.entity';

export enum InvitationStatus {
  PENDING = 'PENDING',
  ACCEPTED = 'ACCEPTED',
  INVALIDATED = 'INVALIDATED',
  REVOKED = 'REVOKED',
  EXPIRED = 'EXPIRED',
}

registerEnumType(InvitationStatus, {
  name: 'InvitationStatus',
  description: "An invitation's state: PENDING until accepted, revoked, expired, or beaten to its seat.",
  valuesMap: {
    PENDING: { description: 'Sent; holds its seat until someone accepts.' },
    ACCEPTED: { description: 'The invited person took the seat.' },
    INVALIDATED: { description: 'Someone else took the seat first (another invitation, or an admin gave it directly).' },
    REVOKED: { description: 'Withdrawn by an admin.' },
    EXPIRED: { description: 'Not accepted in time.' },
  },
});

/**
 * An e-mail invitation to take a seat (a code held PENDING). Several may share one seat; the first
 * to accept wins. The link's token is stored only as its hash.
 */
@ObjectType({ description: 'An e-mail invitation to take a seat; the first to accept a seat wins it.' })
@Entity('invitation')
@Index('invitation_organization_idx', ['organizationId', 'id'])
@Index('invitation_code_idx', ['codeId'])
// One pending invitation per seat and address: inviting the same person again re-sends instead.
@Index('invitation_pending_code_email_key', ['codeId', 'email'], { unique: true, where: `status = 'PENDING'` })
// The expiry sweep looks at pending invitations only.
@Index('invitation_pending_expiry_idx', ['expiresAt'], { where: `status = 'PENDING'` })
export class Invitation {
  @Field(() => UUIDScalar, { description: 'Id of the invitation.' })
  @PrimaryColumn('uuid')
  id: string;

  @Field(() => UUIDScalar, { description: 'The inviting organisation.' })
  @Column({ type: 'uuid' })
  organizationId: string;

  @Field(() => UUIDScalar, { description: 'The seat (code) it holds.' })
  @Column({ type: 'uuid' })
  codeId: string;

  @Field({ description: 'The invited address.' })
  @Column({ type: 'text' })
  email: string;

  @Field(() => String, { nullable: true, description: 'Extra text for the invited person, in the mail.' })
  @Column({ type: 'text', nullable: true })
  message: string | null;

  /** SHA-256 of the link's token; a new link replaces it. */
  @Column({ type: 'text', unique: true })
  tokenHash: string;

  @Field(() => InvitationStatus, { description: 'Where the invitation stands.' })
  @Column({ type: 'enum', enum: InvitationStatus, enumName: 'invitation_status', default: InvitationStatus.PENDING })
  status: InvitationStatus;

  @Field({ description: 'When the link stops working.' })
  @Column({ type: 'timestamptz' })
  expiresAt: Date;

  @Field(() => UUIDScalar, { nullable: true, description: 'The admin who invited.' })
  @Column({ type: 'uuid', nullable: true })
  invitedByUserId: string | null;

  @Field(() => UUIDScalar, { nullable: true, description: 'The person who accepted.' })
  @Column({ type: 'uuid', nullable: true })
  acceptedByUserId: string | null;

  @Field(() => Date, { nullable: true, description: 'When it was accepted, invalidated, revoked or expired.' })
  @Column({ type: 'timestamptz', nullable: true })
  closedAt: Date | null;

  @Field(() => Date, { nullable: true, description: 'When the invitation mail was last sent.' })
  @Column({ type: 'timestamptz', nullable: true })
  lastSentAt: Date | null;

  @Field({ description: 'When the invitation was made.' })
  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @Field({ description: 'When it last changed.' })
  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;

  @ManyToOne(() => Organization, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'organization_id' })
  organization?: Organization;

  @ManyToOne(() => Code, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'code_id' })
  code?: Code;
}

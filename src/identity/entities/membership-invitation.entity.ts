import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { MemberRole } from './membership.entity';
import { Organization } from './organization.entity';
import { User } from './user.entity';

export enum MembershipInvitationStatus {
  PENDING = 'PENDING',
  ACCEPTED = 'ACCEPTED',
}

/**
 * An organisation's offer to an existing account to join it (its admin added, connected or gave a
 * seat to someone who is not yet a member). The account joins only when its owner, signed in,
 * accepts with the link the platform mailed them; a seat given meanwhile is held by a seat
 * invitation (`seatInvitationId`) and taken on acceptance.
 */
@Entity('membership_invitation')
@Index('membership_invitation_organization_user_idx', ['organizationId', 'userId'])
export class MembershipInvitation {
  @PrimaryColumn('uuid')
  id: string;

  @Column({ type: 'uuid' })
  organizationId: string;

  @Column({ type: 'uuid' })
  userId: string;

  @Column({ type: 'enum', enum: MemberRole, enumName: 'member_role' })
  role: MemberRole;

  /** The seat invitation holding a seat for the person, when the offer came with one. */
  @Column({ type: 'uuid', nullable: true })
  seatInvitationId: string | null;

  /** SHA-256 of the token in the mailed link; null until the mail makes the link. */
  @Column({ type: 'text', nullable: true, unique: true })
  tokenHash: string | null;

  @Column({ type: 'text', default: MembershipInvitationStatus.PENDING })
  status: MembershipInvitationStatus;

  @Column({ type: 'uuid', nullable: true })
  invitedByUserId: string | null;

  @Column({ type: 'timestamptz' })
  expiresAt: Date;

  @Column({ type: 'timestamptz', nullable: true })
  acceptedAt: Date | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id' })
  user?: User;

  @ManyToOne(() => Organization, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'organization_id' })
  organization?: Organization;
}

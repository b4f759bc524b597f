import { Field, ObjectType } from '@nestjs/graphql';
import { UUIDScalar } from '@tessera/common';
import { Column, CreateDateColumn, Entity, Index, PrimaryColumn, UpdateDateColumn } from 'typeorm';

@ObjectType({ description: 'A person who can sign in.' })
@Entity('user_account')
// GIN trigram indexes on the e-mail and the full name for the registrations search, made by the migration.
@Index('user_account_email_trgm_idx', { synchronize: false })
@Index('user_account_name_trgm_idx', { synchronize: false })
export class User {
  @Field(() => UUIDScalar, { description: 'Id of the user.' })
  @PrimaryColumn('uuid')
  id: string;

  /** Stored lower-cased, so it is unique regardless of case. */
  @Field({ description: 'E-mail address (lower case); also the sign-in name.' })
  @Column({ type: 'text', unique: true })
  email: string;

  @Field({ description: 'First name.' })
  @Column({ type: 'text' })
  firstName: string;

  @Field({ description: 'Last name.' })
  @Column({ type: 'text' })
  lastName: string;

  /** argon2id; null until the person sets a password. */
  @Column({ type: 'text', nullable: true })
  passwordHash: string | null;

  @Field({ description: 'Platform admins manage every customer organisation.' })
  @Column({ type: 'boolean', default: false })
  isPlatformAdmin: boolean;

  @Field({ description: 'When the account was created.' })
  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;

  /**
   * Bumped by every password change or reset; a bearer token carries the generation it was issued
   * in and stops working once this moves on, so a new password ends every earlier session.
   */
  @Column({ type: 'integer', default: 0 })
  sessionGeneration: number;

  /**
   * When the owner proved the address (a mailed set-password link or invitation to join used); null while unverified. An account an
   * organisation made (a password its admin chose, an accepted invitation link, a code typed in
   * with any address) stays unverified until then, and reaches only its home organisation.
   */
  @Column({ type: 'timestamptz', nullable: true })
  emailVerifiedAt: Date | null;

  /** The organisation that made this account (or the first it joined): all an unverified account may reach. */
  @Column({ type: 'uuid', nullable: true })
  homeOrganizationId: string | null;
}

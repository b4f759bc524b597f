import { Field, ObjectType } from '@nestjs/graphql';
import { UUIDScalar } from '@tessera/common';
import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { ApiKeyScope } from '../auth/api-key-scope';
import { Organization } from './organization.entity';

@ObjectType({
  description:
    "A key for a system that calls the API: an organisation's own (storefront, booking system), acting for it, or a platform key for a system serving many organisations, limited to its scopes. The secret is shown once.",
})
@Entity('api_key')
@Index('api_key_organization_idx', ['organizationId', 'id'])
export class ApiKey {
  @Field(() => UUIDScalar, { description: 'Id of the key.' })
  @PrimaryColumn('uuid')
  id: string;

  @Field(() => UUIDScalar, { nullable: true, description: 'The organisation the key acts for (none for a platform key).' })
  @Column({ type: 'uuid', nullable: true })
  organizationId: string | null;

  /** Used only by platform keys; an organisation's key acts for its organisation as before. */
  @Field(() => [ApiKeyScope], { description: 'What a platform key may do (empty for an organisation’s key).' })
  @Column({ type: 'text', array: true, default: () => "'{}'" })
  scopes: ApiKeyScope[];

  @Field({ description: 'What the key is for, e.g. "Storefront".' })
  @Column({ type: 'text' })
  name: string;

  /** Public part of the key, used to find it; the secret part is only stored hashed. */
  @Field({ description: 'The start of the key (`tsk_<prefix>_…`), to recognise it.' })
  @Column({ type: 'text', unique: true })
  prefix: string;

  /** SHA-256 of the secret part: it is 256 random bits, so a fast hash is enough. */
  @Column({ type: 'text' })
  secretHash: string;

  @Field(() => UUIDScalar, { nullable: true, description: 'Who created the key.' })
  @Column({ type: 'uuid', nullable: true })
  createdById: string | null;

  @Field({ description: 'When the key was created.' })
  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @Field(() => Date, { nullable: true, description: 'When the key was last used (to the minute).' })
  @Column({ type: 'timestamptz', nullable: true })
  lastUsedAt: Date | null;

  @Field(() => Date, { nullable: true, description: 'When the key was revoked; revoked keys are refused.' })
  @Column({ type: 'timestamptz', nullable: true })
  revokedAt: Date | null;

  @ManyToOne(() => Organization, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'organization_id' })
  organization?: Organization;
}

import { Field, ObjectType } from '@nestjs/graphql';
import { UUIDScalar } from '@tessera/common';
import { Column, CreateDateColumn, Entity, Index, PrimaryColumn } from 'typeorm';

@ObjectType({ description: 'A customer organisation: it owns codes, contracts and members.' })
@Entity('organization')
@Index('organization_external_reference_key', ['externalReference'], { unique: true })
export class Organization {
  @Field(() => UUIDScalar, { description: 'Id of the organisation.' })
  @PrimaryColumn('uuid')
  id: string;

  @Field({ description: 'Display name.' })
  @Column({ type: 'text' })
  name: string;

  @Field({ description: 'Short unique name for URLs and integrations (lower case, digits, hyphens).' })
  @Column({ type: 'text', unique: true })
  slug: string;

  /** Unique, so a retried onboarding finds the organisation instead of making a second one. */
  @Field(() => String, {
    nullable: true,
    description: 'The reference of the outside system that onboarded it (provisionOrganization), if any.',
  })
  @Column({ type: 'text', nullable: true })
  externalReference: string | null;

  @Field({ description: 'When the organisation was created.' })
  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;
}

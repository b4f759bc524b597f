import { Field, ObjectType } from '@nestjs/graphql';
import { UUIDScalar } from '@tessera/common';
import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { Organization } from '../../identity/entities/organization.entity';

/** A step of progress that people using the product reach (recorded by the access module). */
@ObjectType({ description: 'A step of progress in a product, e.g. "Assessment completed".' })
export class Milestone {
  @Field({ description: 'Stable key, lower_snake_case, unique within the product (e.g. assessment_completed).' })
  key: string;

  @Field({ description: 'Label shown to people (e.g. "Assessment completed").' })
  label: string;
}

@ObjectType({ description: 'Something access is sold or given to: a course, a programme, a service.' })
@Entity('product')
@Index('product_owner_idx', ['ownerOrganizationId', 'id'])
export class Product {
  @Field(() => UUIDScalar, { description: 'Id of the product.' })
  @PrimaryColumn('uuid')
  id: string;

  /** The organisation whose admins manage it; null for the platform's own catalogue. */
  @Field(() => UUIDScalar, { nullable: true, description: 'The organisation that owns the product (none: the platform catalogue).' })
  @Column({ type: 'uuid', nullable: true })
  ownerOrganizationId: string | null;

  @Field({ description: 'Name.' })
  @Column({ type: 'text' })
  name: string;

  @Field({ description: 'Description.' })
  @Column({ type: 'text', default: '' })
  description: string;

  @Field(() => [Milestone], { description: 'The progress milestones of the product, in order.' })
  @Column({ type: 'jsonb', default: () => "'[]'" })
  milestones: Milestone[];

  @Field({ description: 'When the product was created.' })
  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @ManyToOne(() => Organization, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'owner_organization_id' })
  ownerOrganization?: Organization;
}

import { Field, ObjectType } from '@nestjs/graphql';
import { UUIDScalar } from '@tessera/common';
import { Column, CreateDateColumn, Entity, Index, JoinColumn, JoinTable, ManyToMany, ManyToOne, PrimaryColumn } from 'typeorm';
import { Organization } from '../../identity/entities/organization.entity';
import { Price } from './price.entity';

@ObjectType({ description: "An organisation's agreement: its invitation prefix and the prices it allows." })
@Entity('contract')
@Index('contract_organization_idx', ['organizationId', 'id'])
export class Contract {
  @Field(() => UUIDScalar, { description: 'Id of the contract.' })
  @PrimaryColumn('uuid')
  id: string;

  @Field(() => UUIDScalar, { description: 'The organisation.' })
  @Column({ type: 'uuid' })
  organizationId: string;

  @Field({ description: 'Name.' })
  @Column({ type: 'text' })
  name: string;

  @Field({ description: 'Prefix of the codes generated for this contract.' })
  @Column({ type: 'text', default: '' })
  invitationPrefix: string;

  @Field(() => Date, { nullable: true, description: 'First day the contract applies.' })
  @Column({ type: 'timestamptz', nullable: true })
  startsAt: Date | null;

  @Field(() => Date, { nullable: true, description: 'Last moment the contract applies.' })
  @Column({ type: 'timestamptz', nullable: true })
  endsAt: Date | null;

  @Field({ description: 'When the contract was created.' })
  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @ManyToMany(() => Price)
  @JoinTable({ name: 'contract_price', joinColumn: { name: 'contract_id' }, inverseJoinColumn: { name: 'price_id' } })
  prices?: Price[];

  @ManyToOne(() => Organization, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'organization_id' })
  organization?: Organization;
}

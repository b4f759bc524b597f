import { Field, ObjectType, registerEnumType } from '@nestjs/graphql';
import { UUIDScalar } from '@tessera/common';
import { Check, Column, CreateDateColumn, Entity, Index, JoinColumn, JoinTable, ManyToMany, ManyToOne, PrimaryColumn } from 'typeorm';
import { Organization } from '../../identity/entities/organization.entity';
import { Price } from './price.entity';

export enum ContractStatus {
  ACTIVE = 'ACTIVE',
  ARCHIVED = 'ARCHIVED',
}

registerEnumType(ContractStatus, {
  name: 'ContractStatus',
  description: 'Whether a contract is in use.',
  valuesMap: {
    ACTIVE: { description: 'In use: it can change and codes can be made for it.' },
    ARCHIVED: { description: 'Closed: kept with its codes, but it cannot change and no new codes are made for it.' },
  },
});

@ObjectType({ description: "An organisation's agreement: its invitation prefix and the prices it allows." })
@Entity('contract')
@Index('contract_organization_idx', ['organizationId', 'id'])
@Check('contract_dates_check', '"starts_at" IS NULL OR "ends_at" IS NULL OR "starts_at" <= "ends_at"')
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

  @Field(() => ContractStatus, { description: 'ACTIVE, or ARCHIVED (no changes, no new codes).' })
  @Column({ type: 'enum', enum: ContractStatus, enumName: 'contract_status', default: ContractStatus.ACTIVE })
  status: ContractStatus;

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

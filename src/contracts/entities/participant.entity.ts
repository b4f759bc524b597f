import { Field, Int, ObjectType } from '@nestjs/graphql';
import { UUIDScalar } from '@tessera/common';
import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, UpdateDateColumn, VersionColumn } from 'typeorm';
import { Organization } from '../../identity/entities/organization.entity';
import { Contract } from './contract.entity';

@ObjectType({ description: 'A person within a contract, who may be given their own invitation code.' })
@Entity('participant')
@Index('participant_contract_idx', ['contractId', 'id'])
@Index('participant_code_key', ['codeId'], { unique: true, where: 'code_id IS NOT NULL' })
export class Participant {
  @Field(() => UUIDScalar, { description: 'Id of the participant.' })
  @PrimaryColumn('uuid')
  id: string;

  @Field(() => UUIDScalar, { description: 'The organisation that holds the contract.' })
  @Column({ type: 'uuid' })
  organizationId: string;

  @Field(() => UUIDScalar, { description: 'The contract.' })
  @Column({ type: 'uuid' })
  contractId: string;

  @Field({ description: 'First name.' })
  @Column({ type: 'text' })
  firstName: string;

  @Field({ description: 'Last name.' })
  @Column({ type: 'text' })
  lastName: string;

  @Field(() => String, { nullable: true, description: 'E-mail address (lower case).' })
  @Column({ type: 'text', nullable: true })
  email: string | null;

  @Field(() => String, { nullable: true, description: 'Phone number as given.' })
  @Column({ type: 'text', nullable: true })
  phone: string | null;

  @Field(() => String, { nullable: true, description: 'Date of birth (YYYY-MM-DD).' })
  @Column({ type: 'date', nullable: true })
  dateOfBirth: string | null;

  @Field(() => String, { nullable: true, description: "The organisation's own reference for the person." })
  @Column({ type: 'text', nullable: true })
  externalReference: string | null;

  /** The participant's own invitation code, once generated. */
  @Field(() => UUIDScalar, { nullable: true, description: 'Id of the participant’s invitation code.' })
  @Column({ type: 'uuid', nullable: true })
  codeId: string | null;

  /** Goes up on every change: a downloaded CSV row with an older version is refused on upload. */
  @Field(() => Int, { description: 'Goes up on every change (the CSV round trip uses it to spot stale rows).' })
  @VersionColumn()
  version: number;

  @Field({ description: 'When the participant was added.' })
  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @Field({ description: 'When the participant last changed.' })
  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;

  @ManyToOne(() => Contract, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'contract_id' })
  contract?: Contract;

  @ManyToOne(() => Organization, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'organization_id' })
  organization?: Organization;
}

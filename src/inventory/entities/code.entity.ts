import { Field, ObjectType, registerEnumType } from '@nestjs/graphql';
import { UUIDScalar } from '@tessera/common';
import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import { Contract } from '../../contracts/entities/contract.entity';
import { Price } from '../../contracts/entities/price.entity';
import { Organization } from '../../identity/entities/organization.entity';
import { CodeBatch } from './code-batch.entity';

export enum CodeStatus {
  AVAILABLE = 'AVAILABLE',
  PENDING = 'PENDING',
  REDEEMED = 'REDEEMED',
  VOID = 'VOID',
}

/** Codes that can still be taken: they count for the guessing risk. */
export const LIVE_CODE_STATUSES = [CodeStatus.AVAILABLE, CodeStatus.PENDING];

registerEnumType(CodeStatus, {
  name: 'CodeStatus',
  description: "A code's place in its life: AVAILABLE → (PENDING) → REDEEMED; VOID is final.",
  valuesMap: {
    AVAILABLE: { description: 'Can be sent, given or redeemed (also when already sent).' },
    PENDING: { description: 'Held by an invitation that has not been accepted yet.' },
    REDEEMED: { description: 'Used; revoking the access returns it to AVAILABLE.' },
    VOID: { description: 'Deleted by an admin; kept for the audit, never redeemable.' },
  },
});

@ObjectType({ description: 'A single-use registration code.' })
@Entity('code')
@Index('code_organization_idx', ['organizationId', 'id'])
@Index('code_batch_idx', ['batchId'])
@Index('code_price_idx', ['priceId'])
@Index('code_contract_idx', ['contractId'])
// Live codes by shape (length, prefix) for the guessing-risk check, made by the migration.
@Index('code_live_shape_idx', { synchronize: false })
@Index('code_organization_status_idx', ['organizationId', 'status', 'id'])
// GIN trigram index on search_text, made by the migration (TypeORM cannot declare its operator class).
@Index('code_search_trgm_idx', { synchronize: false })
export class Code {
  @Field(() => UUIDScalar, { description: 'Id of the code.' })
  @PrimaryColumn('uuid')
  id: string;

  @Field(() => UUIDScalar, { description: 'The organisation that holds the code.' })
  @Column({ type: 'uuid' })
  organizationId: string;

  @Field(() => UUIDScalar, { description: 'The batch the code came in.' })
  @Column({ type: 'uuid' })
  batchId: string;

  /** Canonical: upper case, no spaces or hyphens; unique across the whole system. */
  @Field({ description: 'The code in canonical form (upper case, no spaces or hyphens).' })
  @Column({ type: 'text', unique: true })
  code: string;

  @Field(() => CodeStatus, { description: 'Where the code is in its life.' })
  @Column({ type: 'enum', enum: CodeStatus, enumName: 'code_status', default: CodeStatus.AVAILABLE })
  status: CodeStatus;

  @Field(() => UUIDScalar, { nullable: true, description: 'The contract the code belongs to.' })
  @Column({ type: 'uuid', nullable: true })
  contractId: string | null;

  @Field(() => UUIDScalar, { nullable: true, description: 'The price the code gives access at.' })
  @Column({ type: 'uuid', nullable: true })
  priceId: string | null;

  @Field(() => String, { nullable: true, description: 'Code type, e.g. MENTEE or MENTOR: the role a redeemer gets.' })
  @Column({ type: 'text', nullable: true })
  codeType: string | null;

  @Field(() => Date, { nullable: true, description: 'When the code stops being redeemable.' })
  @Column({ type: 'timestamptz', nullable: true })
  expiresAt: Date | null;

  /** For the organisation's admins only: never offered to any mail template. */
  @Field(() => String, { nullable: true, description: "Admins' note on the code. Never appears in any e-mail." })
  @Column({ type: 'text', nullable: true })
  adminComment: string | null;

  @Field(() => String, { nullable: true, description: 'E-mail address the code was last sent to.' })
  @Column({ type: 'text', nullable: true })
  lastSentToEmail: string | null;

  @Field(() => String, { nullable: true, description: 'Name of the person the code was last sent to.' })
  @Column({ type: 'text', nullable: true })
  lastSentToName: string | null;

  @Field(() => Date, { nullable: true, description: 'When the code was last sent.' })
  @Column({ type: 'timestamptz', nullable: true })
  lastSentAt: Date | null;

  /** Everything the free-text search looks in, kept by PostgreSQL and indexed with pg_trgm. */
  @Column({
    type: 'text',
    generatedType: 'STORED',
    asExpression: `lower(code || ' ' || coalesce(last_sent_to_name, '') || ' ' || coalesce(last_sent_to_email, '') || ' ' || coalesce(admin_comment, ''))`,
    select: false,
    insert: false,
    update: false,
  })
  searchText?: string;

  @Field({ description: 'When the code was made.' })
  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @Field({ description: 'When the code last changed.' })
  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;

  @ManyToOne(() => Organization, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'organization_id' })
  organization?: Organization;

  @ManyToOne(() => CodeBatch, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'batch_id' })
  batch?: CodeBatch;

  @ManyToOne(() => Price, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'price_id' })
  price?: Price;

  @ManyToOne(() => Contract, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'contract_id' })
  contract?: Contract;
}

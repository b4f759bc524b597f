import { Field, ObjectType, registerEnumType } from '@nestjs/graphql';
import { UUIDScalar } from '@tessera/common';
import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import { Price } from '../../contracts/entities/price.entity';
import { Product } from '../../contracts/entities/product.entity';
import { Organization } from '../../identity/entities/organization.entity';
import { User } from '../../identity/entities/user.entity';
import { Code } from '../../inventory/entities/code.entity';

export enum GrantStatus {
  ACTIVE = 'ACTIVE',
  EXPIRED = 'EXPIRED',
  REVOKED = 'REVOKED',
}

registerEnumType(GrantStatus, {
  name: 'GrantStatus',
  description: 'Whether an access grant is in force.',
  valuesMap: {
    ACTIVE: { description: 'In force (or starting at startsAt).' },
    EXPIRED: { description: 'Ended at endsAt.' },
    REVOKED: { description: 'Ended by an admin; the code went back to the pool.' },
  },
});

/** What redeeming a code gives a person: access to a product, for a time, in a role. */
@ObjectType({ description: "A person's access to a product, given by redeeming a code." })
@Entity('access_grant')
@Index('access_grant_organization_idx', ['organizationId', 'id'])
@Index('access_grant_user_idx', ['userId', 'id'])
// The last line of defence against a double redemption: one grant in force per code.
@Index('access_grant_active_code_key', ['codeId'], { unique: true, where: `status = 'ACTIVE'` })
// One grant in force per person, product and role, made by the migration (an expression index):
// two seats racing for one person cannot both be taken.
@Index('access_grant_active_product_key', { synchronize: false })
// From a code or a product back to its grants, for the registrations search.
@Index('access_grant_code_idx', ['codeId'])
@Index('access_grant_product_idx', ['productId'])
// GIN trigram index on role for the registrations search, made by the migration.
@Index('access_grant_role_trgm_idx', { synchronize: false })
export class AccessGrant {
  @Field(() => UUIDScalar, { description: 'Id of the grant.' })
  @PrimaryColumn('uuid')
  id: string;

  @Field(() => UUIDScalar, { description: 'The organisation whose code gave the access.' })
  @Column({ type: 'uuid' })
  organizationId: string;

  @Field(() => UUIDScalar, { description: 'The person who has the access.' })
  @Column({ type: 'uuid' })
  userId: string;

  @Field(() => UUIDScalar, { description: 'The code that was redeemed.' })
  @Column({ type: 'uuid' })
  codeId: string;

  @Field(() => UUIDScalar, { nullable: true, description: 'The product (none when the code has no price).' })
  @Column({ type: 'uuid', nullable: true })
  productId: string | null;

  @Field(() => UUIDScalar, { nullable: true, description: 'The price the access was given at.' })
  @Column({ type: 'uuid', nullable: true })
  priceId: string | null;

  @Field(() => String, { nullable: true, description: "The role the person has, from the code's type (e.g. MENTEE)." })
  @Column({ type: 'text', nullable: true })
  role: string | null;

  @Field(() => GrantStatus, { description: 'Whether the access is in force.' })
  @Column({ type: 'enum', enum: GrantStatus, enumName: 'grant_status', default: GrantStatus.ACTIVE })
  status: GrantStatus;

  @Field({ description: 'When access starts.' })
  @Column({ type: 'timestamptz' })
  startsAt: Date;

  @Field(() => Date, { nullable: true, description: 'When access ends (none: no end).' })
  @Column({ type: 'timestamptz', nullable: true })
  endsAt: Date | null;

  @Field(() => Date, { nullable: true, description: 'When an admin revoked it.' })
  @Column({ type: 'timestamptz', nullable: true })
  revokedAt: Date | null;

  @Field({ description: 'When the code was redeemed.' })
  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @Field({ description: 'When the grant last changed.' })
  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;

  @ManyToOne(() => Organization, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'organization_id' })
  organization?: Organization;

  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id' })
  user?: User;

  @ManyToOne(() => Code, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'code_id' })
  code?: Code;

  @ManyToOne(() => Product, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'product_id' })
  product?: Product;

  @ManyToOne(() => Price, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'price_id' })
  price?: Price;
}

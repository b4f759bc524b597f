import { Field, Int, ObjectType } from '@nestjs/graphql';
import { UUIDScalar } from '@tessera/common';
import { Check, Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { Organization } from '../../identity/entities/organization.entity';
import { Price } from './price.entity';

/** An order of seats at a price, as the organisation's storefront reported it. */
@ObjectType({ description: 'Seats an organisation bought at a price, as its storefront reported them.' })
// `order` is a reserved word in SQL.
@Entity('purchase_order')
@Index('purchase_order_organization_idx', ['organizationId', 'id'])
// The storefront's reference makes reporting an order idempotent.
@Index('purchase_order_reference_key', ['organizationId', 'externalReference'], { unique: true })
@Check('purchase_order_quantity_check', '"quantity" >= 1')
export class Order {
  @Field(() => UUIDScalar, { description: 'Id of the order.' })
  @PrimaryColumn('uuid')
  id: string;

  @Field(() => UUIDScalar, { description: 'The organisation that bought the seats.' })
  @Column({ type: 'uuid' })
  organizationId: string;

  @Field({ description: "The storefront's own reference for the order, unique within the organisation." })
  @Column({ type: 'text' })
  externalReference: string;

  @Field(() => UUIDScalar, { description: 'Id of the price the seats were bought at.' })
  @Column({ type: 'uuid' })
  priceId: string;

  @Field(() => Int, { description: 'How many seats were bought.' })
  @Column({ type: 'integer' })
  quantity: number;

  @Field({ description: 'When the order was placed in the storefront.' })
  @Column({ type: 'timestamptz' })
  placedAt: Date;

  @Field(() => UUIDScalar, { nullable: true, description: 'The API key that reported the order, if a system did.' })
  @Column({ type: 'uuid', nullable: true })
  recordedByApiKeyId: string | null;

  @Field(() => UUIDScalar, { nullable: true, description: 'The admin who reported the order, if a person did.' })
  @Column({ type: 'uuid', nullable: true })
  recordedByUserId: string | null;

  @Field({ description: 'When Tessera recorded the order.' })
  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @ManyToOne(() => Organization, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'organization_id' })
  organization?: Organization;

  @ManyToOne(() => Price, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'price_id' })
  price?: Price;
}

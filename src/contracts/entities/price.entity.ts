import { Field, Int, ObjectType } from '@nestjs/graphql';
import { UUIDScalar } from '@tessera/common';
import { Check, Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { Product } from './product.entity';

@ObjectType({ description: 'A way to buy or be given a product: amount, and how long access lasts.' })
@Entity('price')
@Index('price_product_code_key', ['productId', 'priceCode'], { unique: true })
@Check('price_amount_check', '"amount_minor" >= 0')
// Access lasts a number of days from redemption, or over fixed dates: never both, dates in pairs.
@Check(
  'price_access_check',
  '("access_days" IS NULL OR "access_starts_at" IS NULL) AND ("access_starts_at" IS NULL) = ("access_ends_at" IS NULL) AND ("access_starts_at" IS NULL OR "access_starts_at" < "access_ends_at")',
)
export class Price {
  @Field(() => UUIDScalar, { description: 'Id of the price.' })
  @PrimaryColumn('uuid')
  id: string;

  @Field(() => UUIDScalar, { description: 'The product.' })
  @Column({ type: 'uuid' })
  productId: string;

  @Field({ description: 'Short code, unique within the product (used in CSV files).' })
  @Column({ type: 'text' })
  priceCode: string;

  @Field({ description: 'Name.' })
  @Column({ type: 'text' })
  name: string;

  @Field(() => Int, { description: 'Amount in minor units (cents).' })
  @Column({ type: 'integer', default: 0 })
  amountMinor: number;

  @Field({ description: 'ISO 4217 currency code, e.g. EUR.' })
  @Column({ type: 'text', default: 'EUR' })
  currency: string;

  @Field(() => Int, { nullable: true, description: 'Days of access from redemption (the alternative to fixed access dates).' })
  @Column({ type: 'integer', nullable: true })
  accessDays: number | null;

  @Field(() => Date, { nullable: true, description: 'Fixed start of access, whenever the code is redeemed (with accessEndsAt).' })
  @Column({ type: 'timestamptz', nullable: true })
  accessStartsAt: Date | null;

  @Field(() => Date, { nullable: true, description: 'Fixed end of access (with accessStartsAt).' })
  @Column({ type: 'timestamptz', nullable: true })
  accessEndsAt: Date | null;

  @Field({ description: 'An order of two or more seats generates one registration code per seat.' })
  @Column({ type: 'boolean', default: false })
  generatesRegistrationCodes: boolean;

  @Field({ description: 'When the price was created.' })
  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @ManyToOne(() => Product, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'product_id' })
  product?: Product;
}

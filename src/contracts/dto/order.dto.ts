import { Field, InputType, Int, ObjectType } from '@nestjs/graphql';
import { Connection, IsStorableDate, UUIDScalar } from '@tessera/common';
import { Transform } from 'class-transformer';
import { IsInt, IsOptional, IsString, Length, Max, MaxLength, Min } from 'class-validator';
import { Order } from '../entities/order.entity';

export const MAX_ORDER_QUANTITY = 10_000;
export const MAX_EXTERNAL_REFERENCE_LENGTH = 200;

const trimmed = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);

@ObjectType({ description: 'A page of orders.' })
export class OrderConnection extends Connection(Order) {}

@InputType({ description: 'Narrows the orders listed.' })
export class OrderFilter {
  @Field({ nullable: true, description: "Part of the order's reference or of its product's name, any case." })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  search?: string;
}

@InputType({
  description:
    'An order the storefront took. Reporting the same reference again is safe: the order is recorded once (same price and quantity, or CONFLICT).',
})
export class RecordOrderInput {
  @Field(() => UUIDScalar, { description: 'The organisation that bought the seats.' })
  organizationId: string;

  @Field({
    description: `The storefront's reference for the order (1–${MAX_EXTERNAL_REFERENCE_LENGTH} characters), unique within the organisation.`,
  })
  @Transform(trimmed)
  @IsString()
  @Length(1, MAX_EXTERNAL_REFERENCE_LENGTH)
  externalReference: string;

  @Field(() => UUIDScalar, { description: "The price the seats were bought at: of the organisation's own products or the platform's." })
  priceId: string;

  @Field(() => Int, { description: `How many seats (1–${MAX_ORDER_QUANTITY.toLocaleString('en')}).` })
  @IsInt()
  @Min(1)
  @Max(MAX_ORDER_QUANTITY)
  quantity: number;

  @Field({ description: 'When the order was placed in the storefront.' })
  @IsStorableDate()
  placedAt: Date;
}

@ObjectType({ description: 'The order recorded, or the one already recorded under that reference.' })
export class RecordOrderPayload {
  @Field(() => Order, { description: 'The order.' })
  order: Order;

  @Field({ description: 'False when the reference was already recorded (a repeated report): nothing changed.' })
  created: boolean;
}

import { Field, Int, ObjectType } from '@nestjs/graphql';

@ObjectType({ description: "The seats of an order, counted from its codes' statuses." })
export class OrderSeats {
  @Field(() => Int, { description: 'Codes made for the order (0 when its price makes none, or for a single seat).' })
  total: number;

  @Field(() => Int, { description: 'Seats still to hand out (codes AVAILABLE, sent or not).' })
  remaining: number;

  @Field(() => Int, { description: 'Seats held by an invitation not accepted yet (codes PENDING).' })
  pending: number;

  @Field(() => Int, { description: 'Seats taken (codes REDEEMED).' })
  used: number;

  @Field(() => Int, { description: 'Seats whose code an admin voided (codes VOID).' })
  void: number;
}

import { Context, Parent, ResolveField, Resolver } from '@nestjs/graphql';
import { Loaders, UUIDScalar } from '@tessera/common';
import type { Actor } from '../identity/auth/actor';
import { CurrentActor } from '../identity/auth/auth.decorators';
import { ApiKeyScope, RequiresScope } from '../identity/auth/api-key-scope';
import { Order } from '../contracts/entities/order.entity';
import { OrderSeats } from './dto/order-seats.dto';
import { CodeBatch } from './entities/code-batch.entity';
import { InventoryFields } from './inventory-fields';
import { OrderSeatsService, type SeatsOfOrder } from './order-seats.service';

/**
 * The seat dashboard's counts on Order. Here, not in contracts: they are the inventory's codes, and
 * contracts does not depend on the inventory. The order itself was loaded with its access check.
 */
@Resolver(() => Order)
export class OrderSeatsResolver {
  constructor(
    private readonly service: OrderSeatsService,
    private readonly inventory: InventoryFields,
  ) {}

  @ResolveField(() => OrderSeats, { description: 'The seats: how many remain, are pending, are used.' })
  @RequiresScope(ApiKeyScope.ORDERS_WRITE)
  async seats(@Parent() order: Order, @Context('loaders') loaders: Loaders): Promise<OrderSeats> {
    return (await this.load(order, loaders)).seats;
  }

  @ResolveField(() => UUIDScalar, { nullable: true, description: "The batch of the order's codes (none when it made none)." })
  @RequiresScope(ApiKeyScope.ORDERS_WRITE)
  async batchId(@Parent() order: Order, @Context('loaders') loaders: Loaders): Promise<string | null> {
    return (await this.load(order, loaders)).batchId;
  }

  @ResolveField(() => CodeBatch, {
    nullable: true,
    description: "The batch of the order's codes, with its progress (none when it made none).",
  })
  async batch(@Parent() order: Order, @CurrentActor() actor: Actor, @Context('loaders') loaders: Loaders): Promise<CodeBatch | null> {
    return this.inventory.batch(loaders, actor, (await this.load(order, loaders)).batchId);
  }

  private async load(order: Order, loaders: Loaders): Promise<SeatsOfOrder> {
    return (await loaders.get<SeatsOfOrder>('seatsOfOrder', (ids) => this.service.seatsOfOrders(ids)).load(order.id))!;
  }
}

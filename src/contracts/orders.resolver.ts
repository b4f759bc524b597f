import { Args, Context, Mutation, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { Loaders, PageArgs, shownBeside, UUIDScalar } from '@tessera/common';
import type { Actor } from '../identity/auth/actor';
import { ApiKeyScope, RequiresScope } from '../identity/auth/api-key-scope';
import { CurrentActor } from '../identity/auth/auth.decorators';
import { ApiKey } from '../identity/entities/api-key.entity';
import { Organization } from '../identity/entities/organization.entity';
import { User } from '../identity/entities/user.entity';
import { IdentityFields } from '../identity/identity-fields';
import { ContractsService } from './contracts.service';
import { OrderConnection, OrderFilter, RecordOrderInput, RecordOrderPayload } from './dto/order.dto';
import { Order } from './entities/order.entity';
import { Price } from './entities/price.entity';
import { Product } from './entities/product.entity';
import { OrdersService } from './orders.service';

/** Orders and their price and product; the seat counts come from the inventory (OrderSeatsResolver). */
@Resolver(() => Order)
export class OrdersResolver {
  constructor(
    private readonly service: OrdersService,
    private readonly contracts: ContractsService,
    private readonly identity: IdentityFields,
  ) {}

  @Query(() => OrderConnection, { description: "An organisation's orders, oldest first (its admins and API keys)." })
  orders(
    @CurrentActor() actor: Actor,
    @Args('organizationId', { type: () => UUIDScalar, description: 'The organisation.' }) organizationId: string,
    @Args() page: PageArgs,
    @Args('filter', { nullable: true, description: 'Narrows the list.' }) filter?: OrderFilter,
  ): Promise<OrderConnection> {
    return this.service.list(actor, organizationId, page, filter);
  }

  @Query(() => Order, { description: 'One order (admins and API keys of its organisation).' })
  order(@CurrentActor() actor: Actor, @Args('id', { type: () => UUIDScalar, description: 'Its id.' }) id: string): Promise<Order> {
    return this.service.get(actor, id);
  }

  @RequiresScope(ApiKeyScope.ORDERS_WRITE)
  @Mutation(() => RecordOrderPayload, {
    description:
      'Records an order of seats (the organisation’s API key, i.e. its storefront, or its admins; a platform key with ORDERS_WRITE for any organisation). At a price that generates registration codes, an order of two or more seats gets one code per seat. Idempotent on externalReference.',
  })
  recordOrder(
    @CurrentActor() actor: Actor,
    @Args('input', { description: 'The order.' }) input: RecordOrderInput,
  ): Promise<RecordOrderPayload> {
    return this.service.record(actor, input);
  }

  @ResolveField(() => Price, { description: 'The price the seats were bought at.' })
  @RequiresScope(ApiKeyScope.ORDERS_WRITE)
  async price(@Parent() order: Order, @Context('loaders') loaders: Loaders): Promise<Price> {
    return (await loaders.byId('price', (ids) => this.contracts.findPricesByIds(ids)).load(order.priceId))!;
  }

  @ResolveField(() => Product, { description: 'The product bought (through the price).' })
  @RequiresScope(ApiKeyScope.ORDERS_WRITE)
  async product(@Parent() order: Order, @Context('loaders') loaders: Loaders): Promise<Product> {
    const price = await this.price(order, loaders);
    return (await loaders.byId('product', (ids) => this.contracts.findProductsByIds(ids)).load(price.productId))!;
  }

  @ResolveField(() => Organization, { description: 'The organisation that bought the seats.' })
  async organization(@Parent() order: Order, @CurrentActor() actor: Actor, @Context('loaders') loaders: Loaders): Promise<Organization> {
    return shownBeside(await this.identity.organization(loaders, actor, order.organizationId), 'organisation');
  }

  @ResolveField(() => User, {
    nullable: true,
    description: 'The admin who reported the order (null when a system did, or it was someone outside the organisation).',
  })
  recordedBy(@Parent() order: Order, @CurrentActor() actor: Actor, @Context('loaders') loaders: Loaders): Promise<User | null> {
    return this.identity.person(loaders, actor, order.organizationId, order.recordedByUserId);
  }

  @ResolveField(() => ApiKey, {
    nullable: true,
    description:
      "The API key that reported the order (null when a person did; a platform key's only for platform admins, an organisation key's for its admins).",
  })
  recordedByApiKey(@Parent() order: Order, @CurrentActor() actor: Actor, @Context('loaders') loaders: Loaders): Promise<ApiKey | null> {
    return this.identity.apiKey(loaders, actor, order.recordedByApiKeyId);
  }
}

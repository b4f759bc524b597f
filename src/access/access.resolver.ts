import { Args, Context, Mutation, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { Loaders, PageArgs } from '@tessera/common';
import { ContractsService } from '../contracts/contracts.service';
import { Price } from '../contracts/entities/price.entity';
import { Product } from '../contracts/entities/product.entity';
import type { Actor } from '../identity/auth/actor';
import { CurrentActor, type RequestWithActor } from '../identity/auth/auth.decorators';
import { AccessGrantConnection, RedeemCodeInput, RedeemCodePayload } from './dto/access.dto';
import { AccessGrant } from './entities/access-grant.entity';
import { RedemptionService } from './redemption.service';

@Resolver(() => AccessGrant)
export class AccessResolver {
  constructor(
    private readonly redemption: RedemptionService,
    private readonly contracts: ContractsService,
  ) {}

  @Mutation(() => RedeemCodePayload, {
    description:
      'Redeems a code for the signed-in person: access to its product starts now. Wrong codes are rate-limited per person and client; ' +
      'a used, void or expired code is CONFLICT with extensions.reason.',
  })
  async redeemCode(
    @CurrentActor() actor: Actor,
    @Args('input', { description: 'The code.' }) input: RedeemCodeInput,
    @Context('req') req: RequestWithActor,
  ): Promise<RedeemCodePayload> {
    return { grant: await this.redemption.redeemTyped(actor, input.code, req.ip ?? 'unknown') };
  }

  @Query(() => AccessGrantConnection, { description: "The signed-in person's access grants." })
  myAccess(@CurrentActor() actor: Actor, @Args() page: PageArgs): Promise<AccessGrantConnection> {
    return this.redemption.mine(actor, page);
  }

  @ResolveField(() => Product, { nullable: true, description: 'The product the grant gives access to.' })
  product(@Parent() grant: AccessGrant, @Context('loaders') loaders: Loaders): Promise<Product | null> {
    return grant.productId
      ? loaders.byId('product', (ids) => this.contracts.findProductsByIds(ids)).load(grant.productId)
      : Promise.resolve(null);
  }

  @ResolveField(() => Price, { nullable: true, description: 'The price the access was given at.' })
  price(@Parent() grant: AccessGrant, @Context('loaders') loaders: Loaders): Promise<Price | null> {
    return grant.priceId ? loaders.byId('price', (ids) => this.contracts.findPricesByIds(ids)).load(grant.priceId) : Promise.resolve(null);
  }
}

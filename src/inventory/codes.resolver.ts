import { Args, Context, Mutation, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { BadUserInputError, Loaders, PageArgs, shownBeside, UUIDScalar } from '@tessera/common';
import { ContractsService } from '../contracts/contracts.service';
import { Contract } from '../contracts/entities/contract.entity';
import { Price } from '../contracts/entities/price.entity';
import { Product } from '../contracts/entities/product.entity';
import type { Actor } from '../identity/auth/actor';
import { ApiKeyScope, RequiresScope } from '../identity/auth/api-key-scope';
import { CurrentActor } from '../identity/auth/auth.decorators';
import { Organization } from '../identity/entities/organization.entity';
import { IdentityFields } from '../identity/identity-fields';
import { CodesService, displayCodeOf } from './codes.service';
import { CodeConnection, CodeFilter, UpdateCodeInput, UpdateCodePayload, VoidCodeInput, VoidCodePayload } from './dto/code.dto';
import { CodeBatch } from './entities/code-batch.entity';
import { Code } from './entities/code.entity';

@Resolver(() => Code)
export class CodesResolver {
  constructor(
    private readonly service: CodesService,
    private readonly contracts: ContractsService,
    private readonly identity: IdentityFields,
  ) {}

  @RequiresScope(ApiKeyScope.CODES_READ)
  @Query(() => CodeConnection, {
    description:
      "An organisation's codes, filtered and searched (its admins and API keys; a platform key with CODES_READ for any organisation).",
  })
  codes(
    @CurrentActor() actor: Actor,
    @Args('organizationId', { type: () => UUIDScalar, description: 'The organisation.' }) organizationId: string,
    @Args() page: PageArgs,
    @Args('filter', { nullable: true, description: 'Narrows the list.' }) filter?: CodeFilter,
  ): Promise<CodeConnection> {
    return this.service.list(actor, organizationId, page, filter);
  }

  @Query(() => Code, { description: 'One code, by its id or by the code itself (case, spaces and hyphens do not matter).' })
  code(
    @CurrentActor() actor: Actor,
    @Args('id', { type: () => UUIDScalar, nullable: true, description: 'The id of the code.' }) id?: string,
    @Args('code', { nullable: true, description: 'The code as typed.' }) code?: string,
  ): Promise<Code> {
    if (Boolean(id) === Boolean(code)) throw BadUserInputError.field('id', 'give either id or code, not both.');
    return id ? this.service.get(actor, id) : this.service.getByValue(actor, code!);
  }

  @Mutation(() => UpdateCodePayload, { description: "Changes a code's admin comment, expiry or type (organisation admins)." })
  async updateCode(
    @CurrentActor() actor: Actor,
    @Args('input', { description: 'The code and its changes.' }) input: UpdateCodeInput,
  ): Promise<UpdateCodePayload> {
    return { code: await this.service.update(actor, input) };
  }

  @Mutation(() => VoidCodePayload, { description: 'Voids (deletes) a code that is not redeemed: final, and kept for the audit.' })
  async voidCode(
    @CurrentActor() actor: Actor,
    @Args('input', { description: 'The code to void.' }) input: VoidCodeInput,
  ): Promise<VoidCodePayload> {
    return { code: await this.service.void(actor, input.codeId, input.reason ?? null) };
  }

  @ResolveField(() => String, { description: 'The code for people to read: prefix, then groups of four joined by hyphens.' })
  @RequiresScope(ApiKeyScope.CODES_READ)
  async displayCode(@Parent() code: Code, @Context('loaders') loaders: Loaders): Promise<string> {
    return displayCodeOf(code, await this.batchLoader(loaders).load(code.batchId));
  }

  @ResolveField(() => CodeBatch, { description: 'The batch the code came in.' })
  async batch(@Parent() code: Code, @Context('loaders') loaders: Loaders): Promise<CodeBatch> {
    return (await this.batchLoader(loaders).load(code.batchId))!;
  }

  @ResolveField(() => Price, { nullable: true, description: 'The price the code gives access at.' })
  price(@Parent() code: Code, @Context('loaders') loaders: Loaders): Promise<Price | null> {
    return code.priceId ? loaders.byId('price', (ids) => this.contracts.findPricesByIds(ids)).load(code.priceId) : Promise.resolve(null);
  }

  @ResolveField(() => Product, { nullable: true, description: 'The product behind the code (through its price).' })
  async product(@Parent() code: Code, @Context('loaders') loaders: Loaders): Promise<Product | null> {
    const price = await this.price(code, loaders);
    return price ? loaders.byId('product', (ids) => this.contracts.findProductsByIds(ids)).load(price.productId) : null;
  }

  @ResolveField(() => Contract, { nullable: true, description: 'The contract the code belongs to.' })
  contract(@Parent() code: Code, @Context('loaders') loaders: Loaders): Promise<Contract | null> {
    return code.contractId
      ? loaders.byId('contract', (ids) => this.contracts.findContractsByIds(ids)).load(code.contractId)
      : Promise.resolve(null);
  }

  @ResolveField(() => Organization, { description: 'The organisation that holds the code.' })
  async organization(@Parent() code: Code, @CurrentActor() actor: Actor, @Context('loaders') loaders: Loaders): Promise<Organization> {
    return shownBeside(await this.identity.organization(loaders, actor, code.organizationId), 'organisation');
  }

  private batchLoader(loaders: Loaders) {
    return loaders.byId('codeBatch', (ids) => this.service.findBatchesByIds(ids));
  }
}

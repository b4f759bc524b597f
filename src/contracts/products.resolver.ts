import { Args, Context, Mutation, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { Loaders, PageArgs, UUIDScalar } from '@tessera/common';
import type { Actor } from '../identity/auth/actor';
import { CurrentActor } from '../identity/auth/auth.decorators';
import { Organization } from '../identity/entities/organization.entity';
import { IdentityFields } from '../identity/identity-fields';
import { ContractsService } from './contracts.service';
import { CreatePriceInput, CreatePricePayload, UpdatePriceInput, UpdatePricePayload } from './dto/price.dto';
import {
  CreateProductInput,
  CreateProductPayload,
  ProductConnection,
  ProductFilter,
  UpdateProductInput,
  UpdateProductPayload,
} from './dto/product.dto';
import { Price } from './entities/price.entity';
import { Product } from './entities/product.entity';

@Resolver(() => Product)
export class ProductsResolver {
  constructor(
    private readonly service: ContractsService,
    private readonly identity: IdentityFields,
  ) {}

  @Query(() => ProductConnection, {
    description:
      'Products an organisation may use: its own and the platform catalogue (its members). Without organizationId: those of all your organisations and the catalogue (platform admins: every product).',
  })
  products(
    @CurrentActor() actor: Actor,
    @Args('organizationId', { type: () => UUIDScalar, nullable: true, description: 'The organisation.' }) organizationId: string | null,
    @Args() page: PageArgs,
    @Args('filter', { nullable: true, description: 'Narrows the list.' }) filter?: ProductFilter,
  ): Promise<ProductConnection> {
    return this.service.listProducts(actor, organizationId, page, filter);
  }

  @Query(() => Product, { description: 'One product: of the platform catalogue, or of an organisation you belong to.' })
  product(@CurrentActor() actor: Actor, @Args('id', { type: () => UUIDScalar, description: 'Its id.' }) id: string): Promise<Product> {
    return this.service.getProduct(actor, id);
  }

  @Mutation(() => CreateProductPayload, {
    description: 'Creates a product of an organisation (its admins) or of the platform catalogue (platform admins).',
  })
  async createProduct(
    @CurrentActor() actor: Actor,
    @Args('input', { description: 'The new product.' }) input: CreateProductInput,
  ): Promise<CreateProductPayload> {
    return { product: await this.service.createProduct(actor, { ...input, ownerOrganizationId: input.ownerOrganizationId ?? null }) };
  }

  @Mutation(() => UpdateProductPayload, {
    description: "Changes a product's name, description or milestones (admins of its organisation; platform admins for the catalogue).",
  })
  async updateProduct(
    @CurrentActor() actor: Actor,
    @Args('input', { description: 'The product and its changes.' }) input: UpdateProductInput,
  ): Promise<UpdateProductPayload> {
    return { product: await this.service.updateProduct(actor, input) };
  }

  @ResolveField(() => [Price], { description: 'The prices of the product.' })
  async prices(@Parent() product: Product, @Context('loaders') loaders: Loaders): Promise<Price[]> {
    return (await loaders.get<Price[]>('pricesOfProduct', (ids) => this.service.pricesOfProducts(ids)).load(product.id)) ?? [];
  }

  @ResolveField(() => Organization, {
    nullable: true,
    description: 'The organisation that owns the product (none: the platform catalogue, or an organisation you do not belong to).',
  })
  ownerOrganization(
    @Parent() product: Product,
    @CurrentActor() actor: Actor,
    @Context('loaders') loaders: Loaders,
  ): Promise<Organization | null> {
    return this.identity.organization(loaders, actor, product.ownerOrganizationId);
  }
}

@Resolver(() => Price)
export class PricesResolver {
  constructor(private readonly service: ContractsService) {}

  @Query(() => Price, {
    description:
      'One price: of the platform catalogue, or of a product of an organisation you belong to. Any other is NOT_FOUND, as a missing one.',
  })
  price(@CurrentActor() actor: Actor, @Args('id', { type: () => UUIDScalar, description: 'The price.' }) id: string): Promise<Price> {
    return this.service.getPrice(actor, id);
  }

  @Mutation(() => CreatePricePayload, { description: 'Adds a price to a product (whoever may change the product).' })
  async createPrice(
    @CurrentActor() actor: Actor,
    @Args('input', { description: 'The new price.' }) input: CreatePriceInput,
  ): Promise<CreatePricePayload> {
    return { price: await this.service.createPrice(actor, input) };
  }

  @Mutation(() => UpdatePricePayload, { description: 'Changes a price (whoever may change its product).' })
  async updatePrice(
    @CurrentActor() actor: Actor,
    @Args('input', { description: 'The price and its changes.' }) input: UpdatePriceInput,
  ): Promise<UpdatePricePayload> {
    return { price: await this.service.updatePrice(actor, input) };
  }

  @ResolveField(() => Product, { description: 'The product the price belongs to.' })
  async product(@Parent() price: Price, @Context('loaders') loaders: Loaders): Promise<Product> {
    return (await loaders.byId('product', (ids) => this.service.findProductsByIds(ids)).load(price.productId))!;
  }
}

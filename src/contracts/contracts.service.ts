import { Transactional, TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { Injectable } from '@nestjs/common';
import { BadUserInputError, ForbiddenError, newId, NotFoundError } from '@tessera/common';
import { In } from 'typeorm';
import { AccessPolicy } from '../identity/access-policy.service';
import { actsForPlatform, type Actor } from '../identity/auth/actor';
import { MemberRole } from '../identity/entities/membership.entity';
import { Contract } from './entities/contract.entity';
import { Price } from './entities/price.entity';
import { Product } from './entities/product.entity';

export interface NewProduct {
  ownerOrganizationId: string | null;
  name: string;
  description?: string;
}

export interface NewPrice {
  productId: string;
  priceCode: string;
  name: string;
  amountMinor?: number;
  currency?: string;
  accessDays?: number | null;
  generatesRegistrationCodes?: boolean;
}

export interface NewContract {
  organizationId: string;
  name: string;
  invitationPrefix?: string;
  priceIds?: string[];
  startsAt?: Date | null;
  endsAt?: Date | null;
}

/**
 * Products, prices and contracts: the minimum the inventory needs. The contracts issue adds
 * their GraphQL management, participants and the participant CSV round trip.
 */
@Injectable()
export class ContractsService {
  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly access: AccessPolicy,
  ) {}

  private get manager() {
    return this.txHost.tx;
  }

  @Transactional()
  async createProduct(actor: Actor, input: NewProduct): Promise<Product> {
    if (input.ownerOrganizationId) {
      await this.access.requireOrganization(actor, input.ownerOrganizationId, { role: MemberRole.ORG_ADMIN });
    } else if (!actsForPlatform(actor)) {
      throw new ForbiddenError('Only platform admins add to the platform catalogue.');
    }
    const product = this.manager.create(Product, { id: newId(), description: '', ...input });
    await this.manager.insert(Product, product);
    return product;
  }

  @Transactional()
  async createPrice(actor: Actor, input: NewPrice): Promise<Price> {
    const product = await this.manager.findOneBy(Product, { id: input.productId });
    if (!product) throw new NotFoundError('Product', input.productId);
    await this.requireProductAdmin(actor, product);
    const price = this.manager.create(Price, {
      id: newId(),
      amountMinor: 0,
      currency: 'EUR',
      accessDays: null,
      generatesRegistrationCodes: false,
      ...input,
    });
    await this.manager.insert(Price, price);
    return price;
  }

  @Transactional()
  async createContract(actor: Actor, input: NewContract): Promise<Contract> {
    await this.access.requireOrganization(actor, input.organizationId, { role: MemberRole.ORG_ADMIN });
    const { priceIds = [], ...fields } = input;
    const contract = this.manager.create(Contract, { id: newId(), invitationPrefix: '', startsAt: null, endsAt: null, ...fields });
    await this.manager.insert(Contract, contract);
    for (const priceId of priceIds) await this.usablePrice(input.organizationId, priceId);
    if (priceIds.length) await this.manager.createQueryBuilder().relation(Contract, 'prices').of(contract.id).add(priceIds);
    return contract;
  }

  /** A contract the organisation holds; NOT_FOUND otherwise (no hint that it exists elsewhere). */
  async contractOf(organizationId: string, contractId: string): Promise<Contract> {
    const contract = await this.manager.findOneBy(Contract, { id: contractId, organizationId });
    if (!contract) throw new NotFoundError('Contract', contractId);
    return contract;
  }

  /**
   * A price the organisation may hand out codes for: one of its own products or of the platform
   * catalogue, and, for a contract, one the contract allows.
   */
  async usablePrice(organizationId: string, priceId: string, contractId?: string | null): Promise<Price> {
    const price = await this.manager
      .createQueryBuilder(Price, 'price')
      .innerJoinAndSelect('price.product', 'product')
      .where('price.id = :priceId', { priceId })
      .andWhere('(product.owner_organization_id IS NULL OR product.owner_organization_id = :organizationId)', { organizationId })
      .getOne();
    if (!price) throw new NotFoundError('Price', priceId);
    if (contractId) {
      const allowed = await this.manager
        .createQueryBuilder()
        .select('1')
        .from('contract_price', 'cp')
        .where('cp.contract_id = :contractId AND cp.price_id = :priceId', { contractId, priceId })
        .getRawOne();
      if (!allowed) throw BadUserInputError.field('priceId', 'is not one of the prices this contract allows.');
    }
    return price;
  }

  hasContracts(organizationId: string): Promise<boolean> {
    return this.manager.existsBy(Contract, { organizationId });
  }

  findPricesByIds(ids: readonly string[]): Promise<Price[]> {
    return this.manager.findBy(Price, { id: In([...ids]) });
  }

  findProductsByIds(ids: readonly string[]): Promise<Product[]> {
    return this.manager.findBy(Product, { id: In([...ids]) });
  }

  findContractsByIds(ids: readonly string[]): Promise<Contract[]> {
    return this.manager.findBy(Contract, { id: In([...ids]) });
  }

  private async requireProductAdmin(actor: Actor, product: Product): Promise<void> {
    if (product.ownerOrganizationId) {
      await this.access.require(actor, product.ownerOrganizationId, { role: MemberRole.ORG_ADMIN });
    } else if (!actsForPlatform(actor)) {
      throw new ForbiddenError('Only platform admins change the platform catalogue.');
    }
  }
}

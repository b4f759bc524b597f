import { Transactional, TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { Injectable } from '@nestjs/common';
import { normalizeCode } from '@tessera/codes';
import {
  BadUserInputError,
  ConflictError,
  containsPattern,
  ErrorReason,
  ForbiddenError,
  isUniqueViolation,
  newId,
  NotFoundError,
  PageArgs,
  paginate,
  type ConnectionShape,
} from '@tessera/common';
import { EventBus } from '@tessera/events';
import { In } from 'typeorm';
import { AccessPolicy } from '../identity/access-policy.service';
import { actorUserId, actsForPlatform, type Actor } from '../identity/auth/actor';
import { MemberRole } from '../identity/entities/membership.entity';
import { Contract, ContractStatus } from './entities/contract.entity';
import { Price } from './entities/price.entity';
import { Milestone, Product } from './entities/product.entity';
import {
  ContractArchived,
  ContractCreated,
  ContractUpdated,
  PriceCreated,
  PriceUpdated,
  ProductCreated,
  ProductUpdated,
  type Changes,
} from './events/contracts.events';

export interface NewProduct {
  ownerOrganizationId: string | null;
  name: string;
  description?: string;
  milestones?: Milestone[];
}

/** Fields left out (or null) stay as they are. */
export interface ProductUpdate {
  productId: string;
  name?: string | null;
  description?: string | null;
  /** Replaces the whole list. */
  milestones?: Milestone[] | null;
}

export interface NewPrice {
  productId: string;
  priceCode: string;
  name: string;
  amountMinor?: number;
  currency?: string;
  accessDays?: number | null;
  accessStartsAt?: Date | null;
  accessEndsAt?: Date | null;
  generatesRegistrationCodes?: boolean;
}

/** Fields left out stay as they are; see updatePrice for the access fields. */
export interface PriceUpdate {
  priceId: string;
  priceCode?: string | null;
  name?: string | null;
  amountMinor?: number | null;
  currency?: string | null;
  accessDays?: number | null;
  accessStartsAt?: Date | null;
  accessEndsAt?: Date | null;
  generatesRegistrationCodes?: boolean | null;
}

export interface NewContract {
  organizationId: string;
  name: string;
  invitationPrefix?: string;
  priceIds?: string[];
  startsAt?: Date | null;
  endsAt?: Date | null;
}

/** Fields left out stay as they are; null dates clear them. */
export interface ContractUpdate {
  contractId: string;
  name?: string | null;
  invitationPrefix?: string | null;
  /** Replaces the whole set. */
  priceIds?: string[] | null;
  startsAt?: Date | null;
  endsAt?: Date | null;
}

export interface ProductFilter {
  search?: string | null;
}

export interface ContractFilter {
  search?: string | null;
  status?: ContractStatus | null;
}

interface AccessRule {
  accessDays: number | null;
  accessStartsAt: Date | null;
  accessEndsAt: Date | null;
}

/** Any member may see their organisation's products (and its systems, with an API key). */
export const READ_PRODUCTS = { role: MemberRole.MEMBER, apiKey: true };
/** Contracts are the admins' business (and their booking systems'). */
export const READ_CONTRACTS = { role: MemberRole.ORG_ADMIN, apiKey: true };
const MANAGE = { role: MemberRole.ORG_ADMIN };

const PRICE_CODE_CONSTRAINT = 'price_product_code_key';

/**
 * Products (with their milestones), prices and contracts: what an organisation may hand out codes
 * for. Products of the platform catalogue belong to no organisation and only platform admins
 * change them; everything else is checked against the organisation that owns the row loaded.
 */
@Injectable()
export class ContractsService {
  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly access: AccessPolicy,
    private readonly events: EventBus,
  ) {}

  private get manager() {
    return this.txHost.tx;
  }

  // ---- products ----------------------------------------------------------------------------

  /**
   * Products an organisation may use: its own and the platform catalogue. Without an
   * organisation: those of every organisation the caller belongs to, and the catalogue (platform
   * admins: all products).
   */
  async listProducts(
    actor: Actor,
    organizationId: string | null | undefined,
    page: PageArgs,
    filter: ProductFilter = {},
  ): Promise<ConnectionShape<Product>> {
    const query = this.manager.createQueryBuilder(Product, 'product');
    if (organizationId) {
      await this.access.requireOrganization(actor, organizationId, READ_PRODUCTS);
      query.where('(product.owner_organization_id IS NULL OR product.owner_organization_id = :organizationId)', { organizationId });
    } else {
      const readable = await this.access.readableOrganizationIds(actor);
      if (readable) {
        query.where('(product.owner_organization_id IS NULL OR product.owner_organization_id IN (:...readable))', {
          readable: readable.length ? readable : [null],
        });
      }
    }
    if (filter.search?.trim()) {
      query.andWhere('(product.name ILIKE :term OR product.description ILIKE :term)', { term: containsPattern(filter.search.trim()) });
    }
    return paginate(query, page);
  }

  /** A product of the catalogue (anyone signed in), or of an organisation (its members). */
  async getProduct(actor: Actor, id: string): Promise<Product> {
    const product = await this.manager.findOneBy(Product, { id });
    if (!product) throw new NotFoundError('Product', id);
    if (product.ownerOrganizationId) await this.access.require(actor, product.ownerOrganizationId, READ_PRODUCTS);
    return product;
  }

  /** A price of the catalogue (anyone signed in), or of an organisation's product (its members). Anyone else: NOT_FOUND, as for none. */
  async getPrice(actor: Actor, id: string): Promise<Price> {
    const price = await this.manager.findOneBy(Price, { id });
    const product = price ? await this.manager.findOneBy(Product, { id: price.productId }) : null;
    const shown =
      product && (!product.ownerOrganizationId || (await this.access.allows(actor, product.ownerOrganizationId, READ_PRODUCTS)));
    if (!shown) throw new NotFoundError('Price', id);
    return price!;
  }

  @Transactional()
  async createProduct(actor: Actor, input: NewProduct): Promise<Product> {
    if (input.ownerOrganizationId) {
      await this.access.requireOrganization(actor, input.ownerOrganizationId, MANAGE);
    } else if (!actsForPlatform(actor)) {
      throw new ForbiddenError('Only platform admins add to the platform catalogue.');
    }
    const product = this.manager.create(Product, {
      id: newId(),
      ownerOrganizationId: input.ownerOrganizationId ?? null,
      name: input.name.trim(),
      description: input.description?.trim() ?? '',
      milestones: checkedMilestones(input.milestones ?? []),
    });
    await this.manager.insert(Product, product);
    await this.events.publish(
      new ProductCreated(
        { productId: product.id, name: product.name, ownerOrganizationId: product.ownerOrganizationId },
        { organizationId: product.ownerOrganizationId, actorId: actorUserId(actor) },
      ),
    );
    return this.manager.findOneByOrFail(Product, { id: product.id });
  }

  @Transactional()
  async updateProduct(actor: Actor, input: ProductUpdate): Promise<Product> {
    const product = await this.manager.findOne(Product, { where: { id: input.productId }, lock: { mode: 'pessimistic_write' } });
    if (!product) throw new NotFoundError('Product', input.productId);
    await this.requireProductAdmin(actor, product);
    const changes: Partial<Pick<Product, 'name' | 'description' | 'milestones'>> = {};
    if (input.name != null) changes.name = input.name.trim();
    if (input.description != null) changes.description = input.description.trim();
    if (input.milestones != null) changes.milestones = checkedMilestones(input.milestones);
    if (Object.keys(changes).length === 0) return product;
    await this.manager.update(Product, { id: product.id }, changes);
    await this.events.publish(
      new ProductUpdated({ productId: product.id, changes }, { organizationId: product.ownerOrganizationId, actorId: actorUserId(actor) }),
    );
    return this.manager.findOneByOrFail(Product, { id: product.id });
  }

  // ---- prices ------------------------------------------------------------------------------

  /** Access lasts accessDays from redemption, or over fixed dates: never both. */
  @Transactional()
  async createPrice(actor: Actor, input: NewPrice): Promise<Price> {
    const product = await this.manager.findOneBy(Product, { id: input.productId });
    if (!product) throw new NotFoundError('Product', input.productId);
    await this.requireProductAdmin(actor, product);
    const rule = checkedAccessRule(
      { accessDays: input.accessDays ?? null, accessStartsAt: input.accessStartsAt ?? null, accessEndsAt: input.accessEndsAt ?? null },
      { required: false },
    );
    const price = this.manager.create(Price, {
      id: newId(),
      productId: product.id,
      priceCode: input.priceCode,
      name: input.name.trim(),
      amountMinor: input.amountMinor ?? 0,
      currency: input.currency ?? 'EUR',
      ...rule,
      generatesRegistrationCodes: input.generatesRegistrationCodes ?? false,
    });
    await uniquePriceCode(price.priceCode, () => this.manager.insert(Price, price));
    await this.events.publish(
      new PriceCreated(
        { priceId: price.id, productId: product.id, priceCode: price.priceCode },
        { organizationId: product.ownerOrganizationId, actorId: actorUserId(actor) },
      ),
    );
    return this.manager.findOneByOrFail(Price, { id: price.id });
  }

  /**
   * Changes a price. accessDays and the fixed dates exclude each other: giving one form clears the
   * other (giving both is refused), and a price changed this way must keep one of them.
   */
  @Transactional()
  async updatePrice(actor: Actor, input: PriceUpdate): Promise<Price> {
    const price = await this.manager.findOne(Price, { where: { id: input.priceId }, lock: { mode: 'pessimistic_write' } });
    if (!price) throw new NotFoundError('Price', input.priceId);
    const product = await this.manager.findOneByOrFail(Product, { id: price.productId });
    await this.requireProductAdmin(actor, product);

    const changes: Partial<Omit<Price, 'id' | 'productId' | 'createdAt' | 'product'>> = {};
    if (input.priceCode != null) changes.priceCode = input.priceCode;
    if (input.name != null) changes.name = input.name.trim();
    if (input.amountMinor != null) changes.amountMinor = input.amountMinor;
    if (input.currency != null) changes.currency = input.currency;
    if (input.generatesRegistrationCodes != null) changes.generatesRegistrationCodes = input.generatesRegistrationCodes;
    const givesDays = input.accessDays !== undefined;
    const givesDates = input.accessStartsAt !== undefined || input.accessEndsAt !== undefined;
    if (givesDays || givesDates) {
      const next: AccessRule = {
        accessDays: givesDays ? (input.accessDays ?? null) : price.accessDays,
        accessStartsAt: input.accessStartsAt !== undefined ? input.accessStartsAt : price.accessStartsAt,
        accessEndsAt: input.accessEndsAt !== undefined ? input.accessEndsAt : price.accessEndsAt,
      };
      // Switching from one form to the other clears the form not given.
      if (input.accessDays != null && input.accessStartsAt == null && input.accessEndsAt == null) {
        next.accessStartsAt = next.accessEndsAt = null;
      }
      if ((input.accessStartsAt != null || input.accessEndsAt != null) && input.accessDays == null) next.accessDays = null;
      Object.assign(changes, checkedAccessRule(next, { required: true }));
    }
    if (Object.keys(changes).length === 0) return price;
    await uniquePriceCode(changes.priceCode ?? price.priceCode, () => this.manager.update(Price, { id: price.id }, changes));
    await this.events.publish(
      new PriceUpdated(
        { priceId: price.id, productId: product.id, changes },
        { organizationId: product.ownerOrganizationId, actorId: actorUserId(actor) },
      ),
    );
    return this.manager.findOneByOrFail(Price, { id: price.id });
  }

  // ---- contracts ---------------------------------------------------------------------------

  /** An organisation's contracts (its admins and API keys). */
  async listContracts(
    actor: Actor,
    organizationId: string,
    page: PageArgs,
    filter: ContractFilter = {},
  ): Promise<ConnectionShape<Contract>> {
    await this.access.requireOrganization(actor, organizationId, READ_CONTRACTS);
    const query = this.manager
      .createQueryBuilder(Contract, 'contract')
      .where('contract.organization_id = :organizationId', { organizationId });
    if (filter.status) query.andWhere('contract.status = :status', { status: filter.status });
    if (filter.search?.trim()) {
      query.andWhere('(contract.name ILIKE :term OR contract.invitation_prefix ILIKE :term)', {
        term: containsPattern(filter.search.trim()),
      });
    }
    return paginate(query, page);
  }

  async getContract(actor: Actor, id: string): Promise<Contract> {
    const contract = await this.manager.findOneBy(Contract, { id });
    if (!contract) throw new NotFoundError('Contract', id);
    await this.access.require(actor, contract.organizationId, READ_CONTRACTS);
    return contract;
  }

  @Transactional()
  async createContract(actor: Actor, input: NewContract): Promise<Contract> {
    await this.access.requireOrganization(actor, input.organizationId, MANAGE);
    checkContractDates(input.startsAt ?? null, input.endsAt ?? null);
    const priceIds = await this.allowedPrices(input.organizationId, input.priceIds ?? []);
    const contract = this.manager.create(Contract, {
      id: newId(),
      organizationId: input.organizationId,
      name: input.name.trim(),
      invitationPrefix: normalizeCode(input.invitationPrefix ?? ''),
      status: ContractStatus.ACTIVE,
      startsAt: input.startsAt ?? null,
      endsAt: input.endsAt ?? null,
    });
    await this.manager.insert(Contract, contract);
    if (priceIds.length) await this.manager.createQueryBuilder().relation(Contract, 'prices').of(contract.id).add(priceIds);
    await this.events.publish(
      new ContractCreated(
        { contractId: contract.id, name: contract.name, invitationPrefix: contract.invitationPrefix, priceIds },
        { organizationId: contract.organizationId, actorId: actorUserId(actor) },
      ),
    );
    return this.manager.findOneByOrFail(Contract, { id: contract.id });
  }

  /** Changes an active contract; `priceIds` replaces the set of prices it allows. */
  @Transactional()
  async updateContract(actor: Actor, input: ContractUpdate): Promise<Contract> {
    const contract = await this.lockContract(actor, input.contractId);
    if (contract.status === ContractStatus.ARCHIVED) {
      throw new ConflictError('This contract is archived: it cannot change any more.', { reason: ErrorReason.CONTRACT_ARCHIVED });
    }
    const changes: Partial<Pick<Contract, 'name' | 'invitationPrefix' | 'startsAt' | 'endsAt'>> = {};
    if (input.name != null) changes.name = input.name.trim();
    if (input.invitationPrefix != null) changes.invitationPrefix = normalizeCode(input.invitationPrefix);
    if (input.startsAt !== undefined) changes.startsAt = input.startsAt;
    if (input.endsAt !== undefined) changes.endsAt = input.endsAt;
    checkContractDates(
      changes.startsAt !== undefined ? changes.startsAt : contract.startsAt,
      changes.endsAt !== undefined ? changes.endsAt : contract.endsAt,
    );
    const eventChanges: Changes = { ...changes };

    if (input.priceIds != null) {
      const next = await this.allowedPrices(contract.organizationId, input.priceIds);
      const current = (await this.pricesOfContracts([contract.id]))[0].map((price) => price.id);
      const added = next.filter((id) => !current.includes(id));
      const removed = current.filter((id) => !next.includes(id));
      if (added.length || removed.length) {
        await this.manager.createQueryBuilder().relation(Contract, 'prices').of(contract.id).addAndRemove(added, removed);
        eventChanges.priceIds = next;
      }
    }
    if (Object.keys(eventChanges).length === 0) return contract;
    if (Object.keys(changes).length) await this.manager.update(Contract, { id: contract.id }, changes);
    await this.events.publish(
      new ContractUpdated(
        { contractId: contract.id, changes: eventChanges },
        { organizationId: contract.organizationId, actorId: actorUserId(actor) },
      ),
    );
    return this.manager.findOneByOrFail(Contract, { id: contract.id });
  }

  /** Archives a contract: kept with its codes, but no changes and no new codes from now on. */
  @Transactional()
  async archiveContract(actor: Actor, contractId: string, reason: string | null = null): Promise<Contract> {
    const contract = await this.lockContract(actor, contractId);
    if (contract.status === ContractStatus.ARCHIVED) {
      throw new ConflictError('This contract is already archived.', { reason: ErrorReason.CONTRACT_ARCHIVED });
    }
    await this.manager.update(Contract, { id: contract.id }, { status: ContractStatus.ARCHIVED });
    await this.events.publish(
      new ContractArchived(
        { contractId: contract.id, reason: reason?.trim() || null },
        { organizationId: contract.organizationId, actorId: actorUserId(actor) },
      ),
    );
    return this.manager.findOneByOrFail(Contract, { id: contract.id });
  }

  /**
   * A contract the organisation holds, for making codes: NOT_FOUND otherwise (no hint that it
   * exists elsewhere), CONFLICT when it is archived unless `allowArchived` (reads). Inside a
   * transaction the row is share-locked, so the contract cannot be archived before that commits.
   */
  async contractOf(organizationId: string, contractId: string, allowArchived = false): Promise<Contract> {
    const contract = await this.manager.findOne(Contract, {
      where: { id: contractId, organizationId },
      ...(this.txHost.isTransactionActive() ? { lock: { mode: 'pessimistic_read' as const } } : {}),
    });
    if (!contract) throw new NotFoundError('Contract', contractId);
    if (contract.status === ContractStatus.ARCHIVED && !allowArchived) {
      throw new ConflictError('This contract is archived: no new codes can be made for it.', {
        reason: ErrorReason.CONTRACT_ARCHIVED,
        field: 'contractId',
      });
    }
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

  /** The prices of each product, in the order of `productIds` (a DataLoader batch). */
  async pricesOfProducts(productIds: readonly string[]): Promise<Price[][]> {
    const prices = await this.manager.find(Price, { where: { productId: In([...productIds]) }, order: { id: 'ASC' } });
    return productIds.map((productId) => prices.filter((price) => price.productId === productId));
  }

  /** The prices each contract allows, in the order of `contractIds` (a DataLoader batch). */
  async pricesOfContracts(contractIds: readonly string[]): Promise<Price[][]> {
    const links: { contract_id: string; price_id: string }[] = await this.manager
      .createQueryBuilder()
      .select(['cp.contract_id AS contract_id', 'cp.price_id AS price_id'])
      .from('contract_price', 'cp')
      .where('cp.contract_id IN (:...contractIds)', { contractIds: [...contractIds] })
      .getRawMany();
    const prices = links.length
      ? await this.manager.find(Price, { where: { id: In(links.map((l) => l.price_id)) }, order: { id: 'ASC' } })
      : [];
    return contractIds.map((contractId) => {
      const allowed = new Set(links.filter((l) => l.contract_id === contractId).map((l) => l.price_id));
      return prices.filter((price) => allowed.has(price.id));
    });
  }

  private async requireProductAdmin(actor: Actor, product: Product): Promise<void> {
    if (product.ownerOrganizationId) {
      await this.access.require(actor, product.ownerOrganizationId, MANAGE);
    } else if (!actsForPlatform(actor)) {
      throw new ForbiddenError('Only platform admins change the platform catalogue.');
    }
  }

  private async lockContract(actor: Actor, contractId: string): Promise<Contract> {
    const contract = await this.manager.findOne(Contract, { where: { id: contractId }, lock: { mode: 'pessimistic_write' } });
    if (!contract) throw new NotFoundError('Contract', contractId);
    await this.access.require(actor, contract.organizationId, MANAGE);
    return contract;
  }

  /** Distinct ids of prices the organisation may use (NOT_FOUND for any other). */
  private async allowedPrices(organizationId: string, priceIds: readonly string[]): Promise<string[]> {
    const distinct = [...new Set(priceIds)];
    for (const priceId of distinct) await this.usablePrice(organizationId, priceId);
    return distinct;
  }
}

/** Keys are unique within the product; labels are trimmed. */
function checkedMilestones(milestones: readonly Milestone[]): Milestone[] {
  const seen = new Set<string>();
  return milestones.map(({ key, label }, index) => {
    if (seen.has(key)) throw BadUserInputError.field(`milestones.${index}.key`, `"${key}" appears more than once in this product.`);
    seen.add(key);
    return { key, label: label.trim() };
  });
}

/**
 * Days from redemption, or fixed dates (both, the end after the start), never both. `required`:
 * one of the two must be there (prices made before this rule may have neither).
 */
function checkedAccessRule(rule: AccessRule, options: { required: boolean }): AccessRule {
  const { accessDays, accessStartsAt, accessEndsAt } = rule;
  const hasDates = accessStartsAt !== null || accessEndsAt !== null;
  if (accessDays !== null && hasDates) {
    throw BadUserInputError.field('accessDays', 'give either accessDays or accessStartsAt and accessEndsAt, not both.');
  }
  if (accessDays === null && !hasDates && options.required) {
    throw BadUserInputError.field('accessDays', 'is needed unless accessStartsAt and accessEndsAt are given.');
  }
  if (accessDays !== null && (!Number.isInteger(accessDays) || accessDays < 1)) {
    throw BadUserInputError.field('accessDays', 'must be a whole number of days, at least 1.');
  }
  if (accessStartsAt === null && accessEndsAt !== null) throw BadUserInputError.field('accessStartsAt', 'is needed with accessEndsAt.');
  if (accessStartsAt !== null && accessEndsAt === null) throw BadUserInputError.field('accessEndsAt', 'is needed with accessStartsAt.');
  if (accessStartsAt && accessEndsAt && accessEndsAt.getTime() <= accessStartsAt.getTime()) {
    throw BadUserInputError.field('accessEndsAt', 'must be after accessStartsAt.');
  }
  return rule;
}

function checkContractDates(startsAt: Date | null, endsAt: Date | null): void {
  if (startsAt && endsAt && endsAt.getTime() < startsAt.getTime()) throw BadUserInputError.field('endsAt', 'must not be before startsAt.');
}

/** Price codes are unique within a product: a clash (even with a concurrent request) is a CONFLICT. */
async function uniquePriceCode<T>(priceCode: string, write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    if (isUniqueViolation(error, PRICE_CODE_CONSTRAINT)) {
      throw new ConflictError(`The price code ${priceCode} is already used in this product.`, {
        reason: ErrorReason.PRICE_CODE_TAKEN,
        field: 'priceCode',
      });
    }
    throw error;
  }
}

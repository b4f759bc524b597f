import { Injectable } from '@nestjs/common';
import { Loaders } from '@tessera/common';
import { AccessPolicy } from '../identity/access-policy.service';
import type { Actor } from '../identity/auth/actor';
import { ContractsService, READ_CONTRACTS, READ_PRODUCTS } from './contracts.service';
import type { Contract } from './entities/contract.entity';
import type { Order } from './entities/order.entity';
import type { Price } from './entities/price.entity';
import { ORDERS, OrdersService } from './orders.service';

/**
 * The prices, contracts and orders that other objects name, as fields of those objects: loaded per
 * request in batches, and shown only to a caller who may see them (as `price`, `contract` and
 * `order` would answer them); null otherwise, as when there is none.
 */
@Injectable()
export class ContractsFields {
  constructor(
    private readonly contracts: ContractsService,
    private readonly orders: OrdersService,
    private readonly access: AccessPolicy,
  ) {}

  /** A price of the platform catalogue (anyone), or of an organisation's product (its members and API keys). */
  async price(loaders: Loaders, actor: Actor, priceId: string | null): Promise<Price | null> {
    const price = priceId ? await loaders.byId('price', (ids) => this.contracts.findPricesByIds(ids)).load(priceId) : null;
    const product = price ? await loaders.byId('product', (ids) => this.contracts.findProductsByIds(ids)).load(price.productId) : null;
    if (!product) return null;
    const shown =
      !product.ownerOrganizationId || (await this.access.allowsWithin(loaders, actor, product.ownerOrganizationId, READ_PRODUCTS));
    return shown ? price : null;
  }

  async contract(loaders: Loaders, actor: Actor, contractId: string | null): Promise<Contract | null> {
    const contract = contractId ? await loaders.byId('contract', (ids) => this.contracts.findContractsByIds(ids)).load(contractId) : null;
    return contract && (await this.access.allowsWithin(loaders, actor, contract.organizationId, READ_CONTRACTS)) ? contract : null;
  }

  async order(loaders: Loaders, actor: Actor, orderId: string | null): Promise<Order | null> {
    const order = orderId ? await loaders.byId('order', (ids) => this.orders.findByIds(ids)).load(orderId) : null;
    return order && (await this.access.allowsWithin(loaders, actor, order.organizationId, ORDERS)) ? order : null;
  }
}

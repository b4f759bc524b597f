import { Transactional, TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { Injectable } from '@nestjs/common';
import {
  ConflictError,
  containsPattern,
  ErrorReason,
  newId,
  NotFoundError,
  PageArgs,
  paginate,
  type ConnectionShape,
} from '@tessera/common';
import { EventBus } from '@tessera/events';
import { In } from 'typeorm';
import { AccessPolicy } from '../identity/access-policy.service';
import { actorApiKeyId, actorUserId, type Actor } from '../identity/auth/actor';
import { ApiKeyScope } from '../identity/auth/api-key-scope';
import { MemberRole } from '../identity/entities/membership.entity';
import { ContractsService } from './contracts.service';
import { Order } from './entities/order.entity';
import { OrderRecorded } from './events/order.events';

export interface NewOrder {
  organizationId: string;
  externalReference: string;
  priceId: string;
  quantity: number;
  placedAt: Date;
}

export interface OrderFilter {
  search?: string | null;
}

/** Orders come from the organisation's storefront (its API key) or its admins, who also read them. */
export const ORDERS = { role: MemberRole.ORG_ADMIN, apiKey: true };

/** Recording also takes a platform key with `orders:write` (a storefront serving many organisations), for any organisation. */
const RECORD = { ...ORDERS, scope: ApiKeyScope.ORDERS_WRITE };

/** Orders of fewer seats make no codes (workflow B): a single seat is the buyer's own, not one to hand out. */
export const MIN_SEATS_FOR_CODES = 2;

/**
 * Orders of seats reported by a storefront. Recording is idempotent on the storefront's reference,
 * so a storefront may retry a report it is unsure of.
 */
@Injectable()
export class OrdersService {
  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly access: AccessPolicy,
    private readonly contracts: ContractsService,
    private readonly events: EventBus,
  ) {}

  private get orders() {
    return this.txHost.tx.getRepository(Order);
  }

  /**
   * Records an order once per (organisation, reference). A repeat with the same price and quantity
   * answers the order already recorded (`created: false`) and changes nothing; a repeat that
   * differs is a CONFLICT. The codes of the seats are made in this same transaction (inventory's
   * handler of OrderRecorded), so an order never exists without them.
   */
  @Transactional()
  async record(actor: Actor, input: NewOrder): Promise<{ order: Order; created: boolean }> {
    await this.access.requireOrganization(actor, input.organizationId, RECORD);
    const price = await this.contracts.usablePrice(input.organizationId, input.priceId);
    const externalReference = input.externalReference.trim();
    // ON CONFLICT DO NOTHING: a concurrent report of the same reference waits for this one and then
    // inserts nothing, instead of failing on the unique key.
    const inserted = await this.orders
      .createQueryBuilder()
      .insert()
      .values({
        id: newId(),
        organizationId: input.organizationId,
        externalReference,
        priceId: price.id,
        quantity: input.quantity,
        placedAt: input.placedAt,
        recordedByApiKeyId: actorApiKeyId(actor),
        recordedByUserId: actorUserId(actor),
      })
      .orIgnore()
      .returning('id')
      .execute();
    const row = inserted.raw[0] as { id: string } | undefined;
    if (!row) {
      const order = await this.alreadyRecorded(input.organizationId, externalReference, price.id, input.quantity);
      return { order, created: false };
    }

    await this.events.publish(
      new OrderRecorded(
        {
          orderId: row.id,
          priceId: price.id,
          quantity: input.quantity,
          generatesCodes: price.generatesRegistrationCodes && input.quantity >= MIN_SEATS_FOR_CODES,
        },
        { organizationId: input.organizationId, actorId: actorUserId(actor) },
      ),
    );
    return { order: (await this.orders.findOneBy({ id: row.id }))!, created: true };
  }

  /** An organisation's orders, oldest first (its admins and API keys). */
  async list(actor: Actor, organizationId: string, page: PageArgs, filter: OrderFilter = {}): Promise<ConnectionShape<Order>> {
    await this.access.requireOrganization(actor, organizationId, ORDERS);
    // Not aliased `order`: a reserved word in SQL.
    const query = this.orders
      .createQueryBuilder('purchase_order')
      .where('purchase_order.organization_id = :organizationId', { organizationId });
    if (filter.search?.trim()) {
      query
        .innerJoin('purchase_order.price', 'price')
        .innerJoin('price.product', 'product')
        .andWhere('(purchase_order.external_reference ILIKE :term OR product.name ILIKE :term)', {
          term: containsPattern(filter.search.trim()),
        });
    }
    return paginate(query, page);
  }

  async get(actor: Actor, id: string): Promise<Order> {
    const order = await this.orders.findOneBy({ id });
    if (!order) throw new NotFoundError('Order', id);
    await this.access.require(actor, order.organizationId, ORDERS);
    return order;
  }

  /** Orders by id, without an access check: for fields of data already checked (a DataLoader batch). */
  findByIds(ids: readonly string[]): Promise<Order[]> {
    return this.orders.findBy({ id: In([...ids]) });
  }

  /** The order a repeated report names: the same one, or a CONFLICT that names the reference. */
  private async alreadyRecorded(organizationId: string, externalReference: string, priceId: string, quantity: number): Promise<Order> {
    const order = await this.orders.findOneByOrFail({ organizationId, externalReference });
    if (order.priceId !== priceId || order.quantity !== quantity) {
      throw new ConflictError(
        `The order "${externalReference}" is already recorded with ${order.quantity} seats at price ${order.priceId}: a repeated report must give the same price and quantity.`,
        { reason: ErrorReason.EXTERNAL_REFERENCE_REUSED, field: 'externalReference', externalReference, orderId: order.id },
      );
    }
    return order;
  }
}

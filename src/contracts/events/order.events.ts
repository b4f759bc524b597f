import { DomainEvent } from '@tessera/events';

/**
 * A storefront reported an order (once per reference: a repeated report publishes nothing).
 * `generatesCodes`: the price generates registration codes and the order is for two seats or more,
 * so the inventory makes one code per seat in the same transaction.
 */
export class OrderRecorded extends DomainEvent<{ orderId: string; priceId: string; quantity: number; generatesCodes: boolean }> {
  static override readonly type = 'OrderRecorded';
}

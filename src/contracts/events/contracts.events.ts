import { DomainEvent } from '@tessera/events';

/** The changed fields of a product, price or contract, with their new values. */
export type Changes = Record<string, unknown>;

export class ProductCreated extends DomainEvent<{ productId: string; name: string; ownerOrganizationId: string | null }> {
  static override readonly type = 'ProductCreated';
}

export class ProductUpdated extends DomainEvent<{ productId: string; changes: Changes }> {
  static override readonly type = 'ProductUpdated';
}

export class PriceCreated extends DomainEvent<{ priceId: string; productId: string; priceCode: string }> {
  static override readonly type = 'PriceCreated';
}

export class PriceUpdated extends DomainEvent<{ priceId: string; productId: string; changes: Changes }> {
  static override readonly type = 'PriceUpdated';
}

export class ContractCreated extends DomainEvent<{ contractId: string; name: string; invitationPrefix: string; priceIds: string[] }> {
  static override readonly type = 'ContractCreated';
}

export class ContractUpdated extends DomainEvent<{ contractId: string; changes: Changes }> {
  static override readonly type = 'ContractUpdated';
}

export class ContractArchived extends DomainEvent<{ contractId: string; reason: string | null }> {
  static override readonly type = 'ContractArchived';
}

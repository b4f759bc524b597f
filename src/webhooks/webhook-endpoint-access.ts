import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { Injectable } from '@nestjs/common';
import { ForbiddenError, Loaders, NotFoundError } from '@tessera/common';
import { AccessPolicy, type RoleRequirement } from '../identity/access-policy.service';
import { actsForPlatform, type Actor } from '../identity/auth/actor';
import { MemberRole } from '../identity/entities/membership.entity';
import { WebhookEndpoint } from './entities/webhook-endpoint.entity';

/** Who may manage an organisation's endpoints: its admins, and its API keys (a storefront sets up its own webhook). */
const MANAGE: RoleRequirement = { role: MemberRole.ORG_ADMIN, apiKey: true };

/**
 * The one rule of who may act on a webhook endpoint, its deliveries included: the admins and API keys
 * of the endpoint's organisation, or for a platform endpoint (no organisation) platform admins.
 */
@Injectable()
export class WebhookEndpointAccess {
  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly access: AccessPolicy,
  ) {}

  /** Loads an endpoint and checks the caller against its owner (never against an id the caller gave). */
  async endpoint(actor: Actor, id: string, options: { lock?: boolean } = {}): Promise<WebhookEndpoint> {
    const endpoint = await this.txHost.tx
      .getRepository(WebhookEndpoint)
      .findOne({ where: { id }, ...(options.lock ? { lock: { mode: 'pessimistic_write' } } : {}) });
    if (!endpoint) throw new NotFoundError('WebhookEndpoint', id);
    await this.requireOwner(actor, endpoint.organizationId);
    return endpoint;
  }

  /** Whether the caller may manage the endpoints of an organisation (null: the platform's), for the fields of a page (see AccessPolicy.allowsWithin). */
  async mayManageWithin(loaders: Loaders, actor: Actor, organizationId: string | null): Promise<boolean> {
    return organizationId === null ? actsForPlatform(actor) : this.access.allowsWithin(loaders, actor, organizationId, MANAGE);
  }

  /** Whether the caller may manage the endpoints of an organisation, or with null the platform's. */
  async mayManage(actor: Actor, organizationId: string | null): Promise<boolean> {
    return organizationId === null ? actsForPlatform(actor) : this.access.allows(actor, organizationId, MANAGE);
  }

  /** Checks the caller may manage the endpoints of an organisation, or with null the platform's. */
  async requireOwner(actor: Actor, organizationId: string | null, options: { organizationExists?: boolean } = {}): Promise<void> {
    if (organizationId === null) {
      if (!actsForPlatform(actor)) throw new ForbiddenError('Only platform admins may manage platform webhook endpoints.');
      return;
    }
    if (options.organizationExists) await this.access.requireOrganization(actor, organizationId, MANAGE);
    else await this.access.require(actor, organizationId, MANAGE);
  }
}

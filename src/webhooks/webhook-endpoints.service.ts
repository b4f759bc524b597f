import { Transactional, TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { Inject, Injectable } from '@nestjs/common';
import { BadUserInputError, ConnectionShape, newId, NotFoundError, PageArgs, paginate, SecretBox } from '@tessera/common';
import { In } from 'typeorm';
import { EventBus } from '@tessera/events';
import type { AppConfig } from '../config/config';
import { APP_CONFIG } from '../config/config.module';
import { actorUserId, type Actor } from '../identity/auth/actor';
import { WEBHOOK_EVENT_TYPE_NAMES } from './catalog';
import { newWebhookSecret } from './delivery/standard-webhooks';
import { WebhookAttempt } from './entities/webhook-attempt.entity';
import { WebhookDelivery, WebhookDeliveryStatus } from './entities/webhook-delivery.entity';
import { WebhookDisabledReason, WebhookEndpoint } from './entities/webhook-endpoint.entity';
import {
  WebhookEndpointCreated,
  WebhookEndpointDeleted,
  WebhookEndpointSecretRotated,
  WebhookEndpointUpdated,
} from './events/webhook-endpoint.events';
import { WebhookEndpointAccess } from './webhook-endpoint-access';
import { checkWebhookUrl, type WebhookTargetOptions } from './webhook-target';

/** How long the secret before a rotation still signs deliveries, so receivers can switch without missing one. */
export const PREVIOUS_SECRET_HOURS = 24;

/** Where webhook URLs may point under this configuration (HTTPS only in production). */
export function webhookTargetOptions(config: AppConfig): WebhookTargetOptions {
  return { requireHttps: config.env === 'production', allowPrivateTargets: config.webhooks.allowPrivateTargets };
}

/** The address as the audit log keeps it: no query string or fragment, where a receiver's own token would sit. */
function auditUrl(url: string): string {
  const parsed = new URL(url);
  return `${parsed.origin}${parsed.pathname}`;
}

export interface CreateWebhookEndpoint {
  organizationId?: string | null;
  url: string;
  eventTypes?: string[];
  description?: string;
}

export interface UpdateWebhookEndpoint {
  url?: string;
  eventTypes?: string[];
  description?: string;
}

@Injectable()
export class WebhookEndpointsService {
  private readonly secrets: SecretBox;
  private readonly targetOptions: WebhookTargetOptions;

  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly access: WebhookEndpointAccess,
    private readonly events: EventBus,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.secrets = new SecretBox(config.auth.tokenSecret!, 'webhook-secret');
    this.targetOptions = webhookTargetOptions(config);
  }

  private get endpoints() {
    return this.txHost.tx.getRepository(WebhookEndpoint);
  }

  private get deliveries() {
    return this.txHost.tx.getRepository(WebhookDelivery);
  }

  private get attempts() {
    return this.txHost.tx.getRepository(WebhookAttempt);
  }

  async get(actor: Actor, webhookEndpointId: string): Promise<WebhookEndpoint> {
    return this.access.endpoint(actor, webhookEndpointId);
  }

  /** For Tessera's own handlers, which act for no caller: the endpoint, or null once it is deleted. */
  findById(webhookEndpointId: string): Promise<WebhookEndpoint | null> {
    return this.endpoints.findOneBy({ id: webhookEndpointId });
  }

  /** An organisation's endpoints, or with no organisation the platform's; newest first. */
  async list(actor: Actor, organizationId: string | null, page: PageArgs): Promise<ConnectionShape<WebhookEndpoint>> {
    await this.access.requireOwner(actor, organizationId, { organizationExists: true });
    const query = this.endpoints.createQueryBuilder('endpoint');
    if (organizationId) query.where('endpoint.organization_id = :organizationId', { organizationId });
    else query.where('endpoint.organization_id IS NULL');
    return paginate(query, page, { newestFirst: true });
  }

  /** Makes an endpoint; the returned secret is the only time anyone sees it. */
  async create(actor: Actor, input: CreateWebhookEndpoint): Promise<{ webhookEndpoint: WebhookEndpoint; secret: string }> {
    const organizationId = input.organizationId ?? null;
    await this.access.requireOwner(actor, organizationId, { organizationExists: true });
    const eventTypes = knownEventTypes(input.eventTypes ?? []);
    // Resolving the host may take seconds: done before the transaction opens.
    const url = await this.checkedUrl(input.url);
    return this.insert(actor, { organizationId, url, eventTypes, description: input.description ?? '' });
  }

  @Transactional()
  private async insert(
    actor: Actor,
    fields: Pick<WebhookEndpoint, 'organizationId' | 'url' | 'eventTypes' | 'description'>,
  ): Promise<{ webhookEndpoint: WebhookEndpoint; secret: string }> {
    const secret = newWebhookSecret();
    const id = newId();
    await this.endpoints.insert({ id, ...fields, secretSealed: this.secrets.seal(secret), createdById: actorUserId(actor) });
    const webhookEndpoint = (await this.endpoints.findOneBy({ id }))!;
    await this.events.publish(
      new WebhookEndpointCreated(
        { webhookEndpointId: id, url: auditUrl(fields.url), eventTypes: fields.eventTypes, enabled: true },
        { organizationId: fields.organizationId, actorId: actorUserId(actor) },
      ),
    );
    return { webhookEndpoint, secret };
  }

  async update(actor: Actor, webhookEndpointId: string, input: UpdateWebhookEndpoint): Promise<WebhookEndpoint> {
    await this.access.endpoint(actor, webhookEndpointId);
    const changes: Partial<Pick<WebhookEndpoint, 'url' | 'eventTypes' | 'description'>> = {};
    if (input.eventTypes !== undefined && input.eventTypes !== null) changes.eventTypes = knownEventTypes(input.eventTypes);
    if (input.description !== undefined && input.description !== null) changes.description = input.description;
    if (input.url !== undefined && input.url !== null) changes.url = await this.checkedUrl(input.url);
    return this.applyUpdate(actor, webhookEndpointId, changes);
  }

  @Transactional()
  private async applyUpdate(
    actor: Actor,
    webhookEndpointId: string,
    changes: Partial<Pick<WebhookEndpoint, 'url' | 'eventTypes' | 'description'>>,
  ): Promise<WebhookEndpoint> {
    const endpoint = await this.access.endpoint(actor, webhookEndpointId, { lock: true });
    const changed = (Object.keys(changes) as (keyof typeof changes)[]).filter(
      (key) => JSON.stringify(changes[key]) !== JSON.stringify(endpoint[key]),
    );
    if (changed.length === 0) return endpoint;
    await this.endpoints.update({ id: endpoint.id }, changes);
    return this.updated(actor, endpoint.id, changed);
  }

  /** Stops deliveries (they are not made while disabled) until enabled again. */
  @Transactional()
  async disable(actor: Actor, webhookEndpointId: string): Promise<WebhookEndpoint> {
    const endpoint = await this.access.endpoint(actor, webhookEndpointId, { lock: true });
    if (endpoint.disabledReason === WebhookDisabledReason.ADMIN) return endpoint;
    // An endpoint disabled for failing is now off by an admin's choice: enabling it is theirs to decide.
    await this.endpoints.update({ id: endpoint.id }, { enabled: false, disabledReason: WebhookDisabledReason.ADMIN });
    return this.updated(actor, endpoint.id, endpoint.enabled ? ['enabled'] : ['disabledReason']);
  }

  /** Delivers again, with a clean failure record (an endpoint disabled for failing gets its full grace period again). */
  @Transactional()
  async enable(actor: Actor, webhookEndpointId: string): Promise<WebhookEndpoint> {
    const endpoint = await this.access.endpoint(actor, webhookEndpointId, { lock: true });
    if (endpoint.enabled && endpoint.failingSince === null) return endpoint;
    await this.endpoints.update({ id: endpoint.id }, { enabled: true, disabledReason: null, failingSince: null });
    return this.updated(actor, endpoint.id, endpoint.enabled ? ['failingSince'] : ['enabled']);
  }

  /** Deletes the endpoint and its delivery log (deliveries still queued find it gone and stop). */
  @Transactional()
  async delete(actor: Actor, webhookEndpointId: string): Promise<string> {
    const endpoint = await this.access.endpoint(actor, webhookEndpointId, { lock: true });
    await this.endpoints.delete({ id: endpoint.id });
    await this.events.publish(
      new WebhookEndpointDeleted(
        { webhookEndpointId: endpoint.id, url: auditUrl(endpoint.url) },
        { organizationId: endpoint.organizationId, actorId: actorUserId(actor) },
      ),
    );
    return endpoint.id;
  }

  /**
   * A new signing secret. The current one becomes the previous one and still signs deliveries for
   * PREVIOUS_SECRET_HOURS; a secret older than that (from a rotation before) is dropped.
   */
  @Transactional()
  async rotateSecret(actor: Actor, webhookEndpointId: string): Promise<{ webhookEndpoint: WebhookEndpoint; secret: string }> {
    const endpoint = await this.access.endpoint(actor, webhookEndpointId, { lock: true });
    const secret = newWebhookSecret();
    await this.endpoints.update(
      { id: endpoint.id },
      {
        secretSealed: this.secrets.seal(secret),
        previousSecretSealed: endpoint.secretSealed,
        previousSecretExpiresAt: () => `now() + interval '${PREVIOUS_SECRET_HOURS} hours'`,
      },
    );
    const webhookEndpoint = (await this.endpoints.findOneBy({ id: endpoint.id }))!;
    await this.events.publish(
      new WebhookEndpointSecretRotated(
        { webhookEndpointId: endpoint.id, previousSecretExpiresAt: webhookEndpoint.previousSecretExpiresAt!.toISOString() },
        { organizationId: endpoint.organizationId, actorId: actorUserId(actor) },
      ),
    );
    return { webhookEndpoint, secret };
  }

  /** An endpoint's delivery log, newest first, optionally only some statuses. */
  async listDeliveries(
    actor: Actor,
    webhookEndpointId: string,
    statuses: WebhookDeliveryStatus[] | null | undefined,
    page: PageArgs,
  ): Promise<ConnectionShape<WebhookDelivery>> {
    const endpoint = await this.access.endpoint(actor, webhookEndpointId);
    const query = this.deliveries.createQueryBuilder('delivery').where('delivery.endpoint_id = :endpointId', { endpointId: endpoint.id });
    if (statuses && statuses.length > 0) query.andWhere('delivery.status IN (:...statuses)', { statuses });
    return paginate(query, page, { newestFirst: true });
  }

  /** One delivery, for whoever may manage its endpoint. Anyone else: NOT_FOUND, as for none. */
  async getDelivery(actor: Actor, deliveryId: string): Promise<WebhookDelivery> {
    const delivery = await this.deliveries.findOneBy({ id: deliveryId });
    if (!delivery || !(await this.mayManageEndpointOf(actor, delivery))) throw new NotFoundError('WebhookDelivery', deliveryId);
    return delivery;
  }

  /** One attempt at a delivery, for whoever may manage the delivery's endpoint. Anyone else: NOT_FOUND, as for none. */
  async getAttempt(actor: Actor, attemptId: string): Promise<WebhookAttempt> {
    const attempt = await this.attempts.findOneBy({ id: attemptId });
    const delivery = attempt ? await this.deliveries.findOneBy({ id: attempt.deliveryId }) : null;
    if (!attempt || !delivery || !(await this.mayManageEndpointOf(actor, delivery))) throw new NotFoundError('WebhookAttempt', attemptId);
    return attempt;
  }

  /** Endpoints by id, without an access check: for fields of data already checked (a DataLoader batch). */
  findEndpointsByIds(ids: readonly string[]): Promise<WebhookEndpoint[]> {
    return this.endpoints.findBy({ id: In([...ids]) });
  }

  /** Deliveries by id, without an access check: for fields of data already checked (a DataLoader batch). */
  findDeliveriesByIds(ids: readonly string[]): Promise<WebhookDelivery[]> {
    return this.deliveries.findBy({ id: In([...ids]) });
  }

  private async mayManageEndpointOf(actor: Actor, delivery: WebhookDelivery): Promise<boolean> {
    const endpoint = await this.endpoints.findOneBy({ id: delivery.endpointId });
    return Boolean(endpoint) && (await this.access.mayManage(actor, endpoint!.organizationId));
  }

  /**
   * The newest `first` attempts of each delivery, newest first, in one query for a whole page of
   * deliveries. Callers reach deliveries only through listDeliveries, which checked the endpoint.
   */
  async attemptsOf(deliveryIds: readonly string[], first: number): Promise<WebhookAttempt[][]> {
    const rows = await this.attempts
      .createQueryBuilder('attempt')
      .where(
        `attempt.id IN (
           SELECT ranked.id FROM (
             SELECT a.id, row_number() OVER (PARTITION BY a.delivery_id ORDER BY a.id DESC) AS n
             FROM webhook_attempt a WHERE a.delivery_id = ANY(:deliveryIds::uuid[])
           ) ranked WHERE ranked.n <= :first)`,
        { deliveryIds: [...deliveryIds], first },
      )
      .orderBy('attempt.id', 'DESC')
      .getMany();
    return deliveryIds.map((id) => rows.filter((row) => row.deliveryId === id));
  }

  private async updated(actor: Actor, webhookEndpointId: string, changed: string[]): Promise<WebhookEndpoint> {
    const endpoint = (await this.endpoints.findOneBy({ id: webhookEndpointId }))!;
    await this.events.publish(
      new WebhookEndpointUpdated(
        { webhookEndpointId, changed, url: auditUrl(endpoint.url), eventTypes: endpoint.eventTypes, enabled: endpoint.enabled },
        { organizationId: endpoint.organizationId, actorId: actorUserId(actor) },
      ),
    );
    return endpoint;
  }

  /** The URL as it will be dialled (parsed and serialised: what is shown is what is called), once it passed the target checks. */
  private async checkedUrl(url: string): Promise<string> {
    await checkWebhookUrl(url, this.targetOptions);
    return new URL(url).href;
  }
}

/** The list without repeats, when every name is a public event type; otherwise BAD_USER_INPUT naming the unknown ones. */
function knownEventTypes(eventTypes: string[]): string[] {
  const unique = [...new Set(eventTypes)];
  const unknown = unique.filter((type) => !WEBHOOK_EVENT_TYPE_NAMES.includes(type));
  if (unknown.length > 0) {
    throw new BadUserInputError([
      {
        field: 'eventTypes',
        message: `Unknown event type${unknown.length > 1 ? 's' : ''}: ${unknown.map((type) => JSON.stringify(type.slice(0, 100))).join(', ')}. docs/webhooks.md lists the types.`,
      },
    ]);
  }
  return unique;
}

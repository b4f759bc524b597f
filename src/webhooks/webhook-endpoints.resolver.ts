import { Args, Context, Int, Mutation, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { BadUserInputError, Loaders, MAX_PAGE_SIZE, PageArgs, shownBeside, UUIDScalar } from '@tessera/common';
import type { Actor } from '../identity/auth/actor';
import { CurrentActor } from '../identity/auth/auth.decorators';
import { Organization } from '../identity/entities/organization.entity';
import { User } from '../identity/entities/user.entity';
import { IdentityFields } from '../identity/identity-fields';
import {
  CreateWebhookEndpointInput,
  CreateWebhookEndpointPayload,
  DeleteWebhookEndpointInput,
  DeleteWebhookEndpointPayload,
  DisableWebhookEndpointInput,
  DisableWebhookEndpointPayload,
  EnableWebhookEndpointInput,
  EnableWebhookEndpointPayload,
  RotateWebhookSecretInput,
  RotateWebhookSecretPayload,
  UpdateWebhookEndpointInput,
  UpdateWebhookEndpointPayload,
  WebhookDeliveryConnection,
  WebhookEndpointConnection,
} from './dto/webhook-endpoint.dto';
import { WebhookAttempt } from './entities/webhook-attempt.entity';
import { WebhookDelivery, WebhookDeliveryStatus } from './entities/webhook-delivery.entity';
import { WebhookEndpoint } from './entities/webhook-endpoint.entity';
import { WebhookEndpointAccess } from './webhook-endpoint-access';
import { WebhookEndpointsService } from './webhook-endpoints.service';

@Resolver(() => WebhookEndpoint)
export class WebhookEndpointsResolver {
  constructor(
    private readonly endpoints: WebhookEndpointsService,
    private readonly identity: IdentityFields,
  ) {}

  @Query(() => WebhookEndpoint, { description: "One webhook endpoint, without its secret (its organisation's admins and API keys)." })
  webhookEndpoint(
    @CurrentActor() actor: Actor,
    @Args('id', { type: () => UUIDScalar, description: 'The endpoint.' }) id: string,
  ): Promise<WebhookEndpoint> {
    return this.endpoints.get(actor, id);
  }

  @Query(() => WebhookEndpointConnection, {
    description:
      "An organisation's webhook endpoints, newest first (its admins and API keys); without organizationId, the platform's (platform admins).",
  })
  webhookEndpoints(
    @CurrentActor() actor: Actor,
    @Args('organizationId', { type: () => UUIDScalar, nullable: true, description: 'The organisation; omitted: platform endpoints.' })
    organizationId: string | null | undefined,
    @Args() page: PageArgs,
  ): Promise<WebhookEndpointConnection> {
    return this.endpoints.list(actor, organizationId ?? null, page);
  }

  @Query(() => WebhookDeliveryConnection, { description: "An endpoint's delivery log, newest first (whoever may manage the endpoint)." })
  webhookDeliveries(
    @CurrentActor() actor: Actor,
    @Args('webhookEndpointId', { type: () => UUIDScalar, description: 'The endpoint.' }) webhookEndpointId: string,
    @Args('status', { type: () => [WebhookDeliveryStatus], nullable: true, description: 'Only deliveries in these states (omitted: all).' })
    status: WebhookDeliveryStatus[] | null | undefined,
    @Args() page: PageArgs,
  ): Promise<WebhookDeliveryConnection> {
    return this.endpoints.listDeliveries(actor, webhookEndpointId, status, page);
  }

  @Query(() => WebhookDelivery, {
    description: "One delivery of an endpoint's log (whoever may manage the endpoint). Anyone else's is NOT_FOUND, as a missing one.",
  })
  webhookDelivery(
    @CurrentActor() actor: Actor,
    @Args('id', { type: () => UUIDScalar, description: 'The delivery.' }) id: string,
  ): Promise<WebhookDelivery> {
    return this.endpoints.getDelivery(actor, id);
  }

  @Query(() => WebhookAttempt, {
    description: 'One attempt at a delivery (whoever may manage the endpoint). Anyone else’s is NOT_FOUND, as a missing one.',
  })
  webhookAttempt(
    @CurrentActor() actor: Actor,
    @Args('id', { type: () => UUIDScalar, description: 'The attempt.' }) id: string,
  ): Promise<WebhookAttempt> {
    return this.endpoints.getAttempt(actor, id);
  }

  @Mutation(() => CreateWebhookEndpointPayload, {
    description:
      'Creates a webhook endpoint; its signing secret is shown only in this answer (organisation admins and API keys; platform admins for platform endpoints).',
  })
  createWebhookEndpoint(
    @CurrentActor() actor: Actor,
    @Args('input', { description: 'The owner, address, event types and description.' }) input: CreateWebhookEndpointInput,
  ): Promise<CreateWebhookEndpointPayload> {
    return this.endpoints.create(actor, input);
  }

  @Mutation(() => UpdateWebhookEndpointPayload, { description: "Changes an endpoint's address, event types or description." })
  async updateWebhookEndpoint(
    @CurrentActor() actor: Actor,
    @Args('input', { description: 'The endpoint and what to change.' }) input: UpdateWebhookEndpointInput,
  ): Promise<UpdateWebhookEndpointPayload> {
    return { webhookEndpoint: await this.endpoints.update(actor, input.webhookEndpointId, input) };
  }

  @Mutation(() => DisableWebhookEndpointPayload, { description: 'Stops deliveries to an endpoint until it is enabled again.' })
  async disableWebhookEndpoint(
    @CurrentActor() actor: Actor,
    @Args('input', { description: 'The endpoint.' }) input: DisableWebhookEndpointInput,
  ): Promise<DisableWebhookEndpointPayload> {
    return { webhookEndpoint: await this.endpoints.disable(actor, input.webhookEndpointId) };
  }

  @Mutation(() => EnableWebhookEndpointPayload, {
    description: 'Delivers to an endpoint again, clearing why it was disabled and since when it failed.',
  })
  async enableWebhookEndpoint(
    @CurrentActor() actor: Actor,
    @Args('input', { description: 'The endpoint.' }) input: EnableWebhookEndpointInput,
  ): Promise<EnableWebhookEndpointPayload> {
    return { webhookEndpoint: await this.endpoints.enable(actor, input.webhookEndpointId) };
  }

  @Mutation(() => DeleteWebhookEndpointPayload, { description: 'Deletes an endpoint and its delivery log.' })
  async deleteWebhookEndpoint(
    @CurrentActor() actor: Actor,
    @Args('input', { description: 'The endpoint.' }) input: DeleteWebhookEndpointInput,
  ): Promise<DeleteWebhookEndpointPayload> {
    return { deletedWebhookEndpointId: await this.endpoints.delete(actor, input.webhookEndpointId) };
  }

  @Mutation(() => RotateWebhookSecretPayload, {
    description:
      "Gives an endpoint a new signing secret, shown only in this answer; for 24 hours deliveries carry the old secret's signature too.",
  })
  rotateWebhookSecret(
    @CurrentActor() actor: Actor,
    @Args('input', { description: 'The endpoint.' }) input: RotateWebhookSecretInput,
  ): Promise<RotateWebhookSecretPayload> {
    return this.endpoints.rotateSecret(actor, input.webhookEndpointId);
  }

  @ResolveField(() => Organization, { nullable: true, description: 'The organisation whose endpoint it is (none: a platform endpoint).' })
  organization(
    @Parent() endpoint: WebhookEndpoint,
    @CurrentActor() actor: Actor,
    @Context('loaders') loaders: Loaders,
  ): Promise<Organization | null> {
    return this.identity.organization(loaders, actor, endpoint.organizationId);
  }

  @ResolveField(() => User, {
    nullable: true,
    description: 'Who created it (null for API keys and operators, or someone outside the organisation, e.g. a platform admin).',
  })
  createdBy(@Parent() endpoint: WebhookEndpoint, @CurrentActor() actor: Actor, @Context('loaders') loaders: Loaders): Promise<User | null> {
    return this.identity.person(loaders, actor, endpoint.organizationId, endpoint.createdById);
  }
}

/** The fields of a delivery that are not columns as they are. */
@Resolver(() => WebhookDelivery)
export class WebhookDeliveryFieldsResolver {
  constructor(
    private readonly endpoints: WebhookEndpointsService,
    private readonly access: WebhookEndpointAccess,
    private readonly identity: IdentityFields,
  ) {}

  @ResolveField(() => WebhookEndpoint, { description: 'The endpoint it goes to.' })
  async endpoint(
    @Parent() delivery: WebhookDelivery,
    @CurrentActor() actor: Actor,
    @Context('loaders') loaders: Loaders,
  ): Promise<WebhookEndpoint> {
    const endpoint = await loaders.byId('webhookEndpoint', (ids) => this.endpoints.findEndpointsByIds(ids)).load(delivery.endpointId);
    const shown = endpoint && (await this.access.mayManageWithin(loaders, actor, endpoint.organizationId));
    return shownBeside(shown ? endpoint : null, 'webhook endpoint');
  }

  @ResolveField(() => Organization, {
    nullable: true,
    description: 'The organisation the event belongs to (null for a platform-wide event, or one of an organisation you do not belong to).',
  })
  organization(
    @Parent() delivery: WebhookDelivery,
    @CurrentActor() actor: Actor,
    @Context('loaders') loaders: Loaders,
  ): Promise<Organization | null> {
    return this.identity.organization(loaders, actor, delivery.organizationId);
  }

  @ResolveField(() => String, { description: 'The public event exactly as posted (the request body), as JSON text.' })
  payload(@Parent() delivery: WebhookDelivery): string {
    return JSON.stringify(delivery.payload);
  }

  @ResolveField(() => [WebhookAttempt], { description: 'The attempts made, newest first.' })
  attempts(
    @Parent() delivery: WebhookDelivery,
    @Context('loaders') loaders: Loaders,
    @Args('first', {
      type: () => Int,
      defaultValue: 20,
      description: `How many of the newest attempts (1–${MAX_PAGE_SIZE}).`,
    })
    first: number,
  ): Promise<WebhookAttempt[]> {
    if (!Number.isInteger(first) || first < 1 || first > MAX_PAGE_SIZE) {
      throw BadUserInputError.field('first', `must be a whole number from 1 to ${MAX_PAGE_SIZE}`);
    }
    // One query for every delivery of the page (per `first` asked).
    return loaders
      .get<WebhookAttempt[]>(`webhookAttempts:${first}`, (deliveryIds) => this.endpoints.attemptsOf(deliveryIds, first))
      .load(delivery.id) as Promise<WebhookAttempt[]>;
  }
}

/** The delivery an attempt was made at, beside its id. */
@Resolver(() => WebhookAttempt)
export class WebhookAttemptFieldsResolver {
  constructor(
    private readonly endpoints: WebhookEndpointsService,
    private readonly access: WebhookEndpointAccess,
  ) {}

  @ResolveField(() => WebhookDelivery, { description: 'The delivery it was an attempt at.' })
  async delivery(
    @Parent() attempt: WebhookAttempt,
    @CurrentActor() actor: Actor,
    @Context('loaders') loaders: Loaders,
  ): Promise<WebhookDelivery> {
    const delivery = await loaders.byId('webhookDelivery', (ids) => this.endpoints.findDeliveriesByIds(ids)).load(attempt.deliveryId);
    const endpoint = delivery
      ? await loaders.byId('webhookEndpoint', (ids) => this.endpoints.findEndpointsByIds(ids)).load(delivery.endpointId)
      : null;
    const shown = endpoint && (await this.access.mayManageWithin(loaders, actor, endpoint.organizationId));
    return shownBeside(shown ? delivery : null, 'webhook delivery');
  }
}

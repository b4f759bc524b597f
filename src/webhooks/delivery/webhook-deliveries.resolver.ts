import { Args, Mutation, Resolver } from '@nestjs/graphql';
import type { Actor } from '../../identity/auth/actor';
import { CurrentActor } from '../../identity/auth/auth.decorators';
import {
  RedeliverWebhookInput,
  RedeliverWebhookPayload,
  ReplayWebhookEventsInput,
  ReplayWebhookEventsPayload,
  SendTestWebhookInput,
  SendTestWebhookPayload,
} from './webhook-deliveries.dto';
import { WebhookDeliveriesService } from './webhook-deliveries.service';

@Resolver()
export class WebhookDeliveriesResolver {
  constructor(private readonly deliveries: WebhookDeliveriesService) {}

  @Mutation(() => RedeliverWebhookPayload, {
    description:
      "Sends a delivery again now, with the same webhook-id and body (receivers that drop repeats by webhook-id will). Retried only within the delivery's original retry window. The endpoint's admins.",
  })
  async redeliverWebhook(
    @CurrentActor() actor: Actor,
    @Args('input', { description: 'The delivery.' }) input: RedeliverWebhookInput,
  ): Promise<RedeliverWebhookPayload> {
    return { webhookDelivery: await this.deliveries.redeliver(actor, input.webhookDeliveryId) };
  }

  @Mutation(() => ReplayWebhookEventsPayload, {
    description:
      "Delivers to an endpoint again every event of its scope since a moment (at most 10,000 internal events, oldest first; only the types it takes). Events never delivered to it are built from today's data; those delivered before are sent again as they were.",
  })
  async replayWebhookEvents(
    @CurrentActor() actor: Actor,
    @Args('input', { description: 'The endpoint and the moment.' }) input: ReplayWebhookEventsInput,
  ): Promise<ReplayWebhookEventsPayload> {
    return { count: await this.deliveries.replay(actor, input.webhookEndpointId, input.since) };
  }

  @Mutation(() => SendTestWebhookPayload, {
    description: 'Sends a `webhook.test` event to an endpoint, signed and retried like any other, to check the receiver.',
  })
  async sendTestWebhook(
    @CurrentActor() actor: Actor,
    @Args('input', { description: 'The endpoint.' }) input: SendTestWebhookInput,
  ): Promise<SendTestWebhookPayload> {
    return { webhookDelivery: await this.deliveries.sendTest(actor, input.webhookEndpointId) };
  }
}

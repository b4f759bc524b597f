import { Field, InputType, Int, ObjectType } from '@nestjs/graphql';
import { UUIDScalar } from '@tessera/common';
import { WebhookDelivery } from '../entities/webhook-delivery.entity';

@InputType({ description: 'A webhook delivery to send again.' })
export class RedeliverWebhookInput {
  @Field(() => UUIDScalar, { description: 'The delivery (from the delivery log).' })
  webhookDeliveryId: string;
}

@ObjectType({ description: 'The delivery, queued again.' })
export class RedeliverWebhookPayload {
  @Field(() => WebhookDelivery, { description: 'The delivery, PENDING and due now, with the same webhook-id and body as before.' })
  webhookDelivery: WebhookDelivery;
}

@InputType({ description: "Past events to deliver again to one endpoint (after an outage on the receiver's side)." })
export class ReplayWebhookEventsInput {
  @Field(() => UUIDScalar, { description: 'The endpoint.' })
  webhookEndpointId: string;

  @Field(() => Date, { description: 'Events that happened at or after this moment are delivered (at most 10,000, oldest first).' })
  since: Date;
}

@ObjectType({ description: 'How many deliveries a replay queued.' })
export class ReplayWebhookEventsPayload {
  @Field(() => Int, { description: 'Deliveries queued: new ones, and earlier ones of the same events queued again.' })
  count: number;
}

@InputType({ description: 'An endpoint to send a test event to.' })
export class SendTestWebhookInput {
  @Field(() => UUIDScalar, { description: 'The endpoint.' })
  webhookEndpointId: string;
}

@ObjectType({ description: 'The test delivery.' })
export class SendTestWebhookPayload {
  @Field(() => WebhookDelivery, {
    description: 'The delivery of a `webhook.test` event, queued like any other (follow it in the delivery log).',
  })
  webhookDelivery: WebhookDelivery;
}

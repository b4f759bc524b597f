import { Field, Int, ObjectType } from '@nestjs/graphql';

@ObjectType({ description: 'One type of event a webhook endpoint can receive, with an example of its body (see docs/webhooks.md).' })
export class WebhookEventType {
  @Field({ description: "The type's name, e.g. code.redeemed: what an endpoint's eventTypes list." })
  type: string;

  @Field(() => Int, { description: "Version of the type's body; a change that is not additive would raise it." })
  version: number;

  @Field({ description: 'What happened when this event is sent.' })
  description: string;

  @Field({ description: 'An example body as a delivery sends it, as JSON text (every field present; ids and dates made up).' })
  example: string;
}

import { Query, Resolver } from '@nestjs/graphql';
import { WEBHOOK_EVENT_TYPES } from './event-types';
import { WebhookEventType } from './webhook-event-type.dto';

/** The public event catalog: the same for every caller, so any signed-in caller may read it. */
@Resolver(() => WebhookEventType)
export class WebhookEventTypesResolver {
  @Query(() => [WebhookEventType], { description: 'Every type of event webhook endpoints can receive, with an example body.' })
  webhookEventTypes(): WebhookEventType[] {
    return WEBHOOK_EVENT_TYPES.map(({ type, version, description, example }) => ({
      type,
      version,
      description,
      example: JSON.stringify(example, null, 2),
    }));
  }
}

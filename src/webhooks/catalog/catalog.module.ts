import { Module } from '@nestjs/common';
import { PublicEventBuilder } from './public-event-builder';
import { PublicObjectReader } from './public-object-reader';
import { WebhookEventTypesResolver } from './webhook-event-types.resolver';

/** The public event catalog: the builder the fan-out uses, and the webhookEventTypes query. */
@Module({
  providers: [PublicObjectReader, PublicEventBuilder, WebhookEventTypesResolver],
  exports: [PublicEventBuilder],
})
export class WebhookCatalogModule {}

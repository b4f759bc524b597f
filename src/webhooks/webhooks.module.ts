import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { PublicEventBuilder } from './catalog/public-event-builder';
import { PublicObjectReader } from './catalog/public-object-reader';
import { WebhookEventTypesResolver } from './catalog/webhook-event-types.resolver';
import { WebhookAttempt } from './entities/webhook-attempt.entity';
import { WebhookDelivery } from './entities/webhook-delivery.entity';
import { WebhookEndpoint } from './entities/webhook-endpoint.entity';

/** Webhooks: organisations' endpoints, and signed deliveries of public events to them from the outbox. */
@Module({
  imports: [TypeOrmModule.forFeature([WebhookEndpoint, WebhookDelivery, WebhookAttempt])],
  providers: [PublicObjectReader, PublicEventBuilder, WebhookEventTypesResolver],
  exports: [PublicEventBuilder],
})
export class WebhooksModule {}

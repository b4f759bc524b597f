import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { IdentityModule } from '../identity/identity.module';
import { WebhookDeliveryModule } from './delivery/webhook-delivery.module';
import { WebhookAttempt } from './entities/webhook-attempt.entity';
import { WebhookDelivery } from './entities/webhook-delivery.entity';
import { WebhookEndpoint } from './entities/webhook-endpoint.entity';
import { WebhookAttemptFieldsResolver, WebhookDeliveryFieldsResolver, WebhookEndpointsResolver } from './webhook-endpoints.resolver';
import { WebhookEndpointAccessModule } from './webhook-endpoint-access.module';
import { WebhookEndpointsService } from './webhook-endpoints.service';

/** Webhooks: organisations' endpoints, and signed deliveries of public events to them from the outbox. */
@Module({
  imports: [
    TypeOrmModule.forFeature([WebhookEndpoint, WebhookDelivery, WebhookAttempt]),
    WebhookEndpointAccessModule,
    WebhookDeliveryModule,
    IdentityModule,
  ],
  providers: [WebhookEndpointsService, WebhookEndpointsResolver, WebhookDeliveryFieldsResolver, WebhookAttemptFieldsResolver],
  exports: [WebhookEndpointsService],
})
export class WebhooksModule {}

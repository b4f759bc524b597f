import { Module } from '@nestjs/common';
import { WebhookCatalogModule } from '../catalog';
import { WebhookEndpointAccessModule } from '../webhook-endpoint-access.module';
import { WebhookDeliveriesResolver } from './webhook-deliveries.resolver';
import { WebhookDeliveriesService } from './webhook-deliveries.service';
import { WebhookDeliveryQueue } from './webhook-delivery-queue';
import { WebhookDeliveryStore } from './webhook-delivery-store';
import { WebhookDeliverySweeper } from './webhook-delivery-sweeper';
import { WebhookDeliveryProcessor } from './webhook-delivery.processor';
import { WebhookFanOut } from './webhook-fan-out';

/** Signed delivery: the fan-out from the outbox, the delivery jobs, the sweeper and the redeliver/replay/test mutations. */
@Module({
  imports: [WebhookEndpointAccessModule, WebhookCatalogModule],
  providers: [
    WebhookDeliveryStore,
    WebhookDeliveryQueue,
    WebhookFanOut,
    WebhookDeliveryProcessor,
    WebhookDeliverySweeper,
    WebhookDeliveriesService,
    WebhookDeliveriesResolver,
  ],
  exports: [WebhookDeliverySweeper],
})
export class WebhookDeliveryModule {}

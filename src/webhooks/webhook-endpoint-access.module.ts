import { Module } from '@nestjs/common';
import { IdentityModule } from '../identity/identity.module';
import { WebhookEndpointAccess } from './webhook-endpoint-access';

/** The endpoint access rule, shared by the endpoints API and the delivery actions. */
@Module({ imports: [IdentityModule], providers: [WebhookEndpointAccess], exports: [WebhookEndpointAccess] })
export class WebhookEndpointAccessModule {}

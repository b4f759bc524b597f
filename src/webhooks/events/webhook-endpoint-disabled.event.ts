import { DomainEvent } from '@tessera/events';

/** Webhooks stopped going to an endpoint on their own: its deliveries failed for WEBHOOK_DISABLE_AFTER_DAYS without one success. */
export class WebhookEndpointDisabled extends DomainEvent<{ webhookEndpointId: string; reason: 'FAILING'; failingSince: string }> {
  static override readonly type = 'WebhookEndpointDisabled';
}

import { DomainEvent } from '@tessera/events';

/**
 * The audit trail of an organisation's webhook endpoints. Payloads never carry a signing secret,
 * and `url` is the endpoint's address without its query string or fragment (where a receiver's
 * own token would sit).
 */
interface EndpointState {
  webhookEndpointId: string;
  url: string;
  eventTypes: string[];
  enabled: boolean;
}

export class WebhookEndpointCreated extends DomainEvent<EndpointState> {
  static override readonly type = 'WebhookEndpointCreated';
}

/** `changed` names what changed (url, eventTypes, description, enabled); the rest is the state after. */
export class WebhookEndpointUpdated extends DomainEvent<EndpointState & { changed: string[] }> {
  static override readonly type = 'WebhookEndpointUpdated';
}

export class WebhookEndpointDeleted extends DomainEvent<{ webhookEndpointId: string; url: string }> {
  static override readonly type = 'WebhookEndpointDeleted';
}

/** A new signing secret; the one before still signs deliveries until previousSecretExpiresAt. */
export class WebhookEndpointSecretRotated extends DomainEvent<{ webhookEndpointId: string; previousSecretExpiresAt: string }> {
  static override readonly type = 'WebhookEndpointSecretRotated';
}

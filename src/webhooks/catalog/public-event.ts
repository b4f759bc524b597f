/**
 * One event as integrators receive it: the body of a webhook delivery. This shape is the public
 * contract documented in docs/webhooks.md; it changes only additively (new types, new fields).
 */
export interface PublicWebhookEvent {
  /** Unique per event; also the `webhook-id` header, so receivers can drop a repeat. */
  id: string;
  /** The public type, e.g. 'code.redeemed' (see WEBHOOK_EVENT_TYPES). */
  type: string;
  /** When the change happened (ISO 8601, UTC). */
  occurredAt: string;
  /** The organisation whose data changed; null only for platform-wide events. */
  organizationId: string | null;
  /** The objects concerned, with their public fields named as the GraphQL API names them. */
  data: Record<string, unknown>;
}

/** Webhook deliveries get their own queue, so slow receivers never hold up mail or the outbox relay. */
export const WEBHOOKS_QUEUE = 'webhooks';
